"""`laddnet security events` as an operator runs it."""

from __future__ import annotations

import asyncio

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.security.model import SecurityEventKind as K
from tests.e2e.conftest import Laddnet


def test_security_events_lists_refused_logins_and_filters_by_kind(laddnet: Laddnet) -> None:
    assert laddnet.ok("security", "events").strip().splitlines()[-1] == "0 of 0 events"
    _insert_events(laddnet)
    lines = laddnet.ok("security", "events").strip().splitlines()
    assert lines[0].startswith("WHEN (UTC)")
    assert "stray_response" in lines[1] and "CP-9" in lines[1] and "10.1.2.3:4000" in lines[1]
    assert lines[-1] == "2 of 2 events"
    only = laddnet.ok("security", "events", "--kind", "unknown_station").strip().splitlines()
    assert len(only) == 3 and "unknown_station" in only[1]
    assert only[-1] == "1 of 1 events"


def _insert_events(laddnet: Laddnet) -> None:
    async def record() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await container.stations.record_security_event(K.UNKNOWN_STATION, "CP-404", "login")
            await container.stations.record_security_event(
                K.STRAY_RESPONSE, "CP-9", "CALLRESULT for message id 'z'", "10.1.2.3:4000"
            )
        finally:
            await container.aclose()

    asyncio.run(record())
