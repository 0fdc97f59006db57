"""The station security settings: TLS listeners and station certificates (profiles 2 and 3),
Laddnet's station CA and certificate renewal, login and connection limits, and firmware
integrity. Part of `laddnet.config.Settings`, read from the same `LADDNET_*` variables."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class StationSecuritySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LADDNET_", extra="ignore")

    # --- TLS for stations (security profiles 2 and 3; docs/operations/tls.md) ---------------
    tls_cert: str | None = Field(
        None,
        description="PEM file with the gateway's server certificate (and its chain). With"
        " LADDNET_TLS_KEY it opens the TLS listener (profile 2) on LADDNET_OCPP_TLS_PORT. Read"
        " again whenever it changes: a renewed certificate needs no restart.",
    )
    tls_key: str | None = Field(
        None, validate_default=True, description="PEM file with the server certificate's key."
    )
    tls_cert_2: str | None = Field(
        None,
        description="A second server certificate (and chain) of the other key type: RSA next to"
        " an ECDSA LADDNET_TLS_CERT, or the reverse. The OCPP security specifications require"
        " cipher suites of both kinds; each station gets the certificate its TLS offer accepts."
        " Read again whenever it changes.",
    )
    tls_key_2: str | None = Field(
        None, validate_default=True, description="PEM file with the second certificate's key."
    )
    station_ca: str | None = Field(
        None,
        description="PEM file with the CA certificate(s) that issue station certificates. With"
        " the TLS certificate it opens the mutual-TLS listener (profile 3) on"
        " LADDNET_OCPP_MTLS_PORT: a station's client certificate must chain to it and name the"
        " station in its subject CN. Read again whenever it changes.",
    )
    station_crl: str | None = Field(
        None,
        description="PEM file with the station CA's certificate revocation list(s): revoked"
        " station certificates are refused in the TLS handshake. Read again whenever it changes.",
    )
    ocpp_tls_port: int = Field(
        9443, ge=0, le=65535, description="Port of the TLS listener (security profile 2)."
    )
    ocpp_mtls_port: int = Field(
        9444, ge=0, le=65535, description="Port of the mutual-TLS listener (security profile 3)."
    )

    login_failure_limit: int = Field(
        10,
        ge=1,
        description="Failed logins (401) for one station id within LADDNET_LOGIN_FAILURE_WINDOW"
        " seconds before its logins are throttled (429; the password this process last"
        " verified for it still gets in).",
    )
    login_failure_limit_per_address: int = Field(
        100,
        ge=1,
        description="The same for one source address, whatever the station ids. Higher: many"
        " stations may share an address (carrier-grade NAT), a few of them misconfigured.",
    )
    login_failure_window: float = Field(
        60.0, gt=0, description="Seconds over which failed station logins are counted."
    )
    ca_cert: str | None = Field(
        None,
        description="PEM file with the station CA certificate Laddnet signs station"
        " certificates with (SignCertificate -> CertificateSigned); made by `laddnet ca init`"
        " or an external CA's. Unset: CSRs are answered Rejected.",
    )
    ca_key: str | None = Field(
        None,
        validate_default=True,
        description="PEM file with that CA's private key (keep it 0600). Both files are read at"
        " each signing.",
    )
    station_certificate_days: int = Field(
        365, ge=1, le=3650, description="Validity (days) of the station certificates we sign."
    )
    certificate_renewal_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="A station whose newest station certificate expires within this many days"
        " is asked to renew it (TriggerMessage / ExtendedTriggerMessage SignCertificate).",
    )
    certificate_alert_days: int = Field(
        7,
        ge=0,
        le=3650,
        description="Within this many days of expiry each renewal round also records a"
        " certificate_expiring security event and a certificate.expiring event.",
    )
    certificate_renewal_retry_hours: float = Field(
        24.0, gt=0, description="Hours before a station is asked again to renew a certificate."
    )
    certificate_check_interval: float = Field(
        3600.0, gt=0, description="Seconds between two rounds of the certificate renewal check."
    )
    connection_rate_limit: int = Field(
        30,
        ge=0,
        description="Connections one station id may open within LADDNET_CONNECTION_RATE_WINDOW"
        " seconds (counted after its login succeeded, so that nobody without its password can"
        " use up its share); more are refused before the upgrade with 429 and Retry-After."
        " 0: no limit. Counted per process.",
    )
    connection_rate_limit_per_address: int = Field(
        600,
        ge=0,
        description="Connection attempts from one source address within the window, whatever"
        " the station ids (counted before the login: 429 before any password check). Higher"
        " than the per-id limit: many stations may share an address. 0: no limit.",
    )
    connection_rate_window: float = Field(
        60.0, gt=0, description="Seconds over which station connections are counted."
    )
    firmware_url_prefix: str | None = Field(
        None,
        description="Firmware updates only from this repository (e.g."
        " https://firmware.example.com/releases/): an update-firmware command whose location is"
        " outside it is refused with 422. Unset: any location.",
    )
    firmware_signing_ca: str | None = Field(
        None,
        description="PEM file with the CA certificate(s) that issue firmware signing"
        " certificates: a signed update's signing certificate must be issued by one of them"
        " (directly or through intermediate CAs sent after it) and its signature verify over"
        " the firmware's SHA-256 before the command is sent. Read at each update.",
    )
    firmware_require_signature: bool = Field(
        False,
        description="Refuse unsigned firmware updates (422); needs LADDNET_FIRMWARE_SIGNING_CA.",
    )

    @field_validator("firmware_url_prefix", "firmware_signing_ca")
    @classmethod
    def _firmware_unset_if_empty(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("firmware_require_signature")
    @classmethod
    def _signature_needs_ca(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("firmware_signing_ca") is None:
            raise ValueError("needs LADDNET_FIRMWARE_SIGNING_CA too")
        return value

    @field_validator(
        "tls_cert",
        "tls_key",
        "tls_cert_2",
        "tls_key_2",
        "station_ca",
        "station_crl",
        "ca_cert",
        "ca_key",
    )
    @classmethod
    def _unset_if_empty(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("tls_key", "tls_cert_2", "tls_key_2", "station_ca", "station_crl")
    @classmethod
    def _tls_files_together(cls, value: str | None, info: ValidationInfo) -> str | None:
        needs = {
            "tls_key": "tls_cert",
            "tls_cert_2": "tls_key",
            "tls_key_2": "tls_cert_2",
            "station_ca": "tls_key",
            "station_crl": "station_ca",
        }
        needed = needs[str(info.field_name)]
        if info.data.get(needed) is None and value is not None:
            raise ValueError(f"needs LADDNET_{needed.upper()} too")
        for key, cert in (("tls_key", "tls_cert"), ("tls_key_2", "tls_cert_2")):
            if info.field_name == key and value is None and info.data.get(cert):
                raise ValueError(f"LADDNET_{cert.upper()} needs LADDNET_{key.upper()} too")
        return value

    @field_validator("ca_key")
    @classmethod
    def _ca_files_together(cls, value: str | None, info: ValidationInfo) -> str | None:
        if (value is None) != (info.data.get("ca_cert") is None):
            raise ValueError("set LADDNET_CA_CERT and LADDNET_CA_KEY together")
        return value
