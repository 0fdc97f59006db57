"""What a handler of a server CALL returns: the CALLRESULT payload and the follow-up to run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from laddnet.sim.responder import Responder

Handler = Callable[["Responder", dict[str, Any]], "Answer"]


@dataclass(frozen=True, slots=True)
class Answer:
    """The CALLRESULT payload, and what the station should do after answering, if anything
    (a name from `laddnet.sim.effects` and its argument)."""

    payload: dict[str, Any]
    follow_up: tuple[str, Any] | None = None


class ActionNotImplementedError(Exception):
    """The station does not support this action (answered with CALLERROR NotImplemented)."""


def status(value: str) -> Handler:
    return lambda _r, _p: Answer({"status": value})
