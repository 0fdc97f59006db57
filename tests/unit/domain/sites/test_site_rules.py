"""A site's fields: country, time zone, coordinates, opening hours, lengths and names."""

from __future__ import annotations

import importlib.resources
from dataclasses import replace

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.sites.countries import COUNTRY_CODES
from laddnet.domain.sites.model import (
    OpeningHours,
    RegularHours,
    SiteDetails,
    check_coordinates,
    check_country,
    check_opening_hours,
    check_site_id,
    check_time_zone,
    validated,
)

GOOD = SiteDetails(
    name="Depot",
    time_zone="Europe/Stockholm",
    country="SE",
    latitude="59.329323",
    longitude="18.068581",
    opening_hours=OpeningHours(False, (RegularHours(1, "08:00", "20:00"),)),
)


def test_country_codes_are_the_ones_tzdata_lists() -> None:
    text = importlib.resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text()
    listed = {line.split("\t")[0] for line in text.splitlines() if line and line[0] != "#"}
    assert listed == COUNTRY_CODES
    assert len(COUNTRY_CODES) == 249


@pytest.mark.parametrize(("given", "stored"), [("SE", "SE"), ("se", "SE"), ("NO", "NO")])
def test_a_country_is_an_iso_code_kept_in_capitals(given: str, stored: str) -> None:
    assert check_country(given) == stored


@pytest.mark.parametrize("code", ["XX", "SWE", "S", "", "EU", "UK"])
def test_an_unassigned_country_code_is_refused_naming_the_field(code: str) -> None:
    with pytest.raises(InvalidInput, match=r"^country: .* ISO 3166-1 alpha-2"):
        check_country(code)


@pytest.mark.parametrize("name", ["Europe/Stockholm", "UTC", "America/Argentina/Buenos_Aires"])
def test_iana_time_zones_are_accepted(name: str) -> None:
    check_time_zone(name)


@pytest.mark.parametrize("name", ["Mars/Olympus", "europe/stockholm", "", "CEST", "+01:00"])
def test_other_time_zones_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"^time_zone: .* IANA"):
        check_time_zone(name)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("59.329323", "18.068581"),
        ("-90", "180"),
        ("90.0000000", "-180.0000000"),
        ("0", "0"),
        ("-33.8688", "151.2093"),
    ],
)
def test_coordinates_in_range_are_accepted(lat: str, lon: str) -> None:
    check_coordinates(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        ("90.0000001", "0", "latitude"),
        ("-91", "0", "latitude"),
        ("0", "180.1", "longitude"),
        ("59.12345678", "0", "latitude"),  # 8 decimals: more than OCPI carries
        ("59,3", "18.0", "latitude"),
        ("1e1", "0", "latitude"),
        ("0", " 18.0", "longitude"),
        ("NaN", "0", "latitude"),
    ],
)
def test_coordinates_out_of_range_or_badly_written_are_refused(
    lat: str, lon: str, field: str
) -> None:
    with pytest.raises(InvalidInput, match=rf"^{field}: "):
        check_coordinates(lat, lon)


def test_coordinates_come_in_pairs() -> None:
    with pytest.raises(InvalidInput, match="give both or neither"):
        check_coordinates("59.3", None)
    check_coordinates(None, None)


def test_opening_hours_in_the_ocpi_shape() -> None:
    check_opening_hours(OpeningHours(True))
    check_opening_hours(
        OpeningHours(False, (RegularHours(1, "08:00", "20:00"), RegularHours(7, "00:00", "23:59")))
    )


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (OpeningHours(True, (RegularHours(1, "08:00", "20:00"),)), "must be empty"),
        (OpeningHours(False), "at least one period"),
        (OpeningHours(False, (RegularHours(0, "08:00", "20:00"),)), r"\.0\.weekday"),
        (OpeningHours(False, (RegularHours(8, "08:00", "20:00"),)), r"\.0\.weekday"),
        (OpeningHours(False, (RegularHours(1, "8:00", "20:00"),)), "period_begin: a time"),
        (OpeningHours(False, (RegularHours(1, "08:00", "24:00"),)), "period_end: a time"),
        (OpeningHours(False, (RegularHours(1, "08:60", "20:00"),)), "period_begin"),
        (OpeningHours(False, (RegularHours(1, "20:00", "08:00"),)), "later than"),
        (OpeningHours(False, (RegularHours(1, "08:00", "08:00"),)), "later than"),
    ],
)
def test_opening_hours_breaking_ocpi_rules_are_refused(hours: OpeningHours, message: str) -> None:
    with pytest.raises(InvalidInput, match=rf"^opening_hours.*{message}"):
        check_opening_hours(hours)


def test_opening_hours_round_trip_through_ocpi_json() -> None:
    hours = OpeningHours(False, (RegularHours(5, "07:30", "18:00"),))
    data = hours.to_json()
    assert data == {
        "twentyfourseven": False,
        "regular_hours": [{"weekday": 5, "period_begin": "07:30", "period_end": "18:00"}],
    }
    assert OpeningHours.from_json(data) == hours


def test_validated_checks_every_field_and_capitalises_the_country() -> None:
    assert validated(replace(GOOD, country="se")) == GOOD
    with pytest.raises(InvalidInput, match=r"^name: must not be blank"):
        validated(replace(GOOD, name="  "))
    with pytest.raises(InvalidInput, match=r"^city: at most 100"):
        validated(replace(GOOD, city="x" * 101))
    with pytest.raises(InvalidInput, match=r"^time_zone:"):
        validated(replace(GOOD, time_zone="Nowhere"))


@pytest.mark.parametrize("site_id", ["", "a/b", "x" * 49, "line\nbreak"])
def test_bad_site_ids_are_refused(site_id: str) -> None:
    with pytest.raises(InvalidInput, match=r"^id: "):
        check_site_id(site_id)
