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
    SECURITY_PROFILE_DOWNGRADE = "security_profile_downgrade"
    SECURITY_PROFILE_CHANGED = "security_profile_changed"
    CERTIFICATE_MISMATCH = "certificate_mismatch"  # client certificate's CN is not the station
