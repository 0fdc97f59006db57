"""Log uploads: get-log hands the station a one-time upload location served by Laddnet itself;
the station's status notifications and its upload complete the record."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from laddnet.domain.errors import NotFound, UnknownStation, UploadClosed
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.operations.model import LogUpload
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import Answered, CommandService
from laddnet.services.handlers.request_ids import new_request_id

SENT = "Sent"  # recorded before the station answered
UPLOAD_PATH = "/api/v1/log-uploads/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LogService:
    def __init__(
        self, db: Database, clock: Clock, *, public_url: str, ttl: timedelta, max_bytes: int
    ) -> None:
        self._db = db
        self._clock = clock
        self._public_url = public_url.rstrip("/")
        self._ttl = ttl
        self.max_bytes = max_bytes

    async def prepare_get_log(
        self, service: CommandService, station: Station, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A one-time token (only its hash kept) names the upload location; the upload is
        recorded before the call: the station may upload before its answer is recorded."""
        token = secrets.token_urlsafe(32)
        request_id = new_request_id()
        now = self._clock.now()
        values = {
            "request_id": request_id,
            "log_type": body["type"],
            "token_hash": token_hash(token),
            "status": SENT,
            "expires_at": now + self._ttl,
        }
        await self._db.write(lambda uow: uow.logs.add(station.id, now, **values))
        location = f"{self._public_url}{UPLOAD_PATH}{token}"
        return {**body, "request_id": request_id, "location": location}

    @staticmethod
    def after_get_log(uow: UnitOfWork, answered: Answered) -> None:
        upload_id = uow.logs.find(answered.station_id, answered.body["request_id"])
        if upload_id is None:
            return
        filename = answered.response.get("filename") or answered.response.get("fileName")
        uow.logs.update(upload_id, command_id=answered.command_id)
        values: dict[str, Any] = {"status": answered.status}
        if filename:
            values["filename"] = str(filename)[:255]
        uow.logs.update(upload_id, only_from=SENT, **values)

    async def record_status(
        self, station_id: StationId, request_id: int | None, status: str
    ) -> None:
        def record(uow: UnitOfWork) -> None:
            upload_id = uow.logs.find(station_id, request_id)
            if upload_id is not None and status != "Idle":
                uow.logs.update(upload_id, status=status)

        await self._db.write(record)

    async def check_token(self, token: str) -> None:
        """Raises UploadClosed unless the token names an upload still open (cheap, before the
        body is read)."""
        upload = await self._db.read(lambda uow: uow.logs.by_token(token_hash(token)))
        self._open(upload)

    def _open(self, upload: LogUpload | None) -> LogUpload:
        if upload is None:
            raise NotFound("no upload at this location")
        if upload.uploaded_at is not None or upload.expires_at <= self._clock.now():
            raise UploadClosed("this upload location has been used or has expired")
        return upload

    async def receive(self, token: str, filename: str | None, content: bytes) -> None:
        now = self._clock.now()
        hashed = token_hash(token)

        def store(uow: UnitOfWork) -> None:
            upload = self._open(uow.logs.by_token(hashed))
            if not uow.logs.store_file(hashed, filename, content, now):
                raise UploadClosed("this upload location has been used")
            data = {"log_id": upload.id, "request_id": upload.request_id, "size": len(content)}
            uow.outbox.add(EventType.LOG_UPLOADED.value, upload.station_id, data, now)

        await self._db.write(store)

    async def uploads(self, station_id: StationId) -> list[LogUpload]:
        def read(uow: UnitOfWork) -> list[LogUpload] | None:
            if uow.stations.get(station_id) is None:
                return None
            return uow.logs.list(station_id)

        found = await self._db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found

    async def file(self, station_id: StationId, log_id: int) -> tuple[str | None, bytes]:
        found = await self._db.read(lambda uow: uow.logs.file(station_id, log_id))
        if found is None:
            raise NotFound(f"no uploaded file for log {log_id} of station {station_id}")
        return found
