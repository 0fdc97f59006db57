"""Every command with an API body has a translation for each OCPP version, and what it
translates to is a valid CALL of that version; a command a version cannot express says so."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from laddnet.api.schemas.commands import BODIES
from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import InvalidInput
from laddnet.ocpp.link import TRANSLATIONS, GatewayLink

# A body each command accepts, plus what the prepare hooks add (remote_start_id, ...).
EXAMPLES: dict[CommandName, dict[str, Any]] = {
    CommandName.RESET: {"type": "soft"},
    CommandName.UNLOCK_CONNECTOR: {"evse_id": 1},
    CommandName.CHANGE_AVAILABILITY: {"operative": False, "evse_id": 1},
    CommandName.REMOTE_START: {"id_token": "TAG-1", "evse_id": 1, "remote_start_id": 7},
    CommandName.REMOTE_STOP: {"session_id": 3, "transaction_id": "42"},
    CommandName.TRIGGER_MESSAGE: {"message": "StatusNotification", "evse_id": 1},
    CommandName.CLEAR_CACHE: {},
    CommandName.GET_CONFIGURATION: {"request_id": 5},
    CommandName.SET_CONFIGURATION: {"value": "60"},
    CommandName.DATA_TRANSFER: {"vendor_id": "Laddnet", "data": "x"},
    CommandName.UPDATE_FIRMWARE: {
        "location": "https://firmware.example.com/fw-2.bin",
        "retrieve_at": "2026-12-06T02:00:00+00:00",
        "request_id": 11,
    },
    CommandName.GET_LOG: {
        "type": "diagnostics",
        "request_id": 12,
        "location": "https://csms.example.com/api/v1/log-uploads/token",
    },
    CommandName.SEND_LOCAL_LIST: {
        "version": 2,
        "update": "full",
        "tokens": [{"id_token": "TAG-1", "status": "Accepted"}],
    },
    CommandName.RESERVE_NOW: {
        "id_token": "TAG-1",
        "evse_id": 1,
        "expires_at": "2026-12-06T02:00:00+00:00",
        "reservation_id": 13,
    },
    CommandName.CANCEL_RESERVATION: {"reservation_id": 13},
    CommandName.INSTALL_CERTIFICATE: {
        "certificate_type": "csms_root",
        "certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    },
    CommandName.DELETE_CERTIFICATE: {
        "hash_algorithm": "SHA256",
        "issuer_name_hash": "a" * 64,
        "issuer_key_hash": "b" * 64,
        "serial_number": "1f",
    },
    CommandName.GET_INSTALLED_CERTIFICATE_IDS: {"certificate_type": "manufacturer_root"},
    CommandName.CUSTOMER_INFORMATION: {"id_token": "TAG-1", "clear": True, "request_id": 21},
    CommandName.GET_TRANSACTION_STATUS: {"session_id": 3, "transaction_id": "TX-1"},
    CommandName.GET_LOCAL_LIST_VERSION: {},
}
# Commands only one OCPP version has a message for: the other refuses them as invalid input.
VERSION_ONLY: dict[CommandName, str] = {
    CommandName.CUSTOMER_INFORMATION: "2.0.1",
    CommandName.GET_TRANSACTION_STATUS: "2.0.1",
}
# set-configuration names a 1.6 key or a 2.0.1 component and variable.
SHAPES = {
    "1.6": {CommandName.SET_CONFIGURATION: {"key": "HeartbeatInterval"}},
    "2.0.1": {CommandName.SET_CONFIGURATION: {"component": "C", "variable": "V"}},
}


def test_every_command_with_a_body_has_an_example() -> None:
    assert set(EXAMPLES) == set(BODIES)


@pytest.mark.parametrize("version", sorted(TRANSLATIONS))
@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_command_translates_to_a_valid_call(version: str, name: CommandName) -> None:
    link = GatewayLink()
    body = {**EXAMPLES[name], **SHAPES[version].get(name, {})}
    if VERSION_ONLY.get(name, version) != version:
        with pytest.raises(InvalidInput, match=f"not available for OCPP {version}"):
            link.translate(version, name, body)
        return
    if name is CommandName.GET_TRANSACTION_STATUS:  # the API takes one id; prepare adds the other
        BODIES[name].model_validate({"session_id": 3})
    else:
        fields = BODIES[name].model_fields
        BODIES[name].model_validate({k: v for k, v in body.items() if k in fields})
    assert name in TRANSLATIONS[version], f"{name} has no OCPP {version} translation"
    request = link.translate(version, name, body)
    assert request.action
    assert isinstance(request.payload, dict)


@pytest.mark.parametrize("version", sorted(TRANSLATIONS))
def test_a_command_without_a_translation_is_a_clear_invalid_input(version: str) -> None:
    missing = [n for n in CommandName if n not in TRANSLATIONS[version]]
    for name in missing:
        with pytest.raises(InvalidInput, match=f"not available for OCPP {version}"):
            GatewayLink().translate(version, name, {})
    lacking = set(missing) & set(BODIES) - set(VERSION_ONLY)
    assert not lacking, "a command with an API body lacks a translation"


@pytest.mark.parametrize(
    ("version", "body", "named"),
    [
        ("1.6", {"component": "C", "variable": "V", "value": "1"}, "key and value"),
        ("2.0.1", {"key": "K", "value": "1"}, "component, variable and value"),
    ],
)
def test_set_configuration_of_the_other_versions_shape_names_the_fields(
    version: str, body: dict[str, Any], named: str
) -> None:
    with pytest.raises(InvalidInput, match=named):
        GatewayLink().translate(version, CommandName.SET_CONFIGURATION, body)


def test_get_transaction_status_without_an_id_asks_about_every_transaction() -> None:
    link = GatewayLink()
    assert link.translate("2.0.1", CommandName.GET_TRANSACTION_STATUS, {}).payload == {}
    named = link.translate("2.0.1", CommandName.GET_TRANSACTION_STATUS, {"transaction_id": "T-9"})
    assert named.payload == {"transactionId": "T-9"}


def test_set_configuration_with_several_variables_is_one_set_variables_call() -> None:
    variables = [
        {"component": "OCPPCommCtrlr", "variable": "OfflineThreshold", "value": "123"},
        {"component": "AuthCtrlr", "variable": "AuthorizeRemoteStart", "value": "false"},
    ]
    body = BODIES[CommandName.SET_CONFIGURATION].model_validate({"variables": variables})
    wire = body.model_dump(exclude_none=True)
    request = GatewayLink().translate("2.0.1", CommandName.SET_CONFIGURATION, wire)
    data = request.payload["setVariableData"]
    assert [(d["variable"]["name"], d["attributeValue"]) for d in data] == [
        ("OfflineThreshold", "123"),
        ("AuthorizeRemoteStart", "false"),
    ]
    with pytest.raises(InvalidInput, match="key and value"):
        GatewayLink().translate("1.6", CommandName.SET_CONFIGURATION, wire)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            {"variables": [{"component": "C", "variable": "V", "value": "1"}], "value": "1"},
            "give variables, or value",
        ),
        (
            {"variables": [{"component": "C", "variable": "V", "value": str(n)} for n in (1, 2)]},
            "listed twice",
        ),
        ({"key": "HeartbeatInterval"}, "value is required"),
    ],
)
def test_set_configuration_takes_one_form(body: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        BODIES[CommandName.SET_CONFIGURATION].model_validate(body)


def test_get_configuration_report_is_a_2_0_1_base_report() -> None:
    link = GatewayLink()
    body = {"report": "ConfigurationInventory", "request_id": 4}
    request = link.translate("2.0.1", CommandName.GET_CONFIGURATION, body)
    assert request.payload == {"requestId": 4, "reportBase": "ConfigurationInventory"}
    with pytest.raises(InvalidInput, match=r"OCPP 2\.0\.1"):
        link.translate("1.6", CommandName.GET_CONFIGURATION, body)
    with pytest.raises(ValidationError, match="keys or report"):
        BODIES[CommandName.GET_CONFIGURATION].model_validate(
            {"keys": ["A.B"], "report": "FullInventory"}
        )
