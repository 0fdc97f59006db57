"""Wire-level helpers: station login parsing, OCPP timestamps, and schema validation."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laddnet.ocpp.common import format_time, parse_time
from laddnet.ocpp.errors import V16, V201, ErrorKind, OcppError
from laddnet.ocpp.schemas import validate
from laddnet.ocpp.security import (
    MAX_STATION_ID,
    MalformedHeader,
    authorization_header,
    basic_credentials,
    choose_subprotocol,
    offered_subprotocols,
    station_id_from_path,
)


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode("ascii")


# --- station_id_from_path ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ocpp/CS-001", "CS-001"),
        ("/ocpp/CS%20001", "CS 001"),
        ("/ocpp/St%C3%A5tion", "Ståtion"),
        ("/ocpp/CS-001?foo=bar", "CS-001"),
        ("/ocpp/" + "x" * MAX_STATION_ID, "x" * MAX_STATION_ID),
        ("/ocpp/" + "%41" * MAX_STATION_ID, "A" * MAX_STATION_ID),  # length counted decoded
    ],
)
def test_station_id_from_path(path: str, expected: str) -> None:
    assert station_id_from_path(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/ocpp/",
        "/ocpp",
        "/ocpp/?x=1",
        "/ocpp/a/b",
        "/ocpp/CS-001/",
        "/ocpp/../secret",
        "/other/CS-001",
        "/OCPP/CS-001",
        "ocpp/CS-001",
        "/ocpp/" + "x" * (MAX_STATION_ID + 1),
        "/ocpp/CS%00",  # NUL after decoding
        "/ocpp/CS%0A1",  # newline after decoding
    ],
)
def test_station_id_from_path_rejects(path: str) -> None:
    assert station_id_from_path(path) is None


# --- basic_credentials -------------------------------------------------------------------------


def test_basic_credentials_decodes_user_and_password() -> None:
    assert basic_credentials(basic(b"CS-001:s3cret-s3cret-s3cret")) == (
        "CS-001",
        "s3cret-s3cret-s3cret",
    )


def test_basic_credentials_password_may_contain_colons() -> None:
    assert basic_credentials(basic(b"CS-001:a:b::c")) == ("CS-001", "a:b::c")


def test_basic_credentials_scheme_is_case_insensitive() -> None:
    token = base64.b64encode(b"u:p").decode()
    assert basic_credentials(f"bAsIc {token}") == ("u", "p")


def test_basic_credentials_empty_password_is_kept_for_the_password_check() -> None:
    assert basic_credentials(basic(b"CS-001:")) == ("CS-001", "")


def test_basic_credentials_utf8() -> None:
    assert basic_credentials(basic("Ståtion:pässword".encode())) == ("Ståtion", "pässword")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic ",
        "Bearer dXNlcjpwYXNz",
        "dXNlcjpwYXNz",
        "Basic not*base64!",
        "Basic dXNlcjpwYXN",  # length not a multiple of 4
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        "Basic " + base64.b64encode(b"caf\xe9:latin1").decode(),  # not UTF-8
    ],
)
def test_basic_credentials_rejects_malformed(header: str | None) -> None:
    assert basic_credentials(header) is None


@pytest.mark.parametrize(
    "header", ["Basic \x80", "Basic dXNl\xe9cjpwYXNz", "Basic \u00e5\u00e4\u00f6="]
)
def test_basic_credentials_non_ascii_token_is_malformed(header: str) -> None:
    """SRC BUG: websockets decodes header values as ISO-8859-1, so a station can send non-ASCII.
    base64.b64decode then raises ValueError (not binascii.Error), which escapes basic_credentials
    and the login check: the handshake fails with 500 instead of 401 + a security event."""
    assert basic_credentials(header) is None


@given(st.text(max_size=60))
def test_basic_credentials_never_raises(header: str) -> None:
    for candidate in (header, "Basic " + header):
        result = basic_credentials(candidate)
        assert result is None or (isinstance(result[0], str) and isinstance(result[1], str))


@given(st.text(max_size=48).filter(lambda u: ":" not in u), st.text(max_size=40))
def test_basic_credentials_round_trips(username: str, password: str) -> None:
    header = basic(f"{username}:{password}".encode())
    assert basic_credentials(header) == (username, password)


# --- subprotocols ------------------------------------------------------------------------------


SUPPORTED = (V201, V16)


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        ([V16, V201], V16),  # the station's preference wins, not ours
        ([V201, V16], V201),
        (["ocpp2.1", V16], V16),
        (["ocpp2.1", "ocpp1.5"], None),
        ([], None),
        (["OCPP1.6"], None),  # subprotocol names are case-sensitive
    ],
)
def test_choose_subprotocol_follows_the_station_order(
    offered: list[str], expected: str | None
) -> None:
    assert choose_subprotocol(offered, SUPPORTED) == expected


def test_offered_subprotocols_splits_and_trims_header_values() -> None:
    assert offered_subprotocols(["ocpp2.0.1, ocpp1.6", " ,ocpp2.1 "]) == [
        "ocpp2.0.1",
        "ocpp1.6",
        "ocpp2.1",
    ]
    assert offered_subprotocols([]) == []


# --- parse_time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T12:00:00Z", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("2024-01-01T12:00:00z", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("2024-01-01T12:00:00.123Z", datetime(2024, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)),
        ("2024-01-01T12:00:00+00:00", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("2024-01-01T14:30:00+02:30", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("2024-01-01T07:00:00-05:00", datetime(2024, 1, 1, 12, tzinfo=UTC)),
        ("2024-01-01T23:30:00-01:00", datetime(2024, 1, 2, 0, 30, tzinfo=UTC)),
        ("2024-01-01T12:00:00", datetime(2024, 1, 1, 12, tzinfo=UTC)),  # naive: taken as UTC
    ],
)
def test_parse_time(text: str, expected: datetime) -> None:
    value = parse_time(text)
    assert value == expected
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z", "2024-01-01T12:00:00ZZ"],
)
def test_parse_time_garbage_is_a_property_constraint_violation(text: str) -> None:
    with pytest.raises(OcppError) as caught:
        parse_time(text)
    assert caught.value.kind is ErrorKind.PROPERTY_CONSTRAINT


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_parse_time_out_of_range_in_utc_is_a_property_constraint_violation(text: str) -> None:
    """SRC BUG: passes the date-time schema, but converting to UTC overflows the year range;
    parse_time lets the OverflowError escape, so the station gets InternalError instead."""
    with pytest.raises(OcppError) as caught:
        parse_time(text)
    assert caught.value.kind is ErrorKind.PROPERTY_CONSTRAINT


@given(st.datetimes(timezones=st.just(UTC)))
def test_format_then_parse_round_trips_to_the_millisecond(value: datetime) -> None:
    back = parse_time(format_time(value))
    assert back == value.replace(microsecond=value.microsecond // 1000 * 1000)


def test_format_time_uses_z() -> None:
    assert format_time(datetime(2024, 1, 1, 12, tzinfo=UTC)) == "2024-01-01T12:00:00.000Z"


# --- schemas.validate --------------------------------------------------------------------------

STATUS_201 = {
    "timestamp": "2024-01-01T12:00:00Z",
    "connectorStatus": "Available",
    "evseId": 1,
    "connectorId": 1,
}


@pytest.mark.parametrize(
    ("subprotocol", "action", "payload", "kind"),
    [
        # required → OccurrenceConstraintViolation
        (V16, "Authorize", {}, ErrorKind.OCCURRENCE_CONSTRAINT),
        (V201, "Authorize", {}, ErrorKind.OCCURRENCE_CONSTRAINT),
        (V201, "Heartbeat", {"customData": {}}, ErrorKind.OCCURRENCE_CONSTRAINT),
        # type → TypeConstraintViolation
        (V16, "Authorize", {"idTag": 12}, ErrorKind.TYPE_CONSTRAINT),
        (V16, "Heartbeat", [], ErrorKind.TYPE_CONSTRAINT),
        (V201, "StatusNotification", {**STATUS_201, "evseId": "1"}, ErrorKind.TYPE_CONSTRAINT),
        # maxLength / enum / format → PropertyConstraintViolation
        (V16, "Authorize", {"idTag": "x" * 21}, ErrorKind.PROPERTY_CONSTRAINT),
        (
            V201,
            "Authorize",
            {"idToken": {"idToken": "x" * 37, "type": "Central"}},
            ErrorKind.PROPERTY_CONSTRAINT,
        ),
        (
            V201,
            "Authorize",
            {"idToken": {"idToken": "x", "type": "Bogus"}},
            ErrorKind.PROPERTY_CONSTRAINT,
        ),
        (
            V201,
            "StatusNotification",
            {**STATUS_201, "timestamp": "noon"},
            ErrorKind.PROPERTY_CONSTRAINT,
        ),
        (
            V16,
            "StatusNotification",
            {"connectorId": 1, "errorCode": "NoError", "status": "Occupied"},
            ErrorKind.PROPERTY_CONSTRAINT,
        ),
        # additionalProperties → FormatViolation (FormationViolation in 1.6)
        (V16, "Heartbeat", {"extra": 1}, ErrorKind.FORMAT),
        (V201, "Heartbeat", {"extra": 1}, ErrorKind.FORMAT),
        # minItems → OccurrenceConstraintViolation
        (
            V16,
            "MeterValues",
            {"connectorId": 1, "meterValue": []},
            ErrorKind.OCCURRENCE_CONSTRAINT,
        ),
        # an action the version does not have
        (V16, "TransactionEvent", {}, ErrorKind.NOT_IMPLEMENTED),
        (V201, "StartTransaction", {}, ErrorKind.NOT_IMPLEMENTED),
        (V16, "NoSuchAction", {}, ErrorKind.NOT_IMPLEMENTED),
    ],
)
def test_validate_maps_schema_rules_to_error_kinds(
    subprotocol: str, action: str, payload: Any, kind: ErrorKind
) -> None:
    with pytest.raises(OcppError) as caught:
        validate(subprotocol, action, payload)
    assert caught.value.kind is kind


def test_validate_description_names_the_field_and_rule() -> None:
    with pytest.raises(OcppError) as caught:
        validate(V16, "Authorize", {"idTag": "x" * 21})
    assert caught.value.description == "idTag: violates 'maxLength'"


@pytest.mark.parametrize(
    ("subprotocol", "action", "payload", "response"),
    [
        (V16, "Heartbeat", {}, False),
        (V201, "Heartbeat", {}, False),
        (V16, "Authorize", {"idTag": "04A2B3C4"}, False),
        (V201, "Authorize", {"idToken": {"idToken": "04A2B3C4", "type": "ISO14443"}}, False),
        (V201, "StatusNotification", STATUS_201, False),
        (V16, "Heartbeat", {"currentTime": "2024-01-01T12:00:00Z"}, True),
        (V16, "Authorize", {"idTagInfo": {"status": "Accepted"}}, True),
        (V201, "Authorize", {"idTokenInfo": {"status": "Accepted"}}, True),
    ],
)
def test_validate_accepts_valid_payloads(
    subprotocol: str, action: str, payload: Any, response: bool
) -> None:
    validate(subprotocol, action, payload, response=response)


def test_validate_checks_responses_against_the_response_schema() -> None:
    with pytest.raises(OcppError) as caught:
        validate(V16, "Authorize", {"idTagInfo": {"status": "Maybe"}}, response=True)
    assert caught.value.kind is ErrorKind.PROPERTY_CONSTRAINT


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
id_token_201 = st.fixed_dictionaries(
    {"idToken": json_values, "type": json_values}, optional={"customData": json_values}
)
payloads = st.one_of(
    json_values,
    st.dictionaries(
        st.sampled_from(["idTag", "idToken", "customData", "connectorId", "x"]), json_values
    ),
    st.fixed_dictionaries({"idTag": json_values}),
    st.fixed_dictionaries({"idToken": st.one_of(json_values, id_token_201)}),
    st.fixed_dictionaries(
        {
            "timestamp": st.one_of(st.text(max_size=30), json_values),
            "connectorStatus": st.one_of(st.sampled_from(["Available", "Occupied"]), json_values),
            "evseId": json_values,
            "connectorId": json_values,
        }
    ),
)
KNOWN_SCHEMA_KINDS = {
    ErrorKind.OCCURRENCE_CONSTRAINT,
    ErrorKind.TYPE_CONSTRAINT,
    ErrorKind.PROPERTY_CONSTRAINT,
    ErrorKind.FORMAT,
}


@settings(max_examples=300)
@given(
    st.sampled_from([V16, V201]),
    st.sampled_from(["Heartbeat", "Authorize", "StatusNotification", "BootNotification"]),
    payloads,
    st.booleans(),
)
def test_validate_either_passes_or_raises_ocpp_error(
    subprotocol: str, action: str, payload: Any, response: bool
) -> None:
    error: OcppError | None = None
    try:
        validate(subprotocol, action, payload, response=response)
    except OcppError as exc:
        error = exc
    if error is not None:
        assert error.kind in KNOWN_SCHEMA_KINDS
        assert len(error.description) <= 250


# --- authorization_header ----------------------------------------------------------------------


def test_authorization_header_one_or_none() -> None:
    assert authorization_header([]) is None
    assert authorization_header(["Basic abc"]) == "Basic abc"


def test_authorization_header_several_are_malformed() -> None:
    with pytest.raises(MalformedHeader, match="2 Authorization headers"):
        authorization_header(["Basic abc", "Basic def"])
