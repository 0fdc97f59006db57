"""Every enum member is mapped, and every mapped value exists in the version's schema or spec."""

from __future__ import annotations

import importlib.resources
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from ocpp.v16.enums import AuthorizationStatus as V16AuthorizationStatus
from ocpp.v16.enums import ChargePointStatus
from ocpp.v201.enums import ConnectorStatusEnumType

from laddnet.domain.authorization.model import AuthorizationStatus
from laddnet.domain.errors import (
    Conflict,
    InvalidInput,
    LaddnetError,
    NotAuthorized,
    NotFound,
    StorageUnavailable,
    UnknownSession,
    UnknownStation,
)
from laddnet.domain.ids import StationId
from laddnet.domain.stations.model import WHOLE_STATION, AvailabilityReport, StatusReport
from laddnet.ocpp import errors
from laddnet.ocpp.errors import V16, V201, ErrorKind, code_for, kind_for_domain_error
from laddnet.ocpp.v16 import translate as v16
from laddnet.ocpp.v201 import translate as v201

# OCPP-J 1.6 §4.2.3, spelled as the spec spells them ("Formation", "Occurence").
OCPP_J_16_CODES = {
    "NotImplemented",
    "NotSupported",
    "InternalError",
    "ProtocolError",
    "SecurityError",
    "FormationViolation",
    "PropertyConstraintViolation",
    "OccurenceConstraintViolation",
    "TypeConstraintViolation",
    "GenericError",
}
# OCPP-J 2.0.1 §4.3.
OCPP_J_201_CODES = {
    "FormatViolation",
    "GenericError",
    "InternalError",
    "MessageTypeNotSupported",
    "NotImplemented",
    "NotSupported",
    "OccurrenceConstraintViolation",
    "PropertyConstraintViolation",
    "ProtocolError",
    "RpcFrameworkError",
    "SecurityError",
    "TypeConstraintViolation",
}


def schema(package: str, name: str) -> dict[str, Any]:
    text = (importlib.resources.files(package) / "schemas" / name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def enum_values(node: dict[str, Any]) -> set[str]:
    return set(node["enum"])


V16_AUTHORIZE_STATUSES = enum_values(
    schema("ocpp.v16", "AuthorizeResponse.json")["properties"]["idTagInfo"]["properties"]["status"]
)
V201_AUTHORIZE_STATUSES = enum_values(
    schema("ocpp.v201", "AuthorizeResponse.json")["definitions"]["AuthorizationStatusEnumType"]
)
V16_CONNECTOR_STATUSES = enum_values(
    schema("ocpp.v16", "StatusNotification.json")["properties"]["status"]
)
V201_CONNECTOR_STATUSES = enum_values(
    schema("ocpp.v201", "StatusNotificationRequest.json")["definitions"]["ConnectorStatusEnumType"]
)


def test_schemas_were_read() -> None:
    # Guard against the tests below passing vacuously on empty sets.
    assert {"Accepted", "Invalid"} <= V16_AUTHORIZE_STATUSES
    assert {"Accepted", "NoCredit"} <= V201_AUTHORIZE_STATUSES
    assert "Preparing" in V16_CONNECTOR_STATUSES
    assert "Occupied" in V201_CONNECTOR_STATUSES


# --- connector status --------------------------------------------------------------------------


def test_v16_status_covers_every_charge_point_status() -> None:
    assert set(v16.STATUS) == {member.value for member in ChargePointStatus}


def test_v16_status_covers_the_schema_enum() -> None:
    assert set(v16.STATUS) == V16_CONNECTOR_STATUSES


@pytest.mark.parametrize("status", sorted(V16_CONNECTOR_STATUSES))
def test_v16_status_translates_through_status_report(status: str) -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    payload = {"connectorId": 2, "errorCode": "NoError", "status": status}
    report = v16.status_report(StationId("CS-1"), payload, now)
    assert isinstance(report, StatusReport)
    assert (report.status, report.charging_state) == v16.STATUS[status]
    assert report.evse_id == 2
    assert report.error_code is None
    assert report.reported_at == now


@pytest.mark.parametrize("status", ["Available", "Unavailable", "Faulted"])
def test_v16_connector_0_is_the_whole_charge_points_availability(status: str) -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    payload = {"connectorId": 0, "errorCode": "PowerMeterFailure", "status": status}
    report = v16.status_report(StationId("CS-1"), payload, now)
    assert report == AvailabilityReport(
        StationId("CS-1"), WHOLE_STATION, v16.STATUS[status][0], "PowerMeterFailure", now
    )


def test_v16_occupied_states_carry_a_charging_state() -> None:
    for status, (connector, charging) in v16.STATUS.items():
        if status in ("Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"):
            assert connector.value == "Occupied", status
            assert charging is not None, status


def test_v201_status_covers_the_schema_enum() -> None:
    assert set(v201.STATUS) == V201_CONNECTOR_STATUSES
    assert set(v201.STATUS) == {member.value for member in ConnectorStatusEnumType}


def test_v201_status_maps_each_value_to_the_same_named_status() -> None:
    for wire, status in v201.STATUS.items():
        assert status.value == wire


# --- authorization -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "allowed"),
    [(v16.AUTHORIZATION, V16_AUTHORIZE_STATUSES), (v201.AUTHORIZATION, V201_AUTHORIZE_STATUSES)],
    ids=["1.6", "2.0.1"],
)
def test_authorization_covers_every_status_with_a_schema_value(
    table: dict[AuthorizationStatus, str], allowed: set[str]
) -> None:
    assert set(table) == set(AuthorizationStatus)
    assert set(table.values()) <= allowed
    # Distinct outcomes stay distinct on the wire.
    assert len(set(table.values())) == len(table)


def test_v16_authorization_values_are_library_enum_members() -> None:
    assert set(v16.AUTHORIZATION.values()) <= {m.value for m in V16AuthorizationStatus}


# --- CALLERROR codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ErrorKind))
def test_every_error_kind_maps_for_both_versions(kind: ErrorKind) -> None:
    assert code_for(kind, V16) in OCPP_J_16_CODES
    assert code_for(kind, V201) in OCPP_J_201_CODES


def test_v16_codes_are_exactly_the_ocpp_j_16_set() -> None:
    assert {code_for(kind, V16) for kind in ErrorKind} == OCPP_J_16_CODES


def test_v201_codes_are_the_kind_names() -> None:
    assert {code_for(kind, V201) for kind in ErrorKind} == OCPP_J_201_CODES
    for kind in ErrorKind:
        assert code_for(kind, V201) == kind.value


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (ErrorKind.FORMAT, "FormationViolation"),
        (ErrorKind.OCCURRENCE_CONSTRAINT, "OccurenceConstraintViolation"),
        (ErrorKind.RPC_FRAMEWORK, "FormationViolation"),
        (ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED, "NotSupported"),
    ],
)
def test_v16_keeps_its_own_spellings_and_fallbacks(kind: ErrorKind, code: str) -> None:
    assert code_for(kind, V16) == code


def test_schema_rules_map_to_kinds_with_codes_in_both_versions() -> None:
    for rule, kind in errors.SCHEMA_RULE_KINDS.items():
        assert code_for(kind, V16) in OCPP_J_16_CODES, rule
        assert code_for(kind, V201) in OCPP_J_201_CODES, rule


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (StorageUnavailable("db down"), ErrorKind.INTERNAL),
        (InvalidInput("bad"), ErrorKind.PROPERTY_CONSTRAINT),
        (NotAuthorized("no"), ErrorKind.SECURITY),
        (NotFound("x"), ErrorKind.GENERIC),
        (UnknownStation("x"), ErrorKind.GENERIC),
        (UnknownSession("x"), ErrorKind.GENERIC),
        (Conflict("x"), ErrorKind.GENERIC),
        (LaddnetError("x"), ErrorKind.GENERIC),
    ],
)
def test_domain_errors_map_to_kinds(exc: LaddnetError, kind: ErrorKind) -> None:
    assert kind_for_domain_error(exc) is kind


def test_ocpp_error_carries_kind_and_description() -> None:
    exc = errors.OcppError(ErrorKind.SECURITY, "nope")
    assert (exc.kind, exc.description, str(exc)) == (ErrorKind.SECURITY, "nope", "nope")
    assert str(errors.OcppError(ErrorKind.GENERIC)) == "GenericError"
