"""Station CSV import and credential rules of the `laddnet stations` commands."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.stations.model import (
    Availability,
    Connector,
    ConnectorState,
    ConnectorStatus,
    Station,
)
from laddnet.stations_cli import (
    MAX_PASSWORD,
    MAX_STATION_ID,
    MIN_PASSWORD,
    StationRow,
    check_credentials,
    format_station_table,
    read_station_csv,
)

GOOD = string.ascii_letters[:MIN_PASSWORD]


def varied(length: int) -> str:
    return (string.ascii_letters * 2)[:length]


def csv_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "stations.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


# --- check_credentials -------------------------------------------------------------------------


@pytest.mark.parametrize("length", [MIN_PASSWORD, 20, MAX_PASSWORD])
def test_password_length_within_profile_1_is_accepted(length: int) -> None:
    check_credentials("CS-1", varied(length), None)


@pytest.mark.parametrize("length", [0, MIN_PASSWORD - 1, MAX_PASSWORD + 1])
def test_password_length_outside_profile_1_is_refused(length: int) -> None:
    with pytest.raises(InvalidInput, match=f"{MIN_PASSWORD}-{MAX_PASSWORD} characters"):
        check_credentials("CS-1", varied(length), None)


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaaaaaa", "abababababababababab", "abcdabcdabcdabcd", "1111111122222222"],
)
def test_long_passwords_without_variety_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput, match="too little variety"):
        check_credentials("CS-1", password, None)


@pytest.mark.parametrize(
    "password", ["3f9a0c7e12b4d865", "e2e-station-password-01", "a-16-to-40-char-secret"]
)
def test_random_or_passphrase_like_passwords_are_accepted(password: str) -> None:
    check_credentials("CS-1", password, None)


@pytest.mark.parametrize(
    "station_id", ["", "x" * (MAX_STATION_ID + 1), "CS\n1", "CS\x001", "CS:1", "CS/1"]
)
def test_bad_station_ids_are_refused(station_id: str) -> None:
    with pytest.raises(InvalidInput, match="station id"):
        check_credentials(station_id, GOOD, None)


def test_longest_station_id_is_accepted() -> None:
    check_credentials("x" * MAX_STATION_ID, GOOD, None)


def test_error_names_the_line() -> None:
    with pytest.raises(InvalidInput, match=r"^line 7: password"):
        check_credentials("CS-1", "short", 7)


# --- read_station_csv --------------------------------------------------------------------------


def test_reads_rows_with_extra_columns(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f"id,password,site\nCS-1,{GOOD},Depot\n CS-2 , {varied(MAX_PASSWORD)} ,Depot\n",
    )
    assert read_station_csv(path) == [
        StationRow(StationId("CS-1"), GOOD, 2),
        StationRow(StationId("CS-2"), varied(MAX_PASSWORD), 3),
    ]


def test_column_order_does_not_matter_and_a_bom_is_tolerated(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"password,id\r\n{GOOD},CS-1\r\n", encoding="utf-8-sig")
    assert read_station_csv(path) == [StationRow(StationId("CS-1"), GOOD, 2)]


def test_password_may_contain_commas_when_quoted(tmp_path: Path) -> None:
    password = "a,b" + varied(MIN_PASSWORD)
    path = csv_file(tmp_path, f'id,password\nCS-1,"{password}"\n')
    assert read_station_csv(path) == [StationRow(StationId("CS-1"), password, 2)]


@pytest.mark.parametrize(
    "text",
    [
        f"CS-1,{GOOD}\n",  # no header: the first row is taken as one
        f"id,secret\nCS-1,{GOOD}\n",
        f"station,password\nCS-1,{GOOD}\n",
        "",
    ],
)
def test_header_must_name_id_and_password(tmp_path: Path, text: str) -> None:
    with pytest.raises(InvalidInput, match="header must name the columns id and password"):
        read_station_csv(csv_file(tmp_path, text))


def test_bad_row_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"id,password\nCS-1,{GOOD}\nCS-2,short\nCS-3,{GOOD}\n")
    with pytest.raises(InvalidInput, match=r"^line 3: password must be"):
        read_station_csv(path)


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"id,password\n\nCS-1,{GOOD}\n\n:bad,{GOOD}\n")
    with pytest.raises(InvalidInput, match=r"^line 5: station id must not contain"):
        read_station_csv(path)


def test_row_missing_the_password_is_reported(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"id,password\nCS-1,{GOOD}\nCS-2\n")
    with pytest.raises(InvalidInput, match=r"^line 3: password"):
        read_station_csv(path)


def test_duplicate_station_id_is_reported_with_the_second_line(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"id,password\nCS-1,{GOOD}\nCS-2,{GOOD}\nCS-1,{varied(20)}\n")
    with pytest.raises(InvalidInput, match=r"^line 4: station CS-1 appears twice"):
        read_station_csv(path)


def test_duplicates_are_detected_after_trimming(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"id,password\nCS-1,{GOOD}\n CS-1 ,{GOOD}\n")
    with pytest.raises(InvalidInput, match="appears twice"):
        read_station_csv(path)


def test_header_only_file_has_no_stations(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no stations"):
        read_station_csv(csv_file(tmp_path, "id,password\n"))


def test_missing_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read_station_csv(str(tmp_path / "absent.csv"))


# --- format_station_table ----------------------------------------------------------------------


def test_station_table_lists_presence_and_connectors() -> None:
    seen = datetime(2024, 1, 1, 12, 0, 5, 123456, tzinfo=UTC)
    state = ConnectorState(ConnectorStatus.OCCUPIED, None, None, seen)
    stations = [
        Station(
            id=StationId("CS-1"),
            registration_status=None,
            ocpp_version="2.0.1",
            info=None,
            connected=True,
            last_seen_at=seen,
            last_boot_at=None,
            connectors=(Connector(EvseId(1), ConnectorId(1), state),),
            availability=Availability(ConnectorStatus.UNAVAILABLE, None, seen),
        ),
        Station(StationId("CS-2"), None, None, None, False, None, None),
    ]
    lines = format_station_table(stations).splitlines()
    header = ["STATION", "ONLINE", "OCPP", "STATE", "SERVICE", "LAST", "SEEN", "CONNECTORS"]
    assert lines[0].split() == header
    cs1 = ["CS-1", "yes", "2.0.1", "Unavailable", "in_maintenance"]
    assert lines[1].split() == [*cs1, "2024-01-01T12:00:05+00:00", "1/1:Occupied"]
    assert lines[2].split() == ["CS-2", "no", "-", "-", "offline", "-", "-"]
    in_maintenance = format_station_table(stations, in_maintenance={"CS-2"}).splitlines()
    assert in_maintenance[2].split()[4] == "in_maintenance"
