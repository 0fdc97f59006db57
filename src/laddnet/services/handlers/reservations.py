"""Reservations: reserve-now allocates the reservation (its id is the reservationId sent),
the station's answer activates it, a start with it uses it, and one timer expires the rest."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from laddnet.domain.errors import InvalidInput, NotFound, StorageUnavailable, UnknownStation
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.operations.model import (
    Reservation,
    ReservationStatus,
    parse_utc,
    reservation_status_after_answer,
)
from laddnet.domain.stations.model import Station
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import Answered, CommandService

log = logging.getLogger(__name__)
S = ReservationStatus


async def prepare_reserve_now(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    expires_at = parse_utc(body["expires_at"])
    now = service.clock.now()
    if expires_at <= now:
        raise InvalidInput("expires_at: must be in the future")
    reservation_id = await service.db.write(
        lambda uow: uow.reservations.add(
            station.id, body.get("evse_id"), body["id_token"], expires_at, now
        )
    )
    return {**body, "reservation_id": reservation_id}


def after_reserve_now(uow: UnitOfWork, answered: Answered) -> None:
    status = reservation_status_after_answer(answered.status)
    uow.reservations.set_status(
        answered.body["reservation_id"],
        status,
        answered.at,
        only_from=(S.REQUESTED,),
        command_id=answered.command_id,
    )


async def prepare_cancel_reservation(
    service: CommandService, station: Station, body: dict[str, Any]
) -> dict[str, Any]:
    reservation = await service.db.read(lambda uow: uow.reservations.get(body["reservation_id"]))
    if reservation is None or reservation.station_id != station.id:
        raise NotFound(f"reservation {body['reservation_id']} not found on station {station.id}")
    return body


def after_cancel_reservation(uow: UnitOfWork, answered: Answered) -> None:
    if answered.status == "Accepted":
        uow.reservations.set_status(
            answered.body["reservation_id"],
            S.CANCELLED,
            answered.at,
            only_from=(S.REQUESTED, S.ACTIVE),
        )


class ReservationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def used(self, station_id: StationId, reservation_id: int) -> None:
        await self._finish(station_id, reservation_id, S.USED)

    async def status_update(self, station_id: StationId, reservation_id: int, status: str) -> None:
        """2.0.1 ReservationStatusUpdate: Expired or Removed."""
        await self._finish(
            station_id, reservation_id, S.EXPIRED if status == "Expired" else S.CANCELLED
        )

    async def _finish(
        self, station_id: StationId, reservation_id: int, status: ReservationStatus
    ) -> None:
        now = self._clock.now()

        def apply(uow: UnitOfWork) -> None:
            reservation = uow.reservations.get(reservation_id)
            if reservation is None or reservation.station_id != station_id:
                return
            if uow.reservations.set_status(
                reservation_id, status, now, only_from=(S.REQUESTED, S.ACTIVE)
            ):
                data = {"reservation_id": reservation_id, "status": status.value}
                uow.outbox.add(EventType.RESERVATION_ENDED.value, station_id, data, now)

        await self._db.write(apply)

    async def expire_due(self) -> list[Reservation]:
        now = self._clock.now()

        def expire(uow: UnitOfWork) -> list[Reservation]:
            expired = uow.reservations.expire(now)
            for r in expired:
                data = {"reservation_id": r.id, "status": S.EXPIRED.value}
                uow.outbox.add(EventType.RESERVATION_ENDED.value, r.station_id, data, now)
            return expired

        return await self._db.write(expire)

    async def run_expiry(self, interval: float) -> None:
        """One timer for all reservations: every `interval` seconds, expire what is due."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.expire_due()
            except StorageUnavailable:  # logged; the next round catches up
                log.warning("reservations could not be expired; retrying")

    async def active_for(self, station_ids: Sequence[str]) -> list[Reservation]:
        """Active reservations of these stations, to show on their connectors."""
        return await self._db.read(lambda uow: uow.reservations.active_for(station_ids))

    async def list(self, station_id: StationId, *, active_only: bool) -> list[Reservation]:
        def read(uow: UnitOfWork) -> list[Reservation] | None:
            if uow.stations.get(station_id) is None:
                return None
            return uow.reservations.list(station_id, active_only=active_only)

        found = await self._db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found
