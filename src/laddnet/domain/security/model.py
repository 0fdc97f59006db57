"""Kinds of security event Laddnet records."""

from enum import StrEnum


class SecurityEventKind(StrEnum):
    UNKNOWN_STATION = "unknown_station"
    BAD_CREDENTIALS = "bad_credentials"
    MISSING_CREDENTIALS = "missing_credentials"
    USERNAME_MISMATCH = "username_mismatch"
    UNSUPPORTED_SUBPROTOCOL = "unsupported_subprotocol"
    CONNECTION_REPLACED = "connection_replaced"
    STATION_REPORTED = "station_reported"
    FRAME_TOO_LARGE = "frame_too_large"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event kind, not a password
    MALFORMED_CREDENTIALS = "malformed_credentials"
    STRAY_RESPONSE = "stray_response"
    IMPLAUSIBLE_TIME = "implausible_time"
    TRANSACTION_ID_COLLISION = "transaction_id_collision"
    AUDIT_CHAIN_BROKEN = "audit_chain_broken"  # the periodic check found a changed entry
    SECURITY_PROFILE_DOWNGRADE = "security_profile_downgrade"
    SECURITY_PROFILE_CHANGED = "security_profile_changed"
    CSR_REJECTED = "csr_rejected"  # a station's certificate signing request was not signed
    CERTIFICATE_ISSUED = "certificate_issued"
    ALLOWED_NETWORKS_CHANGED = "allowed_networks_changed"
    NETWORK_NOT_ALLOWED = "network_not_allowed"  # outside the station's allowed networks
    LOGIN_THROTTLED = "login_throttled"  # too many failed logins from an address or for an id
    CERTIFICATE_MISMATCH = "certificate_mismatch"  # client certificate's CN is not the station
    CREDENTIAL_CHANGE_FAILED = "credential_change_failed"  # a rotation or upgrade refused
    CERTIFICATE_EXPIRING = "certificate_expiring"  # a station certificate close to expiry
    CERTIFICATE_RENEWAL_FAILED = "certificate_renewal_failed"  # renewal could not be asked for
    NEW_NETWORK = "new_network"  # a station connected from a network it never used before
    CONNECTION_RATE_LIMITED = "connection_rate_limited"  # too many connections (id or address)
    FIRMWARE_REFUSED = "firmware_refused"  # an update outside the repository or badly signed
    FIRMWARE_SECURITY_STATUS = "firmware_security_status"  # InvalidSignature, ... from a station
    CERTIFICATE_REVOKED = "certificate_revoked"  # a revoked client certificate tried to log in
