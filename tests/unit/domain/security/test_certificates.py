"""What a station's certificate signing request must show before the station CA signs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from laddnet.domain.security.certificates import (
    CertificateUse,
    CsrFacts,
    KeyType,
    StationCertificate,
    csr_problem,
)

GOOD = CsrFacts("CP-1", "Laddnet CPO", KeyType.EC, 256, signature_valid=True)


def test_a_good_csr_has_no_problem() -> None:
    assert csr_problem(GOOD, "CP-1") is None
    assert csr_problem(CsrFacts("CP-1", None, KeyType.RSA, 2048, True), "CP-1") is None


@pytest.mark.parametrize(
    ("facts", "named"),
    [
        (CsrFacts("CP-2", None, KeyType.EC, 256, True), "subject CN 'CP-2' is not the station"),
        (CsrFacts(None, None, KeyType.EC, 256, True), "subject CN None"),
        (CsrFacts("CP-1", None, KeyType.RSA, 1024, True), "RSA key of 1024 bits"),
        (CsrFacts("CP-1", None, KeyType.EC, 192, True), "elliptic-curve key of 192 bits"),
        (CsrFacts("CP-1", None, KeyType.OTHER, 256, True), "neither RSA nor"),
        (CsrFacts("CP-1", None, KeyType.EC, 256, False), "signature does not verify"),
    ],
)
def test_csr_problems_are_named(facts: CsrFacts, named: str) -> None:
    problem = csr_problem(facts, "CP-1")
    assert problem is not None
    assert named in problem


def test_cn_comparison_is_exact() -> None:
    assert csr_problem(CsrFacts("cp-1", None, KeyType.EC, 256, True), "CP-1") is not None


def test_expiry_horizon() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    cert = StationCertificate(
        "CP-1", "0a", "CN=CP-1", "CN=CA", now - timedelta(days=300), now + timedelta(days=20),
        "ff", CertificateUse.STATION, now, "pem",
    )  # fmt: skip
    assert cert.expires_within(now, 30)
    assert not cert.expires_within(now, 10)
