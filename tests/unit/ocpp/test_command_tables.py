"""Every command with an API body has a translation for each OCPP version, and what it
translates to is a valid CALL of that version; a command a version cannot express says so."""

from __future__ import annotations

from typing import Any

import pytest

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
}
# Commands only one version has a message for: the others refuse them as invalid input.
VERSION_ONLY: dict[CommandName, str] = {CommandName.CUSTOMER_INFORMATION: "2.0.1"}
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
    BODIES[name].model_validate({k: v for k, v in body.items() if k in BODIES[name].model_fields})
    if VERSION_ONLY.get(name, version) != version:
        with pytest.raises(InvalidInput, match=f"not available for OCPP {version}"):
            link.translate(version, name, body)
        return
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
