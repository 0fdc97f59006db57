"""How serious each recorded security event is, and the event Laddnet publishes for it.

Laddnet's own kinds have a fixed severity; a station's own report (SecurityEventNotification,
kind `station_reported`) takes the severity of its OCPP type (OCPP 2.0.1 Part 2 Appendix 1, the
1.6 security whitepaper's list): a tamper sensor, a cleared security log or a TLS/certificate
problem on the CSMS side is critical, a routine boot or firmware update is information.
A critical event with a station opens a `security_critical` alert for that station.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.security.model import SecurityEventKind

CRITICAL = "critical"
WARNING = "warning"
INFO = "info"

K = SecurityEventKind
_OWN: dict[SecurityEventKind, str] = {
    K.SECURITY_PROFILE_DOWNGRADE: CRITICAL,  # a station's credentials tried over a weaker link
    K.LOGIN_THROTTLED: CRITICAL,  # repeated bad logins: someone is guessing
    K.CERTIFICATE_MISMATCH: CRITICAL,  # a client certificate naming another station
    K.AUDIT_CHAIN_BROKEN: CRITICAL,
    K.CERTIFICATE_EXPIRING: CRITICAL,  # inside the alert window: the station may soon be shut out
    K.CERTIFICATE_RENEWAL_FAILED: CRITICAL,
    K.FIRMWARE_SECURITY_STATUS: CRITICAL,  # the station found a bad firmware signature
    K.CERTIFICATE_REVOKED: CRITICAL,  # a revoked certificate is still in use: stolen or stale
    K.UNKNOWN_STATION: WARNING,
    K.BAD_CREDENTIALS: WARNING,
    K.MISSING_CREDENTIALS: WARNING,
    K.USERNAME_MISMATCH: WARNING,
    K.MALFORMED_CREDENTIALS: WARNING,
    K.UNSUPPORTED_SUBPROTOCOL: WARNING,
    K.FRAME_TOO_LARGE: WARNING,
    K.STRAY_RESPONSE: WARNING,
    K.IMPLAUSIBLE_TIME: WARNING,
    K.TRANSACTION_ID_COLLISION: WARNING,
    K.CSR_REJECTED: WARNING,
    K.NETWORK_NOT_ALLOWED: WARNING,
    K.NEW_NETWORK: WARNING,
    K.CONNECTION_RATE_LIMITED: WARNING,
    K.FIRMWARE_REFUSED: WARNING,
    K.CREDENTIAL_CHANGE_FAILED: WARNING,
    K.CONNECTION_REPLACED: INFO,
    K.PASSWORD_CHANGED: INFO,
    K.SECURITY_PROFILE_CHANGED: INFO,
    K.CERTIFICATE_ISSUED: INFO,
    K.ALLOWED_NETWORKS_CHANGED: INFO,
}

# OCPP security event types a station reports.
_REPORTED: dict[str, str] = {
    "TamperDetectionActivated": CRITICAL,
    "SecurityLogWasCleared": CRITICAL,
    "InvalidCsmsCertificate": CRITICAL,
    "InvalidCentralSystemCertificate": CRITICAL,  # the 1.6 whitepaper's name
    "InvalidTLSVersion": CRITICAL,
    "InvalidTLSCipherSuite": CRITICAL,
    "AttemptedReplayAttacks": CRITICAL,
    "InvalidFirmwareSignature": CRITICAL,
    "InvalidFirmwareSigningCertificate": CRITICAL,
    "MaintenanceLoginFailed": WARNING,
    "InvalidChargingStationCertificate": WARNING,
    "InvalidMessages": WARNING,
    "CsmsFailedToAuthenticate": WARNING,
    "CentralSystemFailedToAuthenticate": WARNING,
    "FailedToAuthenticateAtCsms": WARNING,
    "FailedToAuthenticateAtCentralSystem": WARNING,
    "ReconfigurationOfSecurityParameters": WARNING,
    "SettingSystemTime": WARNING,
    "MemoryExhaustion": WARNING,
    "FirmwareUpdated": INFO,
    "StartupOfTheDevice": INFO,
    "ResetOrReboot": INFO,
    "MaintenanceLoginAccepted": INFO,
}


def reported_type(detail: str) -> str:
    """The OCPP type of a station's report, stored as "<type>: <techInfo>"."""
    return detail.split(":", 1)[0].strip()


def severity(kind: SecurityEventKind, detail: str = "") -> str:
    """`critical`, `warning` or `info`. A station's report of a type not in the OCPP list is
    a warning: someone should look, nothing is known to be broken."""
    if kind is SecurityEventKind.STATION_REPORTED:
        return _REPORTED.get(reported_type(detail), WARNING)
    return _OWN.get(kind, WARNING)


def event_data(
    event_id: int, kind: SecurityEventKind, detail: str, occurred_at: datetime
) -> dict[str, Any]:
    """The published `security_event.recorded` event's data. The peer's address is left out:
    it stays behind `security:read` (`GET /api/v1/security-events`)."""
    data: dict[str, Any] = {
        "id": event_id,
        "kind": kind.value,
        "severity": severity(kind, detail),
        "detail": detail[:500],
        "occurred_at": occurred_at.isoformat(),
    }
    if kind is SecurityEventKind.STATION_REPORTED:
        data["type"] = reported_type(detail)
    return data
