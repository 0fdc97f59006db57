"""What a version's handlers may use: the services, settings and boot admission control."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from laddnet.ocpp.rpc import Session
from laddnet.services.bundle import Services


class BootAdmission:
    """Limits boots handled at once; the rest get Pending with a jittered retry interval."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._active = 0

    def try_enter(self) -> bool:
        if self._active >= self._limit:
            return False
        self._active += 1
        return True

    def leave(self) -> None:
        self._active -= 1

    def retry_interval(self) -> int:
        return random.randint(5, 30)  # noqa: S311 - jitter, not security


@dataclass
class HandlerContext:
    services: Services
    admission: BootAdmission
    heartbeat_interval: int = field(default=300)


Handler = Callable[[HandlerContext, Session, dict[str, Any]], Awaitable[dict[str, Any]]]
