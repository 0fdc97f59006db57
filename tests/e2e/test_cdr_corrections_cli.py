"""`laddnet session cdrs ID` after a late meter value corrected a session's CDR, and
`laddnet ledger check` still finding every CDR posted once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from laddnet.bootstrap import build
from laddnet.config import Settings
from laddnet.domain.ids import StationId
from laddnet.domain.pricing.records import TargetKind, TariffId
from laddnet.domain.sessions.commands import RecordMeterValues
from laddnet.domain.sessions.model import ENERGY_REGISTER, MeterSample
from tests.e2e.conftest import Laddnet
from tests.integration.api.test_cdrs_api import T0, _priced_session, _setup
from tests.integration.ocpp.test_correcting_cdrs import TARIFF as TIME_OF_DAY


def test_session_cdrs_lists_the_original_credit_and_reissue(laddnet: Laddnet) -> None:
    laddnet.ok("migrate")
    ids: list[int] = []

    async def run() -> None:
        container = build(Settings(database_url=laddnet.database_url))
        try:
            await _setup(container)
            await container.tariffs.create_tariff(TIME_OF_DAY, "test")
            await container.tariffs.assign(TargetKind.STATION, "CP-2", 0, TariffId("tod"), "t")
            session = await _priced_session(container, "CP-2", 10, 60)
            assert await container.cdrs.issue_pending() == 1
            late = MeterSample(T0 + timedelta(minutes=30), ENERGY_REGISTER, Decimal(8000), "Wh")
            await container.sessions.record_meter_values(
                RecordMeterValues(StationId("CP-2"), 1, session, None, (late,))
            )
            assert await container.cdrs.issue_pending() == 1
            ids.append(session)
        finally:
            await container.aclose()

    asyncio.run(run())
    rows = [line.split() for line in laddnet.ok("session", "cdrs", str(ids[0])).splitlines()]
    assert rows == [
        ["CDR", "SEQ", "KIND", "CORRECTS", "ENERGY_WH", "TOTAL", "CUR"],
        ["1", "0", "original", "10000", "25.00", "SEK"],
        ["2", "1", "credit", "1", "-10000", "-25.00", "SEK"],
        ["3", "2", "reissue", "1", "10000", "17.50", "SEK"],
    ]
    assert laddnet.ok("ledger", "check").strip().splitlines() == ["3 entries, 3 CDRs", "ledger OK"]
    missing = laddnet.run("session", "cdrs", "999999")
    assert missing.returncode == 1 and "session 999999 not found" in missing.stderr
