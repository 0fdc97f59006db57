"""Station certificates: a station's certificate signing request checked and answered, the
certificate signed by Laddnet's station CA and sent back (CertificateSigned), and the
certificate inventory per station: the certificates a station accepted (or may have: it did
not answer), not those it rejected.

The answer to SignCertificate says only whether the CSR will be signed; the signed certificate
goes to the station afterwards, as a command of its own, in the background. A new certificate
revokes none of the station's older ones: the operator decides (`revoke`).

A revoked certificate is refused at the station's next profile-3 login (ocpp/listeners.py), and
a connection it holds with it is closed at once, on whichever node holds it: the revocation is
a `certificate.revoked` event (ocpp/revocations.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import (
    InvalidInput,
    LaddnetError,
    NotFound,
    StationDidNotAnswer,
    StationNotConnected,
    UnknownStation,
)
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.security.certificates import (
    RevocationReason,
    StationCertificate,
    csr_problem,
    serial_number,
)
from laddnet.domain.security.model import SecurityEventKind
from laddnet.ports import CertificateAuthority, Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import CommandService

log = logging.getLogger(__name__)
ACTOR = "laddnet"  # the command log's sender of the certificates we send on our own


class CertificateService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        commands: CommandService,
        authority: CertificateAuthority | None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands
        self._authority = authority  # None: no station CA configured
        self._tasks: set[asyncio.Task[None]] = set()

    async def sign_request(
        self, station_id: StationId, csr: str, certificate_type: str | None
    ) -> bool:
        """Check a station's CSR: True (Accepted) if it will be signed, and the signed
        certificate is then sent to the station in the background; False (Rejected) if there
        is no CA or the CSR is not fit, recorded as a `csr_rejected` security event."""
        if self._authority is None:
            await self._reject(station_id, "no station CA is configured (LADDNET_CA_CERT)")
            return False
        if certificate_type not in (None, "ChargingStationCertificate"):
            await self._reject(station_id, f"{certificate_type} is signed by the V2G PKI, not us")
            return False
        try:
            facts = await asyncio.to_thread(self._authority.inspect, csr)
        except InvalidInput as exc:
            await self._reject(station_id, str(exc))
            return False
        problem = csr_problem(facts, station_id)
        if problem is not None:
            await self._reject(station_id, problem)
            return False
        self._spawn(self._sign_and_send(station_id, csr, certificate_type))
        return True

    async def inventory(self, station_id: StationId) -> list[StationCertificate]:
        def read(uow: UnitOfWork) -> list[StationCertificate] | None:
            if uow.stations.get(station_id) is None:
                return None
            return uow.certificates.of_station(station_id)

        found = await self._db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found

    async def revoke(
        self,
        station_id: StationId,
        serial: str,
        reason: RevocationReason | None,
        actor: str,
        *,
        sites: frozenset[str] | None = None,
    ) -> StationCertificate:
        """Revoke the station's certificate with this serial number (hex): its next profile-3
        login is refused, and a connection it holds with it is closed. Revoking it again
        changes nothing (the first time and reason stay). UnknownStation (also outside
        `sites`), NotFound for a serial the station has no certificate with, InvalidInput for
        a serial that is not hexadecimal."""
        serial = serial_number(serial)
        now = self._clock.now()

        def revoke(uow: UnitOfWork) -> StationCertificate:
            station = uow.stations.get(station_id)
            if station is None or (sites is not None and station.site_id not in sites):
                raise UnknownStation(f"station {station_id!r} not found")
            found, changed = uow.certificates.revoke(station_id, serial, reason, now)
            if not found:
                raise NotFound(f"station {station_id!r} has no certificate {serial}")
            cert = found[0]
            if changed:  # not when it was revoked before
                detail = {"serial_number": serial, "reason": reason.value if reason else None}
                uow.audit.record(
                    actor, "station.certificate_revoked", "station", station_id, detail, now
                )
                # Every gateway node closes a connection the station holds with it.
                event = detail | {"issuer": cert.issuer}
                uow.outbox.add(EventType.CERTIFICATE_REVOKED.value, station_id, event, now)
            return cert

        return await self._db.write(revoke)

    async def revocation_list(self, days: int) -> tuple[str, int]:
        """The station CA's revocation list (PEM) of the certificates it issued that are
        revoked, valid for `days`, and how many it lists. InvalidInput without a CA or for
        `days` outside 1-366."""
        if self._authority is None:
            raise InvalidInput("no station CA is configured (LADDNET_CA_CERT, LADDNET_CA_KEY)")
        if not 1 <= days <= 366:
            raise InvalidInput("a revocation list is valid for 1 to 366 days")
        revoked = await self._db.read(lambda uow: uow.certificates.revoked())
        authority, now = self._authority, self._clock.now()
        return await asyncio.to_thread(authority.revocation_list, revoked, now, days)

    async def aclose(self) -> None:
        """Wait for the certificates being signed and sent."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _sign_and_send(
        self, station_id: StationId, csr: str, certificate_type: str | None
    ) -> None:
        assert self._authority is not None
        now = self._clock.now()
        try:
            cert = await asyncio.to_thread(self._authority.sign, station_id, csr, now)
        except (OSError, ValueError) as exc:  # CA files unreadable or not a CA: logged, kept
            log.error("station CA could not sign for %s: %s", station_id, exc)
            await self._reject(station_id, "the station CA could not sign (see the log)")
            return

        def record(uow: UnitOfWork) -> None:
            detail = f"certificate {cert.serial_number} issued, valid until {cert.not_after}"
            uow.events.security(SecurityEventKind.CERTIFICATE_ISSUED, station_id, detail, None, now)

        await self._db.write(record)
        body: dict[str, Any] = {"certificate_chain": cert.pem}
        if certificate_type is not None:
            body["certificate_type"] = certificate_type
        try:
            result = await self._commands.send(
                station_id, CommandName.CERTIFICATE_SIGNED, body, ACTOR
            )
        except (StationDidNotAnswer, StationNotConnected) as exc:
            # It may have installed the certificate: listed, so its expiry is watched.
            log.info("%s: no answer to CertificateSigned: %s", station_id, exc)
        except LaddnetError as exc:  # recorded in the command log; the station asks again
            log.info("%s: CertificateSigned not delivered: %s", station_id, exc)
            return
        else:
            if result.status != "Accepted":  # A02/TC_A_14: it keeps its old certificate
                log.info("%s: CertificateSigned answered %s", station_id, result.status)
                return
        await self._db.write(lambda uow: uow.certificates.add(cert))

    async def _reject(self, station_id: StationId, reason: str) -> None:
        now = self._clock.now()
        kind = SecurityEventKind.CSR_REJECTED
        await self._db.write(lambda uow: uow.events.security(kind, station_id, reason, None, now))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
