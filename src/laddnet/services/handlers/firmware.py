"""Firmware updates: requested through the update-firmware command, followed through the
FirmwareStatusNotifications the station sends, each published as `firmware.status_changed`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laddnet.domain.errors import UnknownStation
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.operations.model import (
    FirmwareUpdate,
    firmware_status_after_answer,
    parse_utc,
)
from laddnet.domain.security.firmware import SECURITY_STATUSES
from laddnet.domain.security.model import SecurityEventKind
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import Answered, CommandService
from laddnet.services.handlers.request_ids import new_request_id

SENT = "Sent"  # recorded before the station answered


async def prepare_update_firmware(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    """Allocates the requestId and records the update before it is sent: the station may
    report its first status before its answer is recorded."""
    request_id = new_request_id()
    now = service.clock.now()
    values = {
        "request_id": request_id,
        "location": body["location"],
        "retrieve_at": parse_utc(body["retrieve_at"]),
        "retries": body.get("retries"),
        "retry_interval": body.get("retry_interval"),
        "signature": body.get("signature"),
        "signing_certificate": body.get("signing_certificate"),
        "status": SENT,
    }
    await service.db.write(lambda uow: uow.firmware.add_update(station.id, now, **values))
    return {**body, "request_id": request_id}


def after_update_firmware(uow: UnitOfWork, answered: Answered) -> None:
    station_id = answered.station_id
    update_id = uow.firmware.find_update(station_id, answered.body["request_id"])
    if update_id is None:
        return
    status = firmware_status_after_answer(answered.status).value
    if answered.status in SECURITY_STATUSES:  # InvalidCertificate, RevokedCertificate
        status = answered.status
        detail = f"firmware update (request id {answered.body['request_id']}): answered {status}"
        kind = SecurityEventKind.FIRMWARE_SECURITY_STATUS
        uow.events.security(kind, station_id, detail, None, answered.at)
    uow.firmware.set_answer(update_id, status, answered.command_id, answered.at, SENT)
    _published(uow, station_id, answered.body["request_id"], status, answered.at)


def _published(
    uow: UnitOfWork, station_id: str, request_id: int | None, status: str, now: datetime
) -> None:
    data = {"request_id": request_id, "status": status}
    uow.outbox.add(EventType.FIRMWARE_STATUS_CHANGED.value, station_id, data, now)


class FirmwareService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record_status(
        self, station_id: StationId, request_id: int | None, status: str
    ) -> None:
        now = self._clock.now()

        def record(uow: UnitOfWork) -> None:
            update_id = None
            if status != "Idle":
                update_id = uow.firmware.find_update(station_id, request_id)
            uow.firmware.add_status(station_id, update_id, status, now)
            _published(uow, station_id, request_id, status, now)
            if status in SECURITY_STATUSES:  # the station refused the signature or certificate
                detail = f"firmware update (request id {request_id}): the station reported {status}"
                kind = SecurityEventKind.FIRMWARE_SECURITY_STATUS
                uow.events.security(kind, station_id, detail, None, now)

        await self._db.write(record)

    async def overview(self, station_id: StationId) -> tuple[Station, list[FirmwareUpdate]]:
        def read(uow: UnitOfWork) -> tuple[Station, list[FirmwareUpdate]] | None:
            station = uow.stations.get(station_id)
            if station is None:
                return None
            return station, uow.firmware.updates(station_id)

        found = await self._db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found
