"""The maintenance service: alerts and their rules, maintenance mode, and the monitor task.

Maintenance mode takes a station out of service for drivers with ChangeAvailability
Inoperative (sent through the command service, so it is in the command log) and gives it back
with Operative; while it lasts the station's service status is `in_maintenance` and no alert
opens for it. An `until` ends it by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from laddnet.domain.commands.model import CommandName, CommandResult
from laddnet.domain.errors import (
    InvalidInput,
    LaddnetError,
    NotFound,
    StorageUnavailable,
    UnknownSite,
    UnknownStation,
)
from laddnet.domain.events import Event, EventType
from laddnet.domain.ids import SiteId, StationId
from laddnet.domain.maintenance.alerts import Alert, AlertKind, RuleSet, check_overrides, scope_of
from laddnet.domain.maintenance.health import StationHealth
from laddnet.domain.maintenance.model import MaintenanceMode
from laddnet.domain.maintenance.recovery import Attempt
from laddnet.domain.stations.model import RegistrationStatus
from laddnet.ports import Clock, Database, EventBus, Mailer, UnitOfWork
from laddnet.services.handlers.commands import CommandService
from laddnet.services.maintenance.evaluation import MAINTENANCE_REASON, close, health_lows
from laddnet.services.maintenance.health_alerts import health_of
from laddnet.services.maintenance.monitor import Monitor
from laddnet.services.maintenance.notifications import Notifier, RecipientService
from laddnet.services.maintenance.recovery import RecoveryRunner
from laddnet.services.maintenance.tickets import TicketService
from laddnet.services.maintenance.uptime import UptimeService

log = logging.getLogger(__name__)

ALERT_STATUSES = ("open", "closed")
REAPPLY_ACTOR = "laddnet:maintenance"  # who sent maintenance mode again after a boot


@dataclass(frozen=True, slots=True)
class MaintenanceChange:
    """Maintenance mode as it now is (None: off) and how the station took the command (or
    the error that kept it from answering: it applies the mode when it can)."""

    station_id: str
    mode: MaintenanceMode | None
    command: CommandResult | None
    command_error: str | None


class MaintenanceService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        bus: EventBus,
        commands: CommandService,
        *,
        interval: float,
        health_interval: float = 0.0,
        mailer: Mailer | None = None,
        notify_window: float = 60.0,
    ) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands
        self.recovery = RecoveryRunner(db, clock, commands)
        self.monitor = Monitor(
            db,
            clock,
            bus,
            interval=interval,
            health_interval=health_interval,
            on_tick=self.end_due,
            after_tick=self.recovery.run_due,
        )
        self.tickets = TicketService(db, clock)
        self.uptime = UptimeService(db, clock)
        self.notifier = Notifier(db, clock, bus, mailer, window=notify_window)
        self.recipients = RecipientService(db, clock)
        self._task: asyncio.Task[None] | None = None
        self._notify_task: asyncio.Task[None] | None = None
        self._bus = bus
        self._unsubscribe: Callable[[], None] | None = None
        self._reapplying: set[asyncio.Task[Any]] = set()
        self._connected: dict[StationId, datetime] = {}  # connections to check after the grace
        self._checking_reconnects = False
        self._booted: set[StationId] = set()  # accepted boots to check, one read per burst
        self._checking_boots = False

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.monitor.run(), name="laddnet-maintenance")
            self._notify_task = asyncio.create_task(self.notifier.run(), name="laddnet-notify")
            self._unsubscribe = self._bus.subscribe(self._on_event)

    async def stop(self) -> None:
        tasks: list[asyncio.Task[Any]] = [t for t in (self._task, self._notify_task) if t]
        self._task = self._notify_task = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        tasks.extend(self._reapplying)
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- alerts ------------------------------------------------------------------------

    async def alerts(
        self,
        *,
        status: str | None = None,
        station_id: str | None = None,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[Alert], int]:
        if status is not None and status not in ALERT_STATUSES:
            raise InvalidInput(f"status: {status!r} is not one of {', '.join(ALERT_STATUSES)}")
        if kind is not None and kind not in {k.value for k in AlertKind}:
            known = ", ".join(k.value for k in AlertKind)
            raise InvalidInput(f"kind: {kind!r} is not an alert kind ({known})")
        return await self._db.read(
            lambda uow: uow.maintenance.list_alerts(
                status=status, station_id=station_id, kind=kind, limit=limit, offset=offset
            )
        )

    async def close_alert(self, alert_id: int, reason: str, actor: str) -> Alert:
        """Close an open alert by hand (a `security_critical` alert someone looked into). A
        timed condition that still holds opens a new alert at the next round. NotFound if
        there is no such alert; an alert closed already is returned as it is."""
        now = self._clock.now()
        why = f"by hand ({actor}): {reason}".strip()[:64]

        def apply(uow: UnitOfWork) -> Alert:
            alert = uow.maintenance.get_alert(alert_id)
            if alert is None:
                raise NotFound(f"alert {alert_id} does not exist")
            if alert.is_open:
                close(uow, [alert], now, why)
                alert = uow.maintenance.get_alert(alert_id) or alert
            return alert

        return await self._db.write(apply)

    async def attempts(self, alert_ids: Sequence[int]) -> dict[int, list[Attempt]]:
        """The automatic recovery steps taken for these alerts."""
        return await self._db.read(lambda uow: uow.recovery.attempts_for(alert_ids))

    async def rules(self) -> RuleSet:
        return await self._db.read(lambda uow: uow.maintenance.rule_set())

    async def set_rules(
        self, site_id: str | None, overrides: Mapping[str, Any], actor: str
    ) -> RuleSet:
        """Replace the overrides of the network (site_id None) or of one site."""
        checked = check_overrides(overrides)
        now = self._clock.now()

        def save(uow: UnitOfWork) -> RuleSet:
            if site_id is not None and not uow.sites.exists(SiteId(site_id)):
                raise UnknownSite(f"site {site_id!r} not found")
            scope = scope_of(site_id)
            uow.maintenance.save_rules(scope, checked, actor, now)
            uow.audit.record(actor, "alert_rules.updated", "alert_rules", scope, checked, now)
            return uow.maintenance.rule_set()

        rules = await self._db.write(save)
        self.monitor.mark_tick()
        return rules

    async def health(self, station_id: StationId) -> StationHealth:
        """The station's and its connectors' health scores over the last week, with reasons."""
        now = self._clock.now()

        def read(uow: UnitOfWork) -> StationHealth:
            if uow.stations.get(station_id) is None:
                raise UnknownStation(f"station {station_id!r} not found")
            return health_of(uow, station_id, now)

        return await self._db.read(read)

    # -- maintenance mode ---------------------------------------------------------------

    async def modes(self, station_ids: Sequence[str]) -> dict[str, MaintenanceMode]:
        return await self._db.read(lambda uow: uow.maintenance.maintenance_of(station_ids))

    async def health_lows(self, station_ids: Sequence[str]) -> dict[str, str]:
        """Why each of the stations whose health score is below the threshold needs maintenance."""

        def find(uow: UnitOfWork) -> dict[str, str]:
            return health_lows(uow, uow.maintenance.stations_by_id(station_ids))

        return await self._db.read(find)

    async def set_maintenance(
        self,
        station_id: StationId,
        *,
        on: bool,
        reason: str,
        until: datetime | None,
        actor: str,
    ) -> MaintenanceChange:
        now = self._clock.now()
        if until is not None and until <= now:
            raise InvalidInput("until: must be in the future")
        mode = MaintenanceMode(reason, now, until, actor) if on else None

        def apply(uow: UnitOfWork) -> None:
            if uow.stations.get(station_id) is None:
                raise UnknownStation(f"station {station_id!r} not found")
            uow.maintenance.set_maintenance(station_id, mode)
            if on:
                uow.uptime.open_window(station_id, now, reason, actor)
            else:
                uow.uptime.close_window(station_id, now)
            if on:
                close(
                    uow, uow.maintenance.open_alerts(station_id=station_id), now, MAINTENANCE_REASON
                )
            detail = {"on": on, "reason": reason, "until": until.isoformat() if until else None}
            uow.audit.record(actor, "station.maintenance", "station", station_id, detail, now)
            uow.outbox.add(EventType.MAINTENANCE_CHANGED.value, station_id, detail, now)

        await self._db.write(apply)
        self.monitor.mark(station_id)
        body = {"operative": not on}
        try:
            result = await self._commands.send(
                station_id, CommandName.CHANGE_AVAILABILITY, body, actor
            )
        except LaddnetError as exc:  # offline, no answer, refused: the mode holds regardless
            return MaintenanceChange(station_id, mode, None, f"{type(exc).__name__}: {exc}")
        return MaintenanceChange(station_id, mode, result, None)

    # Seconds a station that connected again has to boot before it is told again without one.
    reconnect_grace: float = 10.0

    def _on_event(self, event: Event) -> None:
        """A station that boots while in maintenance mode (it may have been offline when the
        mode was switched on, or forgot it) is told again to be inoperative; so is one that
        connects again without booting (a network outage: it may have missed the mode)."""
        if event.station_id is None:
            return
        sid = StationId(event.station_id)
        if event.type == EventType.STATION_BOOTED.value:
            if event.data.get("status") != "Accepted":
                return
            self._booted.add(sid)
            if not self._checking_boots:
                self._checking_boots = True
                self._spawn(self._after_boots())
        elif event.type == EventType.STATION_CONNECTED.value:
            self._connected[sid] = event.time
            if not self._checking_reconnects:
                self._checking_reconnects = True
                self._spawn(self._after_reconnects())

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(work)
        self._reapplying.add(task)
        task.add_done_callback(self._reapplying.discard)

    async def _after_reconnects(self) -> None:
        """Re-send maintenance mode to each station that connected and has not booted within
        `reconnect_grace` (a boot re-sends it itself), if its last boot was accepted and it is
        still connected. The stations of a reconnect storm are looked up together: one read
        finds the few in maintenance mode."""
        try:
            while self._connected:
                await asyncio.sleep(self.reconnect_grace)
                due = self._clock.now() - timedelta(seconds=self.reconnect_grace)
                ready = {s: at for s, at in self._connected.items() if at <= due}
                for station_id in ready:
                    del self._connected[station_id]
                for resting_id in await self._resting(list(ready), "reconnected"):
                    await self._after_reconnect(StationId(resting_id), ready[StationId(resting_id)])
        finally:
            self._checking_reconnects = False

    async def _after_boots(self) -> None:
        """Re-send maintenance mode to each station of a burst of accepted boots that is in it:
        one read for the whole burst (a boot storm would otherwise cost a read per boot)."""
        try:
            while self._booted:
                await asyncio.sleep(0)  # the burst's other boots, already queued, join in
                booted = list(self._booted)
                self._booted.clear()
                for resting_id in await self._resting(booted, "booted"):
                    await self.reapply(StationId(resting_id))
        finally:
            self._checking_boots = False

    async def _resting(self, station_ids: list[StationId], how: str) -> list[str]:
        """Which of these stations are in maintenance mode: one read for a whole burst. None
        if the database is down (logged): their next boot or reconnect checks again."""
        if not station_ids:
            return []
        try:
            return list(await self.modes(station_ids))
        except StorageUnavailable:
            log.warning("maintenance mode not checked for %d %s stations", len(station_ids), how)
            return []

    async def _after_reconnect(self, station_id: StationId, connected_at: datetime) -> None:
        station = await self._db.read(lambda uow: uow.stations.get(station_id))
        if station is None or not station.connected:
            return
        if station.registration_status is not RegistrationStatus.ACCEPTED:
            return
        if station.last_boot_at is not None and station.last_boot_at >= connected_at:
            return
        await self.reapply(station_id)

    async def reapply(self, station_id: StationId) -> CommandResult | None:
        """Send `change-availability` inoperative if the station is in maintenance mode."""
        modes = await self.modes([station_id])
        if station_id not in modes:
            return None
        body = {"operative": False}
        try:
            return await self._commands.send(
                station_id, CommandName.CHANGE_AVAILABILITY, body, REAPPLY_ACTOR
            )
        except LaddnetError as exc:
            log.warning("maintenance mode not re-sent to %s: %s", station_id, exc)
            return None

    async def end_due(self) -> None:
        """End the maintenance windows whose `until` has passed."""
        due = await self._db.read(lambda uow: uow.maintenance.maintenance_over(self._clock.now()))
        for station_id in due:
            try:
                await self.set_maintenance(
                    StationId(station_id),
                    on=False,
                    reason="until reached",
                    until=None,
                    actor="system",
                )
            except LaddnetError as exc:
                log.warning("could not end maintenance of %s: %s", station_id, exc)
