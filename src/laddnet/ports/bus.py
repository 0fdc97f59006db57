"""Ports: the message bus between nodes (docs/adr/0007-message-bus.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class Subscription(Protocol):
    async def unsubscribe(self) -> None: ...


class PubSub(Protocol):
    """Fire-and-forget messages between nodes (presence, domain events): `subject` is a suffix
    of the bus's prefix (`presence` -> `laddnet.presence`). A message may be lost while the bus
    is down; nothing that must not be lost travels only this way."""

    async def publish(self, subject: str, data: bytes) -> None: ...
    async def subscribe(
        self, subject: str, callback: Callable[[bytes], Awaitable[None]]
    ) -> Subscription: ...


class RequestReply(Protocol):
    """One request, one reply (commands to a station on another node). `request` raises
    NoResponder when nobody serves the subject, BusTimeout after `timeout` seconds and BusFailed
    when the bus is unreachable: it never waits longer than `timeout`."""

    async def request(self, subject: str, data: bytes, timeout: float) -> bytes: ...
    async def serve(
        self, subject: str, handler: Callable[[bytes], Awaitable[bytes]]
    ) -> Subscription: ...


class MessageBus(PubSub, RequestReply, Protocol):
    """The bus joining the nodes of one Laddnet (NATS; see docs/adr/0007-message-bus.md)."""
