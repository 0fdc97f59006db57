"""`laddnet tariff add|list|show|assign|preview` as an operator runs them."""

from __future__ import annotations

import json

from tests.e2e.conftest import PASSWORD, Laddnet, one_line_error

TARIFF = {
    "id": "night",
    "name": "Night and day",
    "currency": "SEK",
    "elements": [
        {
            "price_components": [{"type": "ENERGY", "price": 1.25, "vat": 25}],
            "restrictions": {"start_time": "22:00", "end_time": "06:00"},
        },
        {"price_components": [{"type": "ENERGY", "price": "3.00", "vat": "25"}]},
    ],
}


def test_tariff_add_show_assign_and_preview(laddnet: Laddnet) -> None:
    path = laddnet.workdir / "tariff.json"
    path.write_text(json.dumps(TARIFF))
    assert laddnet.ok("tariff", "add", str(path)).strip() == "tariff night version 1 stored"
    again = laddnet.ok("tariff", "add", str(path), "--new-version", "--name", "Night 2")
    assert again.strip() == "tariff night version 2 stored"
    listed = laddnet.ok("tariff", "list").splitlines()
    assert listed[1].split()[:3] == ["night", "2", "SEK"]
    shown = json.loads(laddnet.ok("tariff", "show", "night", "--version", "1"))
    assert (shown["version"], shown["name"]) == (1, "Night 2")  # the name is the tariff's
    assert shown["elements"][0]["price_components"][0]["price"] == "1.25"

    laddnet.ok("site", "add", "Depot", "--time-zone", "Europe/Stockholm", "--id", "depot")
    laddnet.ok("station", "add", "CP-1", "--password", PASSWORD)
    assigned = laddnet.ok("tariff", "assign", "night", "--site", "depot")
    assert assigned.strip() == "tariff night assigned to site depot"
    evse = laddnet.ok("tariff", "assign", "night", "--station", "CP-1", "--evse", "2")
    assert evse.strip() == "tariff night assigned to evse CP-1 EVSE 2"

    out = laddnet.ok(
        "tariff", "preview", "night", "--start", "2026-01-12T21:00:00+01:00",
        "--stop", "2026-01-12T23:00:00+01:00", "--kwh", "20",
    )  # fmt: skip
    # 10 kWh before 22:00 at 3.00 and 10 after at 1.25 = 42.50, VAT 10.63.
    assert out.strip().splitlines()[-1] == ("total excl. VAT 42.50, VAT 10.63, incl. VAT 53.13")


def test_tariff_mistakes_are_one_line_errors(laddnet: Laddnet) -> None:
    path = laddnet.workdir / "bad.json"
    path.write_text(json.dumps({**TARIFF, "currency": "XYZ"}))
    bad = laddnet.run("tariff", "add", str(path))
    assert "currency: one of" in one_line_error(bad.stderr)
    nameless = laddnet.workdir / "nameless.json"
    nameless.write_text(json.dumps({k: v for k, v in TARIFF.items() if k != "id"}))
    no_id = laddnet.run("tariff", "add", str(nameless), "--new-version")
    assert "--new-version needs the tariff's id" in one_line_error(no_id.stderr)
    missing = laddnet.run("tariff", "assign", "nope", "--site", "x")
    assert "tariff 'nope' not found" in one_line_error(missing.stderr)
