"""Station configuration kept as the station reported it: 1.6 GetConfiguration answers, 2.0.1
GetVariables results and NotifyReport device models; read once when a station first boots."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Coroutine
from typing import Any

from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import LaddnetError, UnknownStation
from laddnet.domain.ids import StationId
from laddnet.domain.operations.model import ConfigurationItem
from laddnet.ports import Clock, Database, UnitOfWork
from laddnet.services.handlers.commands import Answered, CommandService

log = logging.getLogger(__name__)

ACTOR = "laddnet"
_STORED = ("Accepted", "RebootRequired")


def items_from_v16(response: dict[str, Any]) -> list[ConfigurationItem]:
    return [
        ConfigurationItem(
            variable=k["key"],
            value=k.get("value"),
            mutability="ReadOnly" if k.get("readonly") else "ReadWrite",
        )
        for k in response.get("configurationKey") or []
    ]


def _evse(component: dict[str, Any]) -> tuple[int, int]:
    evse = component.get("evse") or {}
    return int(evse.get("id", 0)), int(evse.get("connectorId", 0))


def items_from_results(results: list[dict[str, Any]], value_key: str) -> list[ConfigurationItem]:
    """Values of 2.0.1 Get/SetVariables results the station accepted."""
    items = []
    for r in results:
        if r.get("attributeStatus") not in _STORED:
            continue
        component, variable = r["component"], r["variable"]
        evse_id, connector_id = _evse(component)
        items.append(
            ConfigurationItem(
                variable=variable["name"],
                value=r.get(value_key),
                component=component["name"],
                component_instance=component.get("instance", ""),
                evse_id=evse_id,
                connector_id=connector_id,
                variable_instance=variable.get("instance", ""),
                attribute_type=r.get("attributeType", "Actual"),
            )
        )
    return items


def items_from_report(report_data: list[dict[str, Any]]) -> list[ConfigurationItem]:
    """A 2.0.1 NotifyReport's reportData: one item per variable attribute."""
    items = []
    for entry in report_data:
        component, variable = entry["component"], entry["variable"]
        evse_id, connector_id = _evse(component)
        characteristics = entry.get("variableCharacteristics") or {}
        for attribute in entry.get("variableAttribute") or []:
            items.append(
                ConfigurationItem(
                    variable=variable["name"],
                    value=attribute.get("value"),
                    component=component["name"],
                    component_instance=component.get("instance", ""),
                    evse_id=evse_id,
                    connector_id=connector_id,
                    variable_instance=variable.get("instance", ""),
                    attribute_type=attribute.get("type", "Actual"),
                    mutability=attribute.get("mutability", "ReadWrite"),
                    characteristics=characteristics,
                )
            )
    return items


def after_get_configuration(uow: UnitOfWork, answered: Answered) -> None:
    response = answered.response
    if "configurationKey" in response:  # 1.6
        uow.configuration.save(answered.station_id, items_from_v16(response), answered.at)
        if not answered.body.get("keys"):
            uow.configuration.mark_read(answered.station_id, answered.at)
    elif "getVariableResult" in response:  # 2.0.1 GetVariables; a base report comes later
        items = items_from_results(response["getVariableResult"], "attributeValue")
        uow.configuration.save(answered.station_id, items, answered.at)


def after_set_configuration(uow: UnitOfWork, answered: Answered) -> None:
    body, response = answered.body, answered.response
    if "setVariableResult" in response:
        items = items_from_results(response["setVariableResult"], "")
        values = {(v["component"], v["variable"]): v["value"] for v in body.get("variables") or []}
        items = [
            dataclasses.replace(i, value=values.get((i.component, i.variable), body.get("value")))
            for i in items
        ]
    elif answered.status in _STORED and body.get("key"):
        items = [ConfigurationItem(variable=body["key"], value=body["value"])]
    else:
        return
    uow.configuration.save(answered.station_id, items, answered.at)


READS_AT_ONCE = 4


class ConfigurationService:
    def __init__(self, db: Database, clock: Clock, commands: CommandService) -> None:
        self._db = db
        self._clock = clock
        self._commands = commands
        self._tasks: set[asyncio.Task[None]] = set()
        # A boot storm of stations never read would add a read storm to it: a few at a time.
        self._reading = asyncio.Semaphore(READS_AT_ONCE)

    def after_boot(self, station_id: StationId) -> None:
        """After an accepted boot: read the configuration if it never was. Runs in the
        background, so the BootNotification answer waits for nothing."""
        self._spawn(self._read_once(station_id))

    async def _read_once(self, station_id: StationId) -> None:
        async with self._reading:
            try:
                read_at = await self._db.read(lambda uow: uow.configuration.read_at(station_id))
                if read_at is not None:
                    return
                await self._commands.send(station_id, CommandName.GET_CONFIGURATION, {}, ACTOR)
            except LaddnetError as exc:  # logged; the next boot asks again
                log.info("%s: configuration not read: %s", station_id, exc)

    async def record_report(
        self, station_id: StationId, report_data: list[dict[str, Any]], complete: bool
    ) -> None:
        now = self._clock.now()
        items = items_from_report(report_data)

        def save(uow: UnitOfWork) -> None:
            uow.configuration.save(station_id, items, now)
            if complete:
                uow.configuration.mark_read(station_id, now)

        await self._db.write(save)

    async def items(self, station_id: StationId, component: str | None) -> list[ConfigurationItem]:
        def read(uow: UnitOfWork) -> list[ConfigurationItem] | None:
            if uow.stations.get(station_id) is None:
                return None
            return uow.configuration.items(station_id, component=component)

        found = await self._db.read(read)
        if found is None:
            raise UnknownStation(f"station {station_id!r} not found")
        return found

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
