"""`laddnet site allowed-networks` and `laddnet firmware ...` as an operator runs them."""

from __future__ import annotations

from tests.e2e.conftest import Laddnet, one_line_error


def test_site_allowed_networks(laddnet: Laddnet) -> None:
    laddnet.ok("site", "add", "North", "--time-zone", "UTC", "--id", "north")
    assert "north: anywhere" in laddnet.ok("site", "allowed-networks", "north")
    set_ = laddnet.ok("site", "allowed-networks", "north", "--set", "10.0.0.0/8, 192.0.2.0/24")
    assert "north: 10.0.0.0/8, 192.0.2.0/24" in set_
    assert "10.0.0.0/8, 192.0.2.0/24" in laddnet.ok("site", "allowed-networks", "north")
    bad = laddnet.run("site", "allowed-networks", "north", "--set", "10.1.1.1/8")
    assert bad.returncode == 1
    assert "'10.1.1.1/8' is not a network in CIDR form" in one_line_error(bad.stderr)
    missing = laddnet.run("site", "allowed-networks", "nowhere")
    assert missing.returncode == 1 and "nowhere" in one_line_error(missing.stderr)
    assert "north: anywhere" in laddnet.ok("site", "allowed-networks", "north", "--clear")


def test_firmware_vulnerable_versions(laddnet: Laddnet) -> None:
    marked = laddnet.ok("firmware", "mark-vulnerable", "--vendor", "Acme", "--model", "Volt-22",
                        "--version", "1.0.0", "--reason", "CVE-2026-0001")  # fmt: skip
    assert "Acme Volt-22 1.0.0 vulnerable" in marked
    mark_id = marked.split("#", 1)[1].split(":", 1)[0]
    versions = laddnet.ok("firmware", "versions")
    assert "CVE-2026-0001" in versions and "cli" in versions
    assert "0 stations run a vulnerable firmware version" in laddnet.ok("firmware", "vulnerable")
    assert laddnet.ok("firmware", "inventory").startswith("VENDOR")
    assert f"unmarked #{mark_id}" in laddnet.ok("firmware", "unmark", mark_id)
    again = laddnet.run("firmware", "unmark", mark_id)
    assert again.returncode == 1 and "not found" in one_line_error(again.stderr)
