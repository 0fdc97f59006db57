"""`laddnet tariff assign --customer-group` and `laddnet token add --customer-group`."""

from __future__ import annotations

import json

from tests.e2e.conftest import Laddnet
from tests.e2e.test_tariffs_cli import TARIFF


def test_a_tariff_for_fleets_and_a_fleet_token(laddnet: Laddnet) -> None:
    path = laddnet.workdir / "tariff.json"
    path.write_text(json.dumps(TARIFF))
    laddnet.ok("tariff", "add", str(path))
    laddnet.ok("site", "add", "Depot", "--time-zone", "Europe/Stockholm", "--id", "depot")
    out = laddnet.ok("tariff", "assign", "night", "--site", "depot", "--customer-group", "fleet")
    assert out.strip() == "tariff night assigned to site depot for fleet"
    token = laddnet.ok("token", "add", "FLEET-1", "--customer-group", "fleet")
    assert token.strip() == "token FLEET-1 authorized"
    bad = laddnet.run("token", "add", "VIP-1", "--customer-group", "vip")
    assert bad.returncode == 2 and "invalid choice: 'vip'" in bad.stderr
