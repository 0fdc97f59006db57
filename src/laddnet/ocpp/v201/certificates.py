"""Certificate commands -> OCPP 2.0.1 CALLs (functional block A, security, and M, ISO 15118
certificate management)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.security.ca_certificates import V201_NAMES, CaCertificateType
from laddnet.ocpp.v16.certificates import hash_data

Translate = Callable[[Mapping[str, Any]], OcppRequest]


def _install(body: Mapping[str, Any]) -> OcppRequest:
    kind = V201_NAMES[CaCertificateType(body["certificate_type"])]
    return OcppRequest(
        "InstallCertificate", {"certificateType": kind, "certificate": body["certificate"]}
    )


def _installed_ids(body: Mapping[str, Any]) -> OcppRequest:
    given = body.get("certificate_type")
    payload = {"certificateType": [V201_NAMES[CaCertificateType(given)]]} if given else {}
    return OcppRequest("GetInstalledCertificateIds", payload)


def _signed(body: Mapping[str, Any]) -> OcppRequest:
    payload = {"certificateChain": body["certificate_chain"]}
    if body.get("certificate_type"):
        payload["certificateType"] = body["certificate_type"]
    return OcppRequest("CertificateSigned", payload)


def _variable(component: str, variable: str, value: str) -> OcppRequest:
    item = {
        "attributeValue": value,
        "component": {"name": component},
        "variable": {"name": variable},
    }
    return OcppRequest("SetVariables", {"setVariableData": [item]})


def _network_profile(body: Mapping[str, Any]) -> OcppRequest:
    """SetNetworkProfile (B09): the connection data of one configuration slot."""
    data = {
        "ocppVersion": "OCPP20",
        "ocppTransport": "JSON",
        "ocppCsmsUrl": body["csms_url"],
        "messageTimeout": int(body.get("message_timeout") or 30),
        "securityProfile": int(body["profile"]),
        "ocppInterface": body.get("interface") or "Wired0",
    }
    slot = int(body["configuration_slot"])
    return OcppRequest("SetNetworkProfile", {"configurationSlot": slot, "connectionData": data})


CERTIFICATES: dict[CommandName, Translate] = {
    CommandName.INSTALL_CERTIFICATE: _install,
    CommandName.DELETE_CERTIFICATE: lambda b: OcppRequest(
        "DeleteCertificate", {"certificateHashData": hash_data(b)}
    ),
    CommandName.GET_INSTALLED_CERTIFICATE_IDS: _installed_ids,
    CommandName.CERTIFICATE_SIGNED: _signed,
    CommandName.ROTATE_PASSWORD: lambda b: _variable(
        "SecurityCtrlr", "BasicAuthPassword", b["password"]
    ),
    # B09: the new slot first in the priority list; the station takes it after a reset.
    CommandName.SET_SECURITY_PROFILE: lambda b: _variable(
        "OCPPCommCtrlr", "NetworkConfigurationPriority", b["priority"]
    ),
    CommandName.SET_NETWORK_PROFILE: _network_profile,
    CommandName.RENEW_CERTIFICATE: lambda _b: OcppRequest(
        "TriggerMessage", {"requestedMessage": "SignChargingStationCertificate"}
    ),
}
