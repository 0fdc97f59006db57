"""The NATS message bus: publish/subscribe and request-reply on subjects under the namespace
(`LADDNET_BUS_NAMESPACE`, default `laddnet`), so that several Laddnets (production and staging,
say) can share one NATS server without seeing each other's commands and events.

Subjects (the suffix is what the callers name):

- `laddnet.presence`: a node took a station's connection ({station_id, node}).
- `laddnet.node.<node_id>.call`: a command for a station held by that node (request-reply).
- `laddnet.events`: domain events after commit (`EVENTS_SUBJECT`; see `NatsEventBus`).

Request-reply uses NATS's no-responders detection: a request to a node that is gone fails at
once with NoResponder instead of waiting for its timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import nats
import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription as NatsSubscription

from laddnet.adapters.bus.memory import MemoryEventBus
from laddnet.domain.errors import BusFailed, BusTimeout, NoResponder
from laddnet.domain.events import Event

log = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "laddnet"
EVENTS_SUBJECT = "events"  # -> <namespace>.events: where `NatsEventBus` publishes domain events
CONNECT_TIMEOUT = 5.0
FLUSH_TIMEOUT = 5  # seconds for the server to confirm a new subscription


class _Subscription:
    def __init__(self, sub: NatsSubscription, tasks: set[asyncio.Task[None]] | None = None) -> None:
        self._sub = sub
        self._tasks = tasks  # requests still being answered, awaited by unsubscribe

    async def unsubscribe(self) -> None:
        gone = (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError)
        with contextlib.suppress(*gone):  # the connection (and so the subscription) is gone
            await self._sub.unsubscribe()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class NatsBus:
    """Implements the MessageBus port over one NATS connection, opened by `connect` (the
    runtime) and drained by `close`. Callbacks run as tasks of nats.py's subscription loop;
    one that raises is logged and the message dropped."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        namespace: str = DEFAULT_NAMESPACE,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self._servers = [part.strip() for part in url.split(",")]
        self._name = name
        self._prefix = namespace + "."
        self._connect_timeout = connect_timeout
        self._nc: Client | None = None

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    async def connect(self) -> None:
        """Connect, or raise BusFailed within CONNECT_TIMEOUT: nats.py retries forever (which
        keeps a running node connected through a restart of the bus), so its first connection
        is bounded here (`connect_timeout`)."""
        nc = Client()
        try:
            async with asyncio.timeout(self._connect_timeout):
                await nc.connect(
                    servers=self._servers,
                    name=self._name,
                    connect_timeout=max(1, round(self._connect_timeout)),
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                )
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            await nc.close()
            where = ", ".join(self._servers)
            reason = str(exc) or "no answer"
            raise BusFailed(f"message bus unreachable at {where}: {reason}") from None
        self._nc = nc

    async def close(self) -> None:
        nc, self._nc = self._nc, None
        if nc is None or nc.is_closed:
            return
        try:
            await nc.drain()  # finish the replies in flight, then close
        except (nats.errors.Error, TimeoutError):
            await nc.close()

    async def publish(self, subject: str, data: bytes) -> None:
        try:
            await self._client().publish(self._prefix + subject, data)
        except nats.errors.Error as exc:
            raise BusFailed(f"could not publish on {subject}: {exc}") from None

    async def subscribe(
        self, subject: str, callback: Callable[[bytes], Awaitable[None]]
    ) -> _Subscription:
        async def on_message(msg: Msg) -> None:
            try:
                await callback(msg.data)
            except Exception:  # a bad message must not stop the subscription: logged, dropped
                log.exception("handling a message on %s failed", msg.subject)

        return _Subscription(await self._subscribed(subject, on_message))

    async def request(self, subject: str, data: bytes, timeout: float) -> bytes:
        try:
            reply = await self._client().request(self._prefix + subject, data, timeout=timeout)
        except nats.errors.NoRespondersError:
            raise NoResponder(f"nobody serves {subject}") from None
        except (nats.errors.TimeoutError, TimeoutError):
            raise BusTimeout(f"no reply on {subject} within {timeout:g} s") from None
        except nats.errors.Error as exc:
            raise BusFailed(f"request on {subject} failed: {exc}") from None
        return reply.data

    async def serve(
        self, subject: str, handler: Callable[[bytes], Awaitable[bytes]]
    ) -> _Subscription:
        async def on_request(msg: Msg) -> None:
            try:
                answer = await handler(msg.data)
            except Exception:  # the requester times out; the failure is logged here
                log.exception("serving a request on %s failed", msg.subject)
                return
            try:
                await msg.respond(answer)
            except nats.errors.Error as exc:
                log.warning("could not reply on %s: %s", msg.subject, exc)

        # Each request is handled in its own task: one slow station must not hold up the next.
        tasks: set[asyncio.Task[None]] = set()

        async def dispatch(msg: Msg) -> None:
            task = asyncio.create_task(on_request(msg))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        return _Subscription(await self._subscribed(subject, dispatch), tasks)

    async def _subscribed(
        self, subject: str, callback: Callable[[Msg], Awaitable[None]]
    ) -> NatsSubscription:
        """Subscribe, and wait until the server has the subscription: another node's request
        right after must find this one serving, not "no responders"."""
        client = self._client()
        sub = await client.subscribe(self._prefix + subject, cb=callback)
        try:
            # Twice: nats.py writes a flush's PING straight to the socket while the SUB may
            # still wait in its send buffer, so the first PONG can come before the server has
            # the subscription (seen in tests: a publish right after was never delivered). By
            # then the buffer has been written, and the second PING follows the SUB.
            await client.flush(timeout=FLUSH_TIMEOUT)
            await client.flush(timeout=FLUSH_TIMEOUT)
        except (nats.errors.Error, TimeoutError) as exc:
            await sub.unsubscribe()
            raise BusFailed(f"could not subscribe to {subject}: {exc}") from None
        return sub

    def _client(self) -> Client:
        if self._nc is None or self._nc.is_closed:
            raise BusFailed("the message bus is not connected")
        return self._nc

    async def _on_error(self, exc: Exception) -> None:
        if self._nc is not None:  # while connecting, the error is raised by `connect`
            log.warning("message bus: %s", exc)

    async def _on_disconnected(self) -> None:
        log.warning("message bus disconnected; reconnecting")

    async def _on_reconnected(self) -> None:
        log.info("message bus reconnected")


class NatsEventBus:
    """Implements the EventBus port over NATS (`<namespace>.events`), so every process's streams
    see every event. `publish` sends to NATS only: this process's listeners get the event back
    through its own subscription, as every other process does. `start` once the bus is
    connected; a message that is not an event is logged and dropped."""

    def __init__(self, bus: NatsBus) -> None:
        self._bus = bus
        self._local = MemoryEventBus()
        self._subscription: Any = None

    async def start(self) -> None:
        self._subscription = await self._bus.subscribe(EVENTS_SUBJECT, self._deliver)

    async def stop(self) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            with contextlib.suppress(BusFailed):
                await subscription.unsubscribe()

    async def publish(self, event: Event) -> None:
        await self._bus.publish(EVENTS_SUBJECT, event.to_json().encode())

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        return self._local.subscribe(listener)

    async def _deliver(self, data: bytes) -> None:
        try:
            event = Event.from_json(data)
        except (ValueError, KeyError, TypeError):
            log.warning("message bus: dropped a malformed event (%d bytes)", len(data))
            return
        await self._local.publish(event)
