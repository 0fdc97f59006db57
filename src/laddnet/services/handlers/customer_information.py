"""Customer information (OCPP 2.0.1 N09/N10): the `customer-information` command asks a station
to report and/or clear what it holds about one customer; the station's report comes in
NotifyCustomerInformation parts, stored encrypted (it is personal data) and read, assembled,
through the API by the command's id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from laddnet.domain.commands.model import CommandName, CommandRecord
from laddnet.domain.errors import NotFound
from laddnet.domain.ids import StationId
from laddnet.domain.operations.customer_information import (
    CustomerInformationPart,
    CustomerReport,
    assemble,
)
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.ports.privacy import KeyRing
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.request_ids import new_request_id

FIELD = "customer_information"  # the cipher's associated data for the report's parts


@dataclass(frozen=True, slots=True)
class CustomerInformation:
    """A customer-information command, how the station answered it, and its report so far."""

    command: CommandRecord
    request_id: int
    report: CustomerReport


class CustomerInformationService:
    def __init__(self, db: Database, clock: Clock, keys: KeyRing) -> None:
        self._db = db
        self._clock = clock
        self._keys = keys

    async def record_part(
        self,
        station_id: StationId,
        request_id: int,
        seq_no: int,
        data: str,
        tbc: bool,
        generated_at: datetime,
    ) -> None:
        cipher = await self._keys.cipher()
        sealed = cipher.encrypt(FIELD, data)
        now = self._clock.now()
        await self._db.write(
            lambda uow: uow.customer_information.add_part(
                station_id, request_id, seq_no, sealed, tbc, generated_at, now
            )
        )

    async def read(self, station_id: StationId, command_id: int, actor: str) -> CustomerInformation:
        """The report of a customer-information command sent to `station_id`; reading it is
        audited (it is personal data)."""
        now = self._clock.now()

        def load(uow: UnitOfWork) -> tuple[CommandRecord, int, list[dict[str, Any]]]:
            record = uow.commands.get(command_id)
            if (
                record is None
                or record.station_id != station_id
                or record.name != CommandName.CUSTOMER_INFORMATION.value
                or record.request is None
            ):
                raise NotFound(
                    f"no customer-information command {command_id} for station {station_id!r}"
                )
            request_id = int(record.request["requestId"])
            rows = uow.customer_information.parts(station_id, request_id)
            detail = {"command_id": command_id, "request_id": request_id, "parts": len(rows)}
            uow.audit.record(actor, "customer_information.read", "station", station_id, detail, now)
            return record, request_id, rows

        record, request_id, rows = await self._db.write(load)
        cipher = await self._keys.cipher()
        if not all(cipher.knows(cipher.key_of(r["data_enc"])) for r in rows):
            cipher = await self._keys.reload()
        parts = [
            CustomerInformationPart(
                r["seq_no"], cipher.decrypt(FIELD, r["data_enc"]), r["tbc"], r["generated_at"]
            )
            for r in rows
        ]
        return CustomerInformation(record, request_id, assemble(request_id, parts))


async def prepare_customer_information(
    service: CommandService, station: Any, body: dict[str, Any]
) -> dict[str, Any]:
    """CustomerInformationRequest needs a requestId, echoed in the NotifyCustomerInformation
    parts."""
    return {**body, "request_id": new_request_id()}
