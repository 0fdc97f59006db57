"""Certificate renewal ahead of expiry: stations whose newest station certificate is within the
renewal window are asked to renew it, at most once per retry interval; failures and
certificates within the alert window are security events and events."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import LaddnetError
from laddnet.domain.events import EventType
from laddnet.domain.ids import StationId
from laddnet.domain.security.certificates import StationCertificate
from laddnet.domain.security.credentials import renewal_retry_due
from laddnet.domain.security.model import SecurityEventKind
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import CommandService
from laddnet.services.handlers.credential_delivery import ACTOR

log = logging.getLogger(__name__)
CERTIFICATE_EXPIRING = EventType.CERTIFICATE_EXPIRING.value
CERTIFICATE_RENEWAL_FAILED = EventType.CERTIFICATE_RENEWAL_FAILED.value


@dataclass(frozen=True, slots=True)
class RenewalCheck:
    """What one renewal round did."""

    asked: list[str]  # stations asked to renew (they answered Accepted)
    failed: list[str]  # stations that could not be asked, or refused
    expiring: list[str]  # stations whose certificate is within the alert window


class CertificateRenewal:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        commands: CommandService,
        *,
        renewal_window: timedelta,
        alert_window: timedelta,
        renewal_retry: timedelta,
    ) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands
        self.renewal_window = renewal_window
        self.alert_window = alert_window
        self.renewal_retry = renewal_retry

    async def run_renewals(self, interval: float) -> None:
        """Check for certificates to renew every `interval` seconds until cancelled."""
        while True:
            try:
                await self.check_renewals()
            except LaddnetError as exc:
                log.warning("certificate renewal check failed: %s", type(exc).__name__)
            await asyncio.sleep(interval)

    async def check_renewals(self) -> RenewalCheck:
        """Ask every station whose newest station certificate expires within the renewal window
        to renew it (2.0.1 TriggerMessage, 1.6 ExtendedTriggerMessage SignChargingStation-/
        SignChargePointCertificate); at most once per `renewal_retry` per certificate. Records
        a security event and an event when it cannot be asked or when the certificate is within
        the alert window."""
        now = self._clock.now()
        due = await self._db.read(
            lambda uow: [
                (c, uow.credential_changes.last_renewal(c.id or 0))
                for c in uow.credential_changes.expiring(now + self.renewal_window)
            ]
        )
        check = RenewalCheck([], [], [])
        for cert, last in due:
            if not renewal_retry_due(last, now, self.renewal_retry):
                continue
            await self._renew(cert, check)
        return check

    async def _renew(self, cert: StationCertificate, check: RenewalCheck) -> None:
        station_id = StationId(cert.station_id)
        cert_id = cert.id or 0  # stored certificates have one
        try:
            result = await self._commands.send(station_id, CommandName.RENEW_CERTIFICATE, {}, ACTOR)
            failure = None if result.status == "Accepted" else f"station answered {result.status}"
        except LaddnetError as exc:
            failure = f"not asked: {type(exc).__name__}"
        now = self._clock.now()
        left = cert.not_after - now
        expiring = left <= self.alert_window
        until = cert.not_after.isoformat()

        def record(uow: UnitOfWork) -> None:
            outcome = "failed" if failure else "requested"
            detail = failure or "renewal requested"
            uow.credential_changes.add_renewal(cert.station_id, cert_id, now, outcome, detail)
            data = {
                "certificate_id": cert_id,
                "serial_number": cert.serial_number,
                "not_after": until,
                "days_left": max(0, left.days),
            }
            if failure:
                kind = SecurityEventKind.CERTIFICATE_RENEWAL_FAILED
                text = f"certificate {cert.serial_number} (valid until {until}): {failure}"
                uow.events.security(kind, cert.station_id, text, None, now)
                uow.outbox.add(
                    CERTIFICATE_RENEWAL_FAILED, cert.station_id, {**data, "reason": failure}, now
                )
            if expiring:
                kind = SecurityEventKind.CERTIFICATE_EXPIRING
                text = f"certificate {cert.serial_number} expires {until}"
                uow.events.security(kind, cert.station_id, text, None, now)
                uow.outbox.add(CERTIFICATE_EXPIRING, cert.station_id, data, now)

        await self._db.write(record)
        (check.failed if failure else check.asked).append(cert.station_id)
        if expiring:
            check.expiring.append(cert.station_id)
