"""Ports: credential changes of running stations and the certificate renewals asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from laddnet.domain.security.certificates import StationCertificate
from laddnet.domain.security.credentials import ChangeKind, ChangeState, CredentialChange


class CredentialChanges(Protocol):
    def add(self, change: CredentialChange, password_hash: str | None = None) -> int: ...
    def get(self, change_id: int) -> CredentialChange | None: ...
    def open_of(self, station_id: str, kind: ChangeKind | None) -> list[CredentialChange]: ...
    def has_open(self, station_id: str) -> bool: ...
    def claim(self, change_id: int, attempts: int) -> bool: ...
    def login_hashes(self, station_id: str) -> list[tuple[int, str]]: ...
    def password_hash(self, change_id: int) -> str | None: ...
    def set_hash(self, change_id: int, password_hash: str, attempt: int) -> bool: ...
    def update(
        self,
        change_id: int,
        state: ChangeState,
        *,
        answered_at: datetime | None = None,
        connected_at: datetime | None = None,
        completed_at: datetime | None = None,
        detail: str | None = None,
        command_id: int | None = None,
    ) -> None: ...
    def search(
        self,
        *,
        station_id: str | None,
        batch: str | None,
        kind: ChangeKind | None,
        state: ChangeState | None,
        limit: int,
        offset: int,
    ) -> tuple[list[CredentialChange], int]: ...
    def counts(self, batch: str) -> dict[str, int]: ...
    def expiring(self, before: datetime) -> list[StationCertificate]: ...
    def last_renewal(self, certificate_id: int) -> datetime | None: ...
    def add_renewal(
        self, station_id: str, certificate_id: int, at: datetime, outcome: str, detail: str
    ) -> None: ...
