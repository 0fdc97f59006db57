"""The checks an update-firmware command passes before it is sent (no signing CA here; the
signature checks themselves run in tests/integration/operations/test_firmware_integrity.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from laddnet.domain.errors import InvalidInput
from laddnet.services.handlers.firmware_policy import FirmwarePolicy

NOW = datetime(2026, 12, 6, tzinfo=UTC)
BODY = {"location": "https://fw.example.com/releases/v2.bin", "retrieve_at": "2030-01-01T00:00Z"}


def test_unsigned_updates_pass_unless_signatures_are_required() -> None:
    FirmwarePolicy(url_prefix="https://fw.example.com/releases/").check(dict(BODY), NOW)
    with pytest.raises(InvalidInput, match="only signed firmware updates"):
        FirmwarePolicy(require_signature=True).check(dict(BODY), NOW)


def test_half_a_signature_and_signatures_without_a_ca_are_refused() -> None:
    with pytest.raises(InvalidInput, match="both signature and signing_certificate"):
        FirmwarePolicy().check({**BODY, "signature": "c2ln"}, NOW)
    signed = {**BODY, "signature": "c2ln", "signing_certificate": "PEM"}
    with pytest.raises(InvalidInput, match="no firmware signing CA is configured"):
        FirmwarePolicy().check(signed, NOW)


def test_the_location_is_checked_first() -> None:
    policy = FirmwarePolicy(url_prefix="https://fw.example.com/releases/")
    with pytest.raises(InvalidInput, match="firmware only from"):
        policy.check({**BODY, "location": "https://elsewhere.example/v2.bin"}, NOW)
