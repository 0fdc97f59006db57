"""Certificate commands -> OCPP 1.6 CALLs of the security whitepaper (edition 2)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from laddnet.domain.commands.model import CommandName, OcppRequest
from laddnet.domain.errors import InvalidInput
from laddnet.domain.security.ca_certificates import V16_NAMES, CaCertificateType

Translate = Callable[[Mapping[str, Any]], OcppRequest]


def _type(body: Mapping[str, Any]) -> str:
    given = body.get("certificate_type")
    name = V16_NAMES.get(CaCertificateType(given)) if given else None
    if name is None:
        raise InvalidInput(
            "certificate_type: OCPP 1.6 stations know csms_root and manufacturer_root"
        )
    return name


def _no_network_profile(_body: Mapping[str, Any]) -> OcppRequest:
    raise InvalidInput("OCPP 1.6 stations change their security profile with SecurityProfile")


def hash_data(body: Mapping[str, Any]) -> dict[str, str]:
    return {
        "hashAlgorithm": body["hash_algorithm"],
        "issuerNameHash": body["issuer_name_hash"],
        "issuerKeyHash": body["issuer_key_hash"],
        "serialNumber": body["serial_number"],
    }


CERTIFICATES: dict[CommandName, Translate] = {
    CommandName.INSTALL_CERTIFICATE: lambda b: OcppRequest(
        "InstallCertificate", {"certificateType": _type(b), "certificate": b["certificate"]}
    ),
    CommandName.DELETE_CERTIFICATE: lambda b: OcppRequest(
        "DeleteCertificate", {"certificateHashData": hash_data(b)}
    ),
    CommandName.GET_INSTALLED_CERTIFICATE_IDS: lambda b: OcppRequest(
        "GetInstalledCertificateIds", {"certificateType": _type(b)}
    ),
    CommandName.CERTIFICATE_SIGNED: lambda b: OcppRequest(
        "CertificateSigned", {"certificateChain": b["certificate_chain"]}
    ),
    # Security whitepaper: the basic-auth password is the AuthorizationKey, in hex digits.
    CommandName.ROTATE_PASSWORD: lambda b: OcppRequest(
        "ChangeConfiguration", {"key": "AuthorizationKey", "value": b["authorization_key"]}
    ),
    CommandName.SET_SECURITY_PROFILE: lambda b: OcppRequest(
        "ChangeConfiguration", {"key": "SecurityProfile", "value": str(int(b["profile"]))}
    ),
    CommandName.SET_NETWORK_PROFILE: _no_network_profile,
    CommandName.RENEW_CERTIFICATE: lambda _b: OcppRequest(
        "ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"}
    ),
}
