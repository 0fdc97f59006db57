"""The commands Laddnet sends for credential changes and renewals translate to schema-valid
CALLs of each OCPP version (1.6 through the security whitepaper's messages)."""

from __future__ import annotations

from typing import Any

import pytest

from laddnet.domain.commands.model import INTERNAL_COMMANDS, CommandName
from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.credentials import authorization_key
from laddnet.ocpp.errors import V16, V201
from laddnet.ocpp.link import GatewayLink
from laddnet.ocpp.schemas import validate

PASSWORD = "Ab3dEf7hIj1lMn0pQr5t"
CASES: list[tuple[str, str, CommandName, dict[str, Any], str, dict[str, Any]]] = [
    (
        "1.6",
        V16,
        CommandName.ROTATE_PASSWORD,
        {"password": PASSWORD, "authorization_key": authorization_key(PASSWORD)},
        "ChangeConfiguration",
        {"key": "AuthorizationKey", "value": PASSWORD.encode().hex()},
    ),
    (
        "2.0.1",
        V201,
        CommandName.ROTATE_PASSWORD,
        {"password": PASSWORD, "authorization_key": authorization_key(PASSWORD)},
        "SetVariables",
        {
            "setVariableData": [
                {
                    "attributeValue": PASSWORD,
                    "component": {"name": "SecurityCtrlr"},
                    "variable": {"name": "BasicAuthPassword"},
                }
            ]
        },
    ),
    (
        "1.6",
        V16,
        CommandName.SET_SECURITY_PROFILE,
        {"profile": 2},
        "ChangeConfiguration",
        {"key": "SecurityProfile", "value": "2"},
    ),
    (
        "2.0.1",
        V201,
        CommandName.SET_SECURITY_PROFILE,
        {"priority": "2,1"},
        "SetVariables",
        {
            "setVariableData": [
                {
                    "attributeValue": "2,1",
                    "component": {"name": "OCPPCommCtrlr"},
                    "variable": {"name": "NetworkConfigurationPriority"},
                }
            ]
        },
    ),
    (
        "2.0.1",
        V201,
        CommandName.SET_NETWORK_PROFILE,
        {"configuration_slot": 2, "csms_url": "wss://csms.example.com:9443/ocpp", "profile": 2},
        "SetNetworkProfile",
        {
            "configurationSlot": 2,
            "connectionData": {
                "ocppVersion": "OCPP20",
                "ocppTransport": "JSON",
                "ocppCsmsUrl": "wss://csms.example.com:9443/ocpp",
                "messageTimeout": 30,
                "securityProfile": 2,
                "ocppInterface": "Wired0",
            },
        },
    ),
    (
        "1.6",
        V16,
        CommandName.RENEW_CERTIFICATE,
        {},
        "ExtendedTriggerMessage",
        {"requestedMessage": "SignChargePointCertificate"},
    ),
    (
        "2.0.1",
        V201,
        CommandName.RENEW_CERTIFICATE,
        {},
        "TriggerMessage",
        {"requestedMessage": "SignChargingStationCertificate"},
    ),
]


@pytest.mark.parametrize(("version", "subprotocol", "name", "body", "action", "payload"), CASES)
def test_credential_commands_are_valid_calls(
    version: str,
    subprotocol: str,
    name: CommandName,
    body: dict[str, Any],
    action: str,
    payload: dict[str, Any],
) -> None:
    request = GatewayLink().translate(version, name, body)
    assert (request.action, request.payload) == (action, payload)
    validate(subprotocol, request.action, request.payload)


def test_a_16_station_has_no_network_profile_and_these_are_internal() -> None:
    with pytest.raises(InvalidInput, match="SecurityProfile"):
        GatewayLink().translate("1.6", CommandName.SET_NETWORK_PROFILE, {})
    assert CommandName.ROTATE_PASSWORD in INTERNAL_COMMANDS
    assert CommandName.RENEW_CERTIFICATE in INTERNAL_COMMANDS
