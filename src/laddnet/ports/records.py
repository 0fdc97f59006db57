"""Ports: sessions, id tokens, API keys, and the logs every change leaves (security and station
events, the audit log, the outbox, the command log)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from laddnet.domain.authorization.model import IdToken
from laddnet.domain.commands.model import CommandOutcome, CommandRecord
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.sessions.model import ChargingSession, MeterSample, RegisterReading


class SessionRepository(Protocol):
    def get(self, session_id: int) -> ChargingSession | None: ...
    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None: ...
    def by_start_key(self, start_key: str) -> ChargingSession | None: ...
    def anonymize_tokens(self, values: Sequence[str], placeholder: str) -> int: ...
    def open_session_for_stop(
        self, station_id: str, id_token: str | None, stopped_at: datetime
    ) -> ChargingSession | None: ...
    def create(self, **values: Any) -> int: ...
    def update(self, session_id: int, **values: Any) -> None: ...
    def update_energy(
        self,
        session_id: int,
        energy_wh: Decimal,
        last: RegisterReading | None,
        anomalies: Sequence[str],
    ) -> None: ...
    def add_transaction_event(
        self,
        session_id: int,
        seq_no: int,
        event_type: str,
        trigger_reason: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> bool: ...
    def add_samples(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        samples: Sequence[MeterSample],
        now: datetime,
    ) -> int: ...
    def register_readings(self, session_id: int) -> list[RegisterReading]: ...
    def samples(self, session_id: int) -> list[MeterSample]: ...
    def active_on_evse(self, station_id: str, evse_id: int) -> list[ChargingSession]: ...
    def open_elsewhere(self, transaction_ref: str, station_id: str) -> str | None: ...
    def sequence(self, session_id: int) -> tuple[int, int | None]: ...
    def highest_seq_nos(self, session_id: int, limit: int) -> list[int]: ...
    def incomplete_before(self, cutoff: datetime) -> list[ChargingSession]: ...
    def list(
        self,
        *,
        station_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
        sites: frozenset[str] | None = None,
    ) -> tuple[list[ChargingSession], int]: ...


class TokenRepository(Protocol):
    def get(self, value: str) -> IdToken | None: ...
    def save(self, token: IdToken, now: datetime) -> None: ...
    def find(self, value: str, hashed: str | None) -> IdToken | None: ...
    def add_for_driver(
        self, key: str, driver_id: str, value_enc: str, kind: str, now: datetime
    ) -> bool: ...
    def for_driver(self, driver_id: str) -> list[dict[str, Any]]: ...
    def delete_for_driver(self, driver_id: str, key: str | None = None) -> int: ...
    def drivers_after(self, after: str, limit: int) -> list[dict[str, Any]]: ...
    def reseal(self, key: str, value_enc: str) -> bool: ...
    def rekey(self, key: str, new_key: str) -> bool: ...


class ApiKeyRepository(Protocol):
    def add(
        self, key_id: str, key_hash: str, role: str, label: str | None, now: datetime
    ) -> None: ...
    def get(self, key_id: str) -> tuple[str, str, bool] | None: ...
    def lookup(self, key_id: str) -> dict[str, Any] | None: ...
    def set_scope(
        self,
        key_id: str,
        sites: frozenset[str] | None,
        expires_at: datetime | None,
        created_by: str | None,
    ) -> None: ...
    def list(self) -> list[dict[str, Any]]: ...
    def revoke(self, key_id: str) -> bool: ...
    def used(self, key_id: str, now: datetime) -> None: ...


class EventLog(Protocol):
    def security(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote_address: str | None,
        now: datetime,
    ) -> None: ...
    def station_event(
        self, station_id: str, kind: str, payload: dict[str, Any], now: datetime
    ) -> None: ...
    def security_events(self, limit: int = 100) -> list[dict[str, Any]]: ...
    def security_event_page(
        self, *, station_id: str | None, kind: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]: ...


class AuditLog(Protocol):
    """Who did what: `actor` is `user:<id>`, `apikey:<id>`, `cli` or `anonymous`; `detail`
    never holds a secret. Entries are hash-chained (see `domain/security/audit_chain.py`)."""

    def record(
        self,
        actor: str,
        action: str,
        target_type: str,
        target_id: str | None,
        detail: dict[str, Any],
        now: datetime,
        *,
        source: str | None = None,
        outcome: str = "ok",
    ) -> None: ...
    def entries(
        self, *, target_type: str | None = None, target_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]: ...
    def search(
        self,
        *,
        since: datetime | None,
        until: datetime | None,
        actor: str | None,
        action: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]: ...
    def chain(self) -> tuple[str, int]: ...
    def in_order(self, after_id: int, limit: int) -> list[dict[str, Any]]: ...


class Outbox(Protocol):
    """Domain events (`station.connected`, `session.started`, ...) stored in the unit of work
    of the change they describe, and published only after it commits."""

    def add(
        self, event_type: str, station_id: str | None, data: dict[str, Any], now: datetime
    ) -> None: ...


class CommandLog(Protocol):
    def add(
        self,
        station_id: str,
        name: str,
        body: dict[str, Any],
        sent_by: str,
        now: datetime,
        *,
        ocpp_action: str | None,
        request: dict[str, Any] | None,
        outcome: CommandOutcome = CommandOutcome.PENDING,
    ) -> int: ...
    def finish(
        self,
        command_id: int,
        outcome: CommandOutcome,
        now: datetime,
        *,
        status: str | None = None,
        response: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None: ...
    def get(self, command_id: int) -> CommandRecord | None: ...
    def list(
        self, station_id: str, *, name: str | None, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]: ...
