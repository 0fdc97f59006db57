"""The simulator's answers to the operations commands (firmware, logs, local list, reservations).

PLUG-IN POINT, owned by the operations work (wt-ops): fill `V16` and `V201` with handlers of the
responder's `Handler` type; `responder.py` merges them over its base tables
(`{**BASE_V16, **operations.V16}`), so an entry here replaces a base answer.
"""

from __future__ import annotations

from laddnet.sim.answers import Handler

V16: dict[str, Handler] = {}
V201: dict[str, Handler] = {}
