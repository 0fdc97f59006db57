"""Commands to a station wherever it is connected, and one live connection per station across
the nodes of one Laddnet, over the message bus.

A command for a station connected to this node goes straight to its connection (GatewayLink).
For any other station the node holding it is read from the database (`stations.connected_node`)
and the command travels as a request on `laddnet.node.<node>.call`; that node runs it on its
gateway and replies with the answer or the error it met, raised here as the same domain error.
A node that is gone (no responder) means the station is not connected; a node that does not
reply within the call timeout plus `BUS_MARGIN` means the station did not answer.

When a station connects, this node announces it on `laddnet.presence` (after its "connected"
write has committed); another node still holding an older connection of that station closes it
with code 4000, and its "offline" write, conditional on the node, changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import orjson

from laddnet.domain.commands.model import OcppRequest
from laddnet.domain.errors import (
    BusFailed,
    BusTimeout,
    LaddnetError,
    NoResponder,
    StationDidNotAnswer,
    StationNotConnected,
)
from laddnet.domain.ids import StationId
from laddnet.ocpp import remote_calls
from laddnet.ocpp.link import GatewayLink
from laddnet.ports import Database, MessageBus, Subscription

if TYPE_CHECKING:
    from laddnet.ocpp.server import Gateway

log = logging.getLogger(__name__)

PRESENCE_SUBJECT = "presence"
BUS_MARGIN = 2.0  # seconds a remote call may take beyond the station's own call timeout


class RoutedLink(GatewayLink):
    """Implements the StationLink port for a node of several: local stations through the
    attached gateway, the others through the node holding them. Without a gateway (the API
    process of `serve --workers`) every station is reached through the bus."""

    def __init__(self, bus: MessageBus, db: Database, *, node_id: str, call_timeout: float) -> None:
        super().__init__()
        self._bus = bus
        self._db = db
        self._node = node_id
        self._call_timeout = call_timeout
        self._subscriptions: list[Subscription] = []
        self._tasks: set[asyncio.Task[None]] = set()  # presence announcements under way

    def attach(self, gateway: Gateway) -> None:
        super().attach(gateway)
        gateway.on_station_connected = self._announce

    async def start(self) -> None:
        """Serve commands for this node's stations and listen to other nodes' presence."""
        if self._gateway is None:
            return  # no stations here: nothing to serve
        self._subscriptions = [
            await self._bus.serve(remote_calls.node_subject(self._node), self._serve_call),
            await self._bus.subscribe(PRESENCE_SUBJECT, self._on_presence),
        ]

    async def stop(self) -> None:
        subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            await subscription.unsubscribe()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def call(
        self, station_id: str, request: OcppRequest, timeout: float | None = None
    ) -> dict[str, Any]:
        gateway = self._gateway
        if gateway is not None and gateway.registry.get(station_id) is not None:
            return await super().call(station_id, request, timeout)
        node = await self._node_of(station_id)
        if node is None or node == self._node:
            raise StationNotConnected(station_id)  # nowhere, or here and just gone
        wait = (timeout if timeout is not None else self._call_timeout) + BUS_MARGIN
        data = remote_calls.encode_call(station_id, request, timeout)
        try:
            reply = await self._bus.request(remote_calls.node_subject(node), data, wait)
        except NoResponder:
            raise StationNotConnected(station_id) from None  # its node is gone, and so is it
        except BusTimeout:
            raise StationDidNotAnswer(
                f"the node holding {station_id} did not answer {request.action} in time"
            ) from None
        except BusFailed:
            raise StationDidNotAnswer(
                f"station {station_id} is on node {node}, unreachable: the message bus is down"
            ) from None
        return remote_calls.decode_reply(station_id, reply)

    async def _node_of(self, station_id: str) -> str | None:
        station = await self._db.read(lambda uow: uow.stations.get(StationId(station_id)))
        return station.node if station is not None and station.connected else None

    async def _serve_call(self, data: bytes) -> bytes:
        try:
            call = remote_calls.decode_call(data)
        except LaddnetError as exc:
            return remote_calls.encode_error("?", exc)
        try:
            response = await super().call(call.station_id, call.request, call.timeout)
        except remote_calls.LINK_ERRORS as exc:
            return remote_calls.encode_error(call.station_id, exc)
        return remote_calls.encode_answer(response)

    def _announce(self, station_id: str) -> None:
        gateway = self._gateway
        if gateway is None:
            return
        data = orjson.dumps({"station_id": station_id, "node": self._node})
        task = asyncio.create_task(self._publish_presence(station_id, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _publish_presence(self, station_id: str, data: bytes) -> None:
        try:
            await self._bus.publish(PRESENCE_SUBJECT, data)
        except BusFailed as exc:  # the older connection elsewhere lives on until it drops
            log.warning("could not announce %s on the bus: %s", station_id, exc)

    async def _on_presence(self, data: bytes) -> None:
        raw = orjson.loads(data)
        station_id, node = raw.get("station_id"), raw.get("node")
        gateway = self._gateway
        if node == self._node or not isinstance(station_id, str) or gateway is None:
            return
        if gateway.registry.get(station_id) is None:
            return  # the usual case: not a station of ours
        # The database has the last word: if our connection's "connected" write came after
        # the other node's (the station came back here meanwhile), ours is the newer one.
        holder = await self._node_of(station_id)
        if holder is not None and holder != self._node:
            gateway.drop(station_id, f"reconnected to node {holder}")
