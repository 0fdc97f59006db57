"""Security profile upgrade of a running station over OCPP: 1.6 ChangeConfiguration
SecurityProfile; 2.0.1 SetNetworkProfile, NetworkConfigurationPriority and a Reset. The stored
profile stays until the station has connected with the new one."""

from __future__ import annotations

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import InvalidInput, LaddnetError, StationNotConnected
from laddnet.domain.ids import StationId
from laddnet.domain.security.credentials import ChangeKind, ChangeState, CredentialChange
from laddnet.domain.security.profiles import parse_profile
from laddnet.ports import UnitOfWork
from laddnet.services.handlers.credential_delivery import ACTOR, ChangeDelivery, get_change


class ProfileUpgrade:
    def __init__(self, delivery: ChangeDelivery) -> None:
        self._delivery = delivery
        self._db = delivery.db
        self._clock = delivery.clock

    async def upgrade_profile(
        self,
        station_id: StationId,
        profile: int,
        actor: str,
        *,
        csms_url: str | None = None,
        configuration_slot: int = 1,
        fallback_slot: int | None = None,
        sites: frozenset[str] | None = None,
    ) -> CredentialChange:
        """Tell a running station to use a higher security profile: 1.6 ChangeConfiguration
        SecurityProfile; 2.0.1 SetNetworkProfile (the slot with `csms_url`), SetVariables
        OCPPCommCtrlr.NetworkConfigurationPriority (that slot first) and a Reset. The stored
        profile stays until the station has connected with the new one."""
        target = parse_profile(profile, "profile")
        station = await self._delivery.station(station_id, sites)
        if target <= station.security_profile:
            raise InvalidInput(
                f"profile: station {station_id} is at profile {int(station.security_profile)}"
                " already; an upgrade goes higher"
            )
        if station.ocpp_version is None:
            raise StationNotConnected(station_id)
        if station.ocpp_version != "1.6":
            if not csms_url or not csms_url.startswith("wss://"):
                raise InvalidInput("csms_url: a 2.0.1 station needs the wss:// URL to connect to")
            if not 0 <= configuration_slot <= 9 or fallback_slot == configuration_slot:
                raise InvalidInput("configuration_slot: 0-9, and not the fallback slot")
        now = self._clock.now()

        def start(uow: UnitOfWork) -> int:
            for open_ in uow.credential_changes.open_of(station_id, ChangeKind.SECURITY_PROFILE):
                uow.credential_changes.update(open_.id, ChangeState.SUPERSEDED)
            change = CredentialChange(
                0,
                station_id,
                ChangeKind.SECURITY_PROFILE,
                ChangeState.SENT,
                actor,
                now,
                target_profile=target,
                attempts=1,
            )
            change_id = uow.credential_changes.add(change)
            detail = {"change_id": change_id, "profile": int(target)}
            uow.audit.record(
                actor, "station.security_profile_upgrade", "station", station_id, detail, now
            )
            return change_id

        change_id = await self._db.write(start)
        deliver = self._delivery.deliver
        if station.ocpp_version == "1.6":
            body = {"profile": int(target)}
            return await deliver(station_id, change_id, CommandName.SET_SECURITY_PROFILE, body)
        assert csms_url is not None
        network = {
            "configuration_slot": configuration_slot,
            "csms_url": csms_url,
            "profile": int(target),
        }
        change = await deliver(station_id, change_id, CommandName.SET_NETWORK_PROFILE, network)
        if change.state is not ChangeState.CONFIRMED:
            return change
        priority = str(configuration_slot)
        if fallback_slot is not None:
            priority += f",{fallback_slot}"
        change = await deliver(
            station_id, change_id, CommandName.SET_SECURITY_PROFILE, {"priority": priority}
        )
        if change.state is not ChangeState.CONFIRMED:
            return change
        try:  # the station takes the new priority when it restarts (OnIdle: no session cut)
            reset = await self._delivery.commands.send(
                station_id, CommandName.RESET, {"type": "soft"}, ACTOR
            )
            note = f"network profile and priority accepted; reset {reset.status}"
        except LaddnetError as exc:
            note = f"network profile and priority accepted; reset not sent: {type(exc).__name__}"
        await self._db.write(
            lambda uow: uow.credential_changes.update(change_id, change.state, detail=note)
        )
        return await self._db.read(lambda uow: get_change(uow, change_id))
