"""Ports: the Protocols the services need, implemented by adapters, wired in bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from laddnet.domain.authorization.model import IdToken
from laddnet.domain.ids import ConnectorId, EvseId, StationId
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.sessions.model import ChargingSession, MeterSample, RegisterReading
from laddnet.domain.stations.model import (
    ConnectorState,
    RegistrationStatus,
    Station,
    StationInfo,
    StatusReport,
)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The only place Laddnet reads the wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class StationRepository(Protocol):
    async def password_hash(self, station_id: StationId) -> str | None: ...
    async def add(self, station_id: StationId, password_hash: str, now: datetime) -> None: ...
    async def set_password_hash(self, station_id: StationId, password_hash: str) -> None: ...
    async def record_boot(
        self,
        station_id: StationId,
        info: StationInfo,
        ocpp_version: str,
        status: RegistrationStatus,
        now: datetime,
    ) -> None: ...
    async def registration_status(self, station_id: StationId) -> RegistrationStatus | None: ...
    async def touch(self, station_id: StationId, now: datetime) -> None: ...
    async def set_presence(
        self, station_id: StationId, connected: bool, ocpp_version: str | None, now: datetime
    ) -> None: ...
    async def clear_presence(self) -> None: ...
    async def connector_state(
        self, station_id: StationId, evse_id: EvseId, connector_id: ConnectorId
    ) -> ConnectorState | None: ...
    async def save_connector_state(
        self, report: StatusReport, state: ConnectorState, now: datetime
    ) -> None: ...
    async def get(self, station_id: StationId) -> Station | None: ...
    async def list(self, *, limit: int, offset: int) -> tuple[list[Station], int]: ...


class SessionRepository(Protocol):
    async def get(self, session_id: int) -> ChargingSession | None: ...
    async def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None: ...
    async def by_start_key(self, start_key: str) -> ChargingSession | None: ...
    async def open_session_for_stop(
        self, station_id: str, id_token: str | None, stopped_at: datetime
    ) -> ChargingSession | None: ...
    async def create(self, **values: Any) -> int: ...
    async def update(self, session_id: int, **values: Any) -> None: ...
    async def add_transaction_event(
        self,
        session_id: int,
        seq_no: int,
        event_type: str,
        trigger_reason: str | None,
        occurred_at: datetime,
        now: datetime,
    ) -> bool: ...
    async def add_samples(
        self,
        station_id: str,
        evse_id: int,
        session_id: int | None,
        samples: Sequence[MeterSample],
        now: datetime,
    ) -> None: ...
    async def register_readings(self, session_id: int) -> list[RegisterReading]: ...
    async def samples(self, session_id: int) -> list[MeterSample]: ...
    async def list(
        self,
        *,
        station_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
    ) -> tuple[list[ChargingSession], int]: ...


class TokenRepository(Protocol):
    async def get(self, value: str) -> IdToken | None: ...
    async def save(self, token: IdToken, now: datetime) -> None: ...
    async def count(self) -> int: ...


class ApiKeyRepository(Protocol):
    async def add(
        self, key_id: str, key_hash: str, role: str, label: str | None, now: datetime
    ) -> None: ...
    async def get(self, key_id: str) -> tuple[str, str, bool] | None: ...


class EventLog(Protocol):
    async def security(
        self,
        kind: SecurityEventKind,
        station_id: str | None,
        detail: str,
        remote_address: str | None,
        now: datetime,
    ) -> None: ...
    async def station_event(
        self, station_id: str, kind: str, payload: dict[str, Any], now: datetime
    ) -> None: ...
    async def security_events(self, limit: int = 100) -> list[dict[str, Any]]: ...


class UnitOfWork(Protocol):
    @property
    def stations(self) -> StationRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def events(self) -> EventLog: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class PasswordHasher(Protocol):
    def hash(self, secret: str) -> str: ...
    def verify(self, hashed: str, secret: str) -> bool: ...
