"""The composition root: builds every service once from the settings and wires the ports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from laddnet.adapters.audit_anchor import FileAuditAnchor
from laddnet.adapters.bus.memory import MemoryEventBus
from laddnet.adapters.bus.nats import NatsBus, NatsEventBus
from laddnet.adapters.crypto.fields import DatabaseKeyRing, master_key_source
from laddnet.adapters.crypto.firmware_signing import FirmwareSigningCa
from laddnet.adapters.crypto.passwords import (
    Argon2Hasher,
    StationSecretHasher,
    load_common_passwords,
)
from laddnet.adapters.crypto.station_ca import CaFiles, StationCa
from laddnet.adapters.db.engine import create_engine, migrate
from laddnet.adapters.db.outbox_claims import SqlOutboxClaims
from laddnet.adapters.db.writer import SqlDatabase
from laddnet.adapters.notify.smtp import SmtpMailer
from laddnet.adapters.notify.webhook import HttpxWebhookSender
from laddnet.config import Settings
from laddnet.ocpp.link import GatewayLink
from laddnet.ocpp.routed_link import RoutedLink
from laddnet.ports import Clock, EventBus, SystemClock
from laddnet.services.bundle import Services
from laddnet.services.events.delivery import WebhookDispatcher
from laddnet.services.events.relay import OutboxRelay
from laddnet.services.events.service import EventService
from laddnet.services.events.stream import EventStreams
from laddnet.services.events.webhooks import WebhookService
from laddnet.services.handlers.accounts import AccountService
from laddnet.services.handlers.api_keys import ApiKeyService
from laddnet.services.handlers.audit import AuditService
from laddnet.services.handlers.auth import AuthService
from laddnet.services.handlers.authorization import AuthorizationService
from laddnet.services.handlers.cdrs import CdrService
from laddnet.services.handlers.certificates import CertificateService
from laddnet.services.handlers.commands import CommandService, default_hooks
from laddnet.services.handlers.configuration import ConfigurationService
from laddnet.services.handlers.customer_information import CustomerInformationService
from laddnet.services.handlers.driver_auth import DriverAuthService
from laddnet.services.handlers.driver_tokens import DriverTokenService
from laddnet.services.handlers.drivers import DriverService
from laddnet.services.handlers.firmware import FirmwareService
from laddnet.services.handlers.firmware_policy import FirmwarePolicy, add_firmware_policy
from laddnet.services.handlers.ledger import LedgerService
from laddnet.services.handlers.logs import LogService
from laddnet.services.handlers.mfa import MfaService
from laddnet.services.handlers.operations import Operations, add_operation_hooks
from laddnet.services.handlers.reservations import ReservationService
from laddnet.services.handlers.running_cost import RunningCostService
from laddnet.services.handlers.sessions import SessionService
from laddnet.services.handlers.sites import SiteService
from laddnet.services.handlers.station_admin import StationAdminService
from laddnet.services.handlers.station_credentials import StationCredentialService
from laddnet.services.handlers.station_guard import StationGuardService
from laddnet.services.handlers.stations import StationService
from laddnet.services.handlers.tariffs import TariffService
from laddnet.services.maintenance.service import MaintenanceService
from laddnet.services.queries import Queries


@dataclass
class Container(Services):
    """The services plus what only the composition root may touch (the database)."""

    database: SqlDatabase = field(kw_only=True)
    webhook_sender: HttpxWebhookSender = field(kw_only=True)
    event_bus: EventBus = field(kw_only=True)
    bus: NatsBus | None = field(default=None, kw_only=True)  # LADDNET_BUS_URL; None: one process

    @property
    def engine(self) -> Engine:
        return self.database.engine

    async def aclose(self) -> None:
        await self.maintenance.stop()
        await self.events.stop()
        await self.webhook_sender.aclose()
        await self.operations.aclose()
        await self.certificates.aclose()
        await self.credentials.aclose()
        if isinstance(self.event_bus, NatsEventBus):
            await self.event_bus.stop()
        if self.bus is not None:
            await self.bus.close()
        await asyncio.to_thread(self.database.close)


def build(settings: Settings, clock: Clock | None = None) -> Container:
    database = SqlDatabase(create_engine(settings.driver_database_url))
    clock = clock or SystemClock()
    hasher = Argon2Hasher(
        time_cost=settings.station_hash_time_cost, memory_cost=settings.station_hash_memory_kib
    )
    station_secrets = StationSecretHasher(hasher)
    bus = (
        NatsBus(settings.bus_url, name=settings.node_id, namespace=settings.bus_namespace)
        if settings.bus_url
        else None
    )
    link = (
        RoutedLink(bus, database, node_id=settings.node_id, call_timeout=settings.call_timeout)
        if bus is not None
        else GatewayLink()
    )
    sender = HttpxWebhookSender(settings.webhook_timeout, settings.webhook_concurrency)
    event_bus: EventBus = NatsEventBus(bus) if bus is not None else MemoryEventBus()
    events = build_events(settings, database, clock, event_bus, sender)
    database.on_outbox_commit = events.relay.nudge
    logs = LogService(
        database,
        clock,
        public_url=settings.public_base_url,
        ttl=timedelta(hours=settings.log_upload_ttl_hours),
        max_bytes=settings.log_upload_max_bytes,
    )
    hooks = add_operation_hooks(default_hooks(), logs)
    hooks = add_firmware_policy(hooks, _firmware_policy(settings))
    cdrs = CdrService(database, clock)
    keyring = DatabaseKeyRing(database, clock, master_key_source(settings))
    sessions = SessionService(
        database,
        clock,
        settings.max_station_power_w,
        max_clock_skew=timedelta(seconds=settings.station_clock_skew),
        gap_timeout=timedelta(seconds=settings.sequence_gap_timeout),
        gap_interval=settings.sequence_gap_interval,
        keys=keyring,
    )
    sessions.on_ended = cdrs.nudge
    commands = CommandService(
        database, clock, link, call_timeout=settings.call_timeout, hooks=hooks
    )
    accounts, auth, mfa = build_accounts(settings, database, clock, hasher)
    drivers = DriverService(database, clock, keyring)
    return Container(
        settings=settings,
        database=database,
        webhook_sender=sender,
        event_bus=event_bus,
        bus=bus,
        events=events,
        clock=clock,
        stations=StationService(database, clock, station_secrets, node_id=settings.node_id),
        sessions=sessions,
        authorization=AuthorizationService(database, clock, keyring),
        api_keys=ApiKeyService(database, clock, hasher),
        queries=Queries(database),
        commands=commands,
        link=link,
        sites=SiteService(database, clock),
        station_admin=StationAdminService(database, clock, station_secrets),
        operations=Operations(
            configuration=ConfigurationService(database, clock, commands),
            firmware=FirmwareService(database, clock),
            logs=logs,
            reservations=ReservationService(database, clock),
            customer_information=CustomerInformationService(database, clock, keyring),
        ),
        tariffs=TariffService(database, clock),
        cdrs=cdrs,
        ledger=LedgerService(database),
        accounts=accounts,
        auth=auth,
        mfa=mfa,
        audit=AuditService(
            database,
            clock,
            FileAuditAnchor(settings.audit_anchor) if settings.audit_anchor else None,
        ),
        drivers=drivers,
        driver_auth=DriverAuthService(database, clock, accounts, auth, drivers, keyring),
        driver_tokens=DriverTokenService(database, clock, keyring),
        maintenance=MaintenanceService(
            database,
            clock,
            event_bus,
            commands,
            interval=settings.alert_interval,
            health_interval=settings.health_interval,
            mailer=(
                SmtpMailer(settings.smtp_url.get_secret_value(), settings.smtp_from)
                if settings.smtp_url
                else None
            ),
            notify_window=settings.notify_digest_seconds,
        ),
        certificates=CertificateService(database, clock, commands, _station_ca(settings)),
        credentials=StationCredentialService(
            database,
            clock,
            commands,
            station_secrets,
            renewal_window=timedelta(days=settings.certificate_renewal_days),
            alert_window=timedelta(days=settings.certificate_alert_days),
            renewal_retry=timedelta(hours=settings.certificate_renewal_retry_hours),
        ),
        station_guard=StationGuardService(database, clock),
        running_cost=RunningCostService(
            database,
            cdrs,
            link,
            mode=settings.cost_updated,
            interval=settings.cost_updated_interval,
            call_timeout=settings.call_timeout,
        ),
    )


def build_accounts(
    settings: Settings, database: SqlDatabase, clock: Clock, machine_hasher: Argon2Hasher
) -> tuple[AccountService, AuthService, MfaService]:
    """People's passwords get argon2id at the full OWASP cost; recovery codes (random) the
    machine-secret cost."""
    accounts = AccountService(
        database,
        clock,
        people_hasher(settings),
        load_common_passwords(settings.common_passwords_file),
        setup_ttl=timedelta(hours=settings.user_setup_hours),
    )
    mfa = MfaService(database, clock, machine_hasher)
    auth = AuthService(
        database,
        clock,
        accounts,
        mfa,
        idle_timeout=timedelta(minutes=settings.session_idle_minutes),
        absolute_timeout=timedelta(hours=settings.session_absolute_hours),
    )
    return accounts, auth, mfa


def _audit_anchor(settings: Settings) -> FileAuditAnchor | None:
    return FileAuditAnchor(settings.audit_anchor) if settings.audit_anchor else None


def people_hasher(settings: Settings) -> Argon2Hasher:
    """argon2id for people's passwords at the configured cost (OWASP's minimum by default)."""
    return Argon2Hasher(
        time_cost=settings.password_hash_time_cost, memory_cost=settings.password_hash_memory_kib
    )


def _station_ca(settings: Settings) -> StationCa | None:
    if settings.ca_cert is None or settings.ca_key is None:
        return None
    return StationCa(CaFiles(settings.ca_cert, settings.ca_key), settings.station_certificate_days)


def build_events(
    settings: Settings,
    database: SqlDatabase,
    clock: Clock,
    bus: EventBus,
    sender: HttpxWebhookSender,
) -> EventService:
    dispatcher = WebhookDispatcher(
        database,
        sender,
        clock,
        concurrency=settings.webhook_concurrency,
        retry_schedule=settings.webhook_retry_schedule,
        poll_interval=settings.events_poll_interval,
        lease=timedelta(seconds=settings.webhook_timeout * 3 + 30),
    )
    relay = OutboxRelay(
        SqlOutboxClaims(database),
        bus,
        clock,
        poll_interval=settings.events_poll_interval,
        retention=timedelta(hours=settings.events_retention_hours),
        on_published=dispatcher.nudge,
    )
    streams = EventStreams(database, bus, clock, max_queue=settings.events_sse_queue)
    return EventService(
        relay,
        dispatcher,
        streams,
        WebhookService(database, clock),
        bus=bus,
        keepalive=settings.events_sse_keepalive,
    )


async def build_migrated(settings: Settings, clock: Clock | None = None) -> Container:
    container = build(settings, clock)
    await migrate(container.engine)
    return container


def _firmware_policy(settings: Settings) -> FirmwarePolicy:
    signing_ca = settings.firmware_signing_ca
    return FirmwarePolicy(
        url_prefix=settings.firmware_url_prefix,
        signatures=FirmwareSigningCa(signing_ca) if signing_ca else None,
        require_signature=settings.firmware_require_signature,
    )
