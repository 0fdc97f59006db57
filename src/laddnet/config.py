"""Settings: one object, built once in the composition root, read from `LADDNET_*` variables."""

from __future__ import annotations

import socket
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from laddnet.domain.security.keys import parse_master_key
from laddnet.station_settings import StationSecuritySettings

DEFAULT_DATABASE_URL = "sqlite:///./laddnet.db"


def driver_database_url(url: str) -> str:
    """Map a standard database URL to the driver Laddnet uses (sqlite3 or psycopg 3)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    mapping = {
        "sqlite": "sqlite",
        "sqlite+pysqlite": "sqlite",
        "postgres": "postgresql+psycopg",
        "postgresql": "postgresql+psycopg",
        "postgresql+psycopg": "postgresql+psycopg",
        "postgresql+psycopg2": "postgresql+psycopg",
        "postgresql+asyncpg": "postgresql+psycopg",
    }
    if scheme not in mapping:
        raise ValueError(f"unsupported database scheme {scheme!r}: use sqlite:// or postgresql://")
    return f"{mapping[scheme]}://{rest}"


class Settings(StationSecuritySettings):
    """Everything an operator can configure. Each field maps to `LADDNET_<NAME>`; the station
    security settings (TLS, station CA, login limits, firmware) are in station_settings.py,
    whose base class also carries the `LADDNET_` prefix."""

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="sqlite:///path.db (embedded default) or postgresql://user@host:port/db",
    )
    host: str = Field("127.0.0.1", description="Address the OCPP gateway and HTTP API bind to.")
    ocpp_port: int = Field(9000, ge=0, le=65535, description="Port of the OCPP WebSocket gateway.")
    http_port: int = Field(8000, ge=0, le=65535, description="Port of the HTTP API.")
    node_id: str = Field(
        default_factory=socket.gethostname,
        min_length=1,
        max_length=255,
        description="This gateway node's name (default: the host name), recorded with each"
        " station it holds. Give every node sharing a database its own, and keep it across"
        " restarts: a node that starts marks only its own stations offline.",
    )
    heartbeat_interval: int = Field(300, description="Heartbeat interval (s) told to stations.")
    ping_interval: float = Field(
        60.0,
        gt=0,
        description="WebSocket ping interval (s); a station that misses a pong is dropped.",
    )
    ping_timeout: float = Field(
        30.0, gt=0, description="Seconds to wait for a pong before dropping."
    )
    close_timeout: float = Field(
        5.0, description="Seconds to wait for a closing handshake before dropping the TCP link."
    )
    handshake_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a station's WebSocket opening handshake, login included, may take"
        " before the connection is dropped. In a reconnect storm logins queue up: at 10 s,"
        " thousands of stations timed out and retried, which made the storm twice as long.",
    )
    call_timeout: float = Field(30.0, description="Seconds to wait for a station's CALLRESULT.")
    max_frame_bytes: int = Field(65536, description="Largest OCPP frame accepted from a station.")
    ws_compression: bool = Field(
        True,
        description="Negotiate WebSocket compression (RFC 7692 permessage-deflate) with stations"
        " that offer it, as OCPP-J 2.0.1 requires of a CSMS. Each compressed connection keeps"
        " zlib state (docs/performance.md): set false for very large networks.",
    )
    memory_trim: bool = Field(
        True,
        description="Once a storm of connections has settled, collect its garbage at once (a"
        " full collection) and give freed memory back to the operating system (glibc"
        " malloc_trim, in a thread): the resident memory otherwise stays at the storm's peak.",
    )
    listen_backlog: int = Field(4096, description="TCP listen backlog of the OCPP gateway.")
    boot_admission_limit: int = Field(
        10_000,
        description="Boots handled at once; beyond this (or while the oldest has waited over"
        " 10 s), stations get Pending and retry later.",
    )
    boot_callback: bool = Field(
        True,
        description="Send a station answered Pending a TriggerMessage BootNotification as boot"
        " admission frees up (oldest first, a few a second), so it boots again before its"
        " interval ends.",
    )
    max_station_power_w: int = Field(
        400_000, description="Largest plausible power (W), used to flag implausible meter jumps."
    )
    station_hash_memory_kib: int = Field(
        2048,
        description="argon2id memory cost for station passwords and API keys (machine secrets"
        " of 16+ characters); people's passwords use the full OWASP cost.",
    )
    station_hash_time_cost: int = Field(1, description="argon2id passes for machine secrets.")
    password_hash_memory_kib: int = Field(
        19_456,
        ge=8,
        description="argon2id memory cost (KiB) for people's passwords (operators and drivers);"
        " the default is OWASP's minimum (19 MiB). Tests lower it to save time.",
    )
    password_hash_time_cost: int = Field(
        2, ge=1, description="argon2id passes for people's passwords (OWASP: 2 at 19 MiB)."
    )
    events_poll_interval: float = Field(
        1.0,
        gt=0,
        description="Seconds between the event relay's checks for unpublished events (it also"
        " wakes right after this process commits events) and the webhook sender's checks for"
        " due retries.",
    )
    events_retention_hours: float = Field(
        24.0,
        gt=0,
        description="Hours published events (and finished webhook deliveries) are kept; a"
        " pending delivery keeps its event. Live-stream resumption reaches back at most 24 h.",
    )
    events_sse_keepalive: float = Field(
        15.0, gt=0, description="Seconds between keepalive comments on a quiet event stream."
    )
    events_sse_queue: int = Field(
        1000,
        ge=1,
        description="Events an event-stream client may fall behind before it is disconnected"
        " (it resumes with Last-Event-ID).",
    )
    webhook_timeout: float = Field(10.0, gt=0, description="Seconds per webhook request.")
    webhook_concurrency: int = Field(16, ge=1, description="Webhook requests in flight at once.")
    webhook_retry_schedule: tuple[float, ...] = Field(
        (10, 60, 300, 1800, 7200, 21600, 43200),
        description="Seconds before each retry of a failed webhook delivery (up to +20 % jitter);"
        " once spent, the delivery is marked failed. The default makes 8 attempts over ~21 h.",
    )
    api_key: SecretStr | None = Field(
        None,
        description="The API key the CLI uses to talk to a running server (`laddnet station"
        " reset ...` and the other station commands go through its HTTP API); the server"
        " itself does not read it. Create one with `laddnet apikey create`.",
    )

    public_url: str | None = Field(
        None,
        description="The address stations and browsers reach the HTTP API at (e.g."
        " https://csms.example.com); log upload locations given to stations are built from it."
        " Default: http://HOST:HTTP_PORT.",
    )
    log_upload_max_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Largest log file a station may upload (bytes)."
    )
    log_upload_ttl_hours: float = Field(
        24.0, gt=0, description="Hours a log upload location stays valid."
    )
    reservation_expiry_interval: float = Field(
        5.0, gt=0, description="Seconds between checks that expire past-due reservations."
    )
    cost_updated: Literal["off", "reported", "all"] = Field(
        "reported",
        description="Running cost to 2.0.1 stations in CostUpdated: 'reported' only to "
        "stations whose device model has TariffCostCtrlr.Enabled true, 'all', or 'off'.",
    )
    cost_updated_interval: float = Field(
        60.0, ge=0, description="Seconds between two CostUpdated of one transaction, at least."
    )
    cdr_interval: float = Field(
        5.0,
        gt=0,
        description="Seconds between rounds of the CDR issuer (a session's end "
        "also starts one at once).",
    )

    station_clock_skew: float = Field(
        900.0,
        gt=0,
        description="Seconds a station's clock may run ahead of ours (or a time precede the"
        " station's registration) before its sessions are flagged implausible_time for review.",
    )
    sequence_gap_timeout: float = Field(
        21_600.0,
        gt=0,
        description="Seconds a 2.0.1 session with missing seqNos stays incomplete, waiting for"
        " the missing TransactionEvents; then it is flagged missing_events for review.",
    )
    sequence_gap_interval: float = Field(
        60.0, gt=0, description="Seconds between checks for sessions whose wait timed out."
    )

    session_idle_minutes: float = Field(
        30.0, gt=0, description="Minutes without a request after which a login session ends."
    )
    session_absolute_hours: float = Field(
        12.0, gt=0, description="Hours after login at which a login session ends regardless."
    )
    user_setup_hours: float = Field(
        72.0, gt=0, description="Hours a one-time account setup link stays valid."
    )
    env: str = Field(
        "development",
        pattern="^(development|production)$",
        description="development or production. Production refuses to start without a real"
        " master key (LADDNET_MASTER_KEY or LADDNET_MASTER_KEY_FILE).",
    )
    master_key: SecretStr | None = Field(
        None,
        description="The master key that wraps the keys of personal data: 32 random bytes,"
        " base64 or hex (e.g. `openssl rand -base64 32`).",
    )
    master_key_file: str | None = Field(
        None,
        validate_default=True,
        description="A file holding the master key instead. Unset (and no LADDNET_MASTER_KEY),"
        " a development install creates laddnet-master.key (mode 0600) next to the SQLite"
        " database, or in the working directory.",
    )
    audit_anchor: str | None = Field(
        None,
        description="File the audit chain's head is appended to after each periodic check"
        " (one JSON line: count, hash, time); `laddnet audit verify` compares the log against"
        " its newest line, so removing the newest entries is detected. Keep it off the"
        " database's storage or append-only (chattr +a).",
    )
    audit_check_interval: float = Field(
        3600.0,
        gt=0,
        description="Seconds between checks of the audit log's hash chain (a break is recorded"
        " as a security event and logged as an error).",
    )
    common_passwords_file: str | None = Field(
        None,
        description="A file of common passwords (one a line) refused as people's passwords,"
        " in addition to the list shipped with Laddnet.",
    )
    smtp_url: SecretStr | None = Field(
        None,
        description="smtp://[user:password@]host[:port][?starttls=true] (or smtps://): alerts"
        " and ticket changes go to the notification recipients by e-mail; unset: no e-mail.",
    )
    smtp_from: str = Field("laddnet@localhost", description="The sender of notification e-mails.")
    notify_digest_seconds: float = Field(
        60.0, gt=0, description="Seconds of alerts and ticket changes one e-mail gathers."
    )
    alert_interval: float = Field(
        30.0,
        gt=0,
        description="Seconds between evaluations of the timed alert rules (offline, faulted,"
        " boot loop, heartbeat missing) and of maintenance windows that ended.",
    )
    health_interval: float = Field(
        300.0,
        ge=0,
        description="Seconds between rounds of health scoring: a station whose sessions, boots,"
        " connections or statuses changed is scored at the next round, once however many events"
        " it had (0: after every burst of events).",
    )

    @property
    def public_base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.http_port}").rstrip("/")

    bus_url: str | None = Field(
        None,
        description="The message bus that joins gateway processes and nodes sharing a"
        " PostgreSQL database: nats://host:4222 (several URLs comma-separated). Unset: one"
        " process, everything in process. Needed by `laddnet serve --workers N` with N > 1.",
    )

    bus_namespace: str = Field(
        "laddnet",
        pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$",
        max_length=100,
        description="The first part of every bus subject (letters, digits, - and _, parts"
        " joined by dots). Every process of one Laddnet uses the same; give another Laddnet"
        " sharing the NATS server (staging next to production) its own.",
    )

    @field_validator("bus_url")
    @classmethod
    def _nats_scheme(cls, value: str | None) -> str | None:
        if not value:
            return None  # LADDNET_BUS_URL= (empty) is unset too
        if not all(part.strip().startswith(("nats://", "tls://")) for part in value.split(",")):
            raise ValueError("use nats://host:port (or tls://host:port)")
        return value

    @field_validator("master_key")
    @classmethod
    def _real_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_master_key(value.get_secret_value())
        return value

    @field_validator("master_key_file")
    @classmethod
    def _key_in_production(cls, value: str | None, info: ValidationInfo) -> str | None:
        configured = value or info.data.get("master_key") is not None
        if info.data.get("env") == "production" and not configured:
            raise ValueError("LADDNET_ENV=production needs LADDNET_MASTER_KEY or this file")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        driver_database_url(value)
        return value

    @property
    def driver_database_url(self) -> str:
        return driver_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
