"""Firmware integrity against real 1.6J and 2.0.1 stations on SQLite and PostgreSQL: updates
only from the repository prefix, signatures checked before a signed update is sent, the
security statuses recorded as security events, and the firmware inventory with the versions
marked vulnerable."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from laddnet.bootstrap import build
from laddnet.config import Settings
from tests.integration.commands.conftest import Live, live_gateway

PREFIX = "https://fw.example.com/releases/"
FIRMWARE = b"\x7fELF firmware image v2" * 1000
SHA256 = hashlib.sha256(FIRMWARE).hexdigest()
VERSIONS = ["1.6", "2.0.1"]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(cn: str, path_length: int = 0) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _signer(
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    key: Any,
    *,
    days: int = 30,
    usage: Any = ExtendedKeyUsageOID.CODE_SIGNING,
) -> str:
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Firmware signer"))
        .issuer_name(ca[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=2))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(ca[1], hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _sign(key: Any, data: bytes) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        raw = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:
        raw = key.sign(data, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(raw).decode()


@dataclass
class Pki:
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey]
    key: ec.EllipticCurvePrivateKey
    certificate: str


@pytest.fixture(scope="module")
def pki() -> Pki:
    ca = _ca("Firmware Signing CA")
    key = ec.generate_private_key(ec.SECP256R1())
    return Pki(ca, key, _signer(ca, key))


@pytest.fixture
async def guarded(database_url: str, tmp_path: Path, pki: Pki) -> AsyncIterator[Live]:
    ca_file = tmp_path / "firmware-ca.pem"
    ca_file.write_bytes(pki.ca[0].public_bytes(serialization.Encoding.PEM))
    settings = Settings(
        database_url=database_url,
        firmware_url_prefix=PREFIX,
        firmware_signing_ca=str(ca_file),
    )
    container = build(settings)
    try:
        async with live_gateway(container, configuration_read=True) as live:
            yield live
    finally:
        await container.aclose()


def _calls(station: Any, *actions: str) -> list[tuple[str, dict[str, Any]]]:
    return [(a, p) for a, p in station.received_calls if a in actions]


async def _security(live: Live, kind: str) -> list[dict[str, Any]]:
    async with asyncio.timeout(5):
        while True:
            rows = [e for e in await live.container.queries.security_events() if e["kind"] == kind]
            if rows:
                return rows
            await asyncio.sleep(0.05)


def _update(**extra: Any) -> dict[str, Any]:
    return {"location": PREFIX + "v2.bin", "retrieve_at": "2030-01-01T10:00:00Z", **extra}


@pytest.mark.parametrize("version", VERSIONS)
async def test_updates_outside_the_repository_are_refused_and_never_sent(
    guarded: Live, version: str
) -> None:
    station = await guarded.station("CP-1", version)
    path = "/api/v1/stations/CP-1/commands/update-firmware"
    for location in (
        "https://evil.example.com/releases/v2.bin",
        "https://fw.example.com/releases/../private/v2.bin",
        "https://fw.example.com/releases-old/v2.bin",
    ):
        refused = await guarded.api.post(path, json=_update(location=location))
        assert refused.status_code == 422, refused.text
        assert f"firmware only from {PREFIX}" in refused.json()["error"]["message"]
    assert _calls(station, "UpdateFirmware", "SignedUpdateFirmware") == []
    event = (await _security(guarded, "firmware_refused"))[0]
    assert event["station_id"] == "CP-1"
    sent = await guarded.api.post(path, json=_update())  # inside: unsigned is allowed here
    assert sent.status_code == 200, sent.text
    assert len(_calls(station, "UpdateFirmware")) == 1
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_signed_update_is_verified_then_sent_as_the_version_needs(
    guarded: Live, pki: Pki, version: str
) -> None:
    station = await guarded.station("CP-1", version)
    body = _update(
        signature=_sign(pki.key, FIRMWARE),
        signing_certificate=pki.certificate,
        firmware_sha256=SHA256,
    )
    answer = await guarded.api.post("/api/v1/stations/CP-1/commands/update-firmware", json=body)
    assert answer.status_code == 200, answer.text
    action = "SignedUpdateFirmware" if version == "1.6" else "UpdateFirmware"
    ((sent_action, sent),) = _calls(station, "UpdateFirmware", "SignedUpdateFirmware")
    assert sent_action == action
    assert sent["firmware"]["signingCertificate"] == pki.certificate
    assert sent["firmware"]["signature"] == body["signature"]
    assert "firmware_sha256" not in str(sent)  # ours, not the station's

    async def installed() -> bool:
        got = (await guarded.api.get("/api/v1/stations/CP-1/firmware")).json()
        return bool(got["updates"] and got["updates"][0]["status"] == "Installed")

    async with asyncio.timeout(5):
        while not await installed():
            await asyncio.sleep(0.05)
    await station.close()


def _intermediate(
    root: tuple[x509.Certificate, ec.EllipticCurvePrivateKey], *, ca: bool = True
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Vendor firmware intermediate CA"))
        .issuer_name(root[0].subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=180))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .sign(root[1], hashes.SHA256())
    )
    return cert, key


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


async def test_a_signing_certificate_may_chain_to_the_ca_through_intermediates_sent_with_it(
    database_url: str, tmp_path: Path
) -> None:
    """Vendors sign with a certificate of an intermediate CA: the operator trusts the root
    only, and the update carries the signing certificate followed by the intermediate."""
    root = _ca("Vendor root CA", path_length=1)  # one intermediate may follow it
    strict = _ca("Root allowing no intermediate")  # path length 0
    ca_file = tmp_path / "firmware-ca.pem"
    ca_file.write_text(_pem(root[0]) + _pem(strict[0]))
    settings = Settings(
        database_url=database_url, firmware_url_prefix=PREFIX, firmware_signing_ca=str(ca_file)
    )
    container = build(settings)
    try:
        async with live_gateway(container, configuration_read=True) as live:
            station = await live.station("CP-1", "2.0.1")
            key = ec.generate_private_key(ec.SECP256R1())
            intermediate = _intermediate(root)
            signer = _signer(intermediate, key)
            not_a_ca = _intermediate(root, ca=False)
            under_strict = _intermediate(strict)
            stranger = _intermediate(_ca("Someone else's root"))
            refused = {
                "the intermediate left out": signer,
                "an intermediate that is no CA": _signer(not_a_ca, key) + _pem(not_a_ca[0]),
                "under a root allowing none": _signer(under_strict, key) + _pem(under_strict[0]),
                "an intermediate of another root": _signer(stranger, key) + _pem(stranger[0]),
            }
            url = "/api/v1/stations/CP-1/commands/update-firmware"
            for case, pem in refused.items():
                body = _update(
                    signature=_sign(key, FIRMWARE), signing_certificate=pem, firmware_sha256=SHA256
                )
                answer = await live.api.post(url, json=body)
                assert answer.status_code == 422, (case, answer.text)
                assert "not issued by the configured" in answer.json()["error"]["message"], case
            assert _calls(station, "UpdateFirmware") == []

            chain = signer + _pem(intermediate[0])
            body = _update(
                signature=_sign(key, FIRMWARE), signing_certificate=chain, firmware_sha256=SHA256
            )
            answer = await live.api.post(url, json=body)
            assert answer.status_code == 200, answer.text
            ((_, sent),) = _calls(station, "UpdateFirmware")
            assert sent["firmware"]["signingCertificate"] == chain
            await station.close()
    finally:
        await container.aclose()


@pytest.mark.parametrize("version", VERSIONS)
async def test_bad_signatures_and_certificates_are_refused_before_sending(
    guarded: Live, pki: Pki, version: str
) -> None:
    station = await guarded.station("CP-1", version)
    other_ca = _ca("Someone else's CA")
    other_key = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    good = _sign(pki.key, FIRMWARE)
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"signature": _sign(pki.key, FIRMWARE + b"!"), "firmware_sha256": SHA256},
            "does not verify",
        ),
        ({"signature": good, "firmware_sha256": "00" * 32}, "does not verify"),
        ({"firmware_sha256": None}, "firmware_sha256: a signed update needs"),
        (
            {
                "signature": _sign(other_key, FIRMWARE),
                "signing_certificate": _signer(other_ca, other_key),
                "firmware_sha256": SHA256,
            },
            "not issued by the configured firmware signing CA",
        ),
        (
            {
                "signature": _sign(rsa_key, FIRMWARE),
                "signing_certificate": _signer(
                    pki.ca, rsa_key, usage=ExtendedKeyUsageOID.SERVER_AUTH
                ),
                "firmware_sha256": SHA256,
            },
            "extended key usage excludes code signing",
        ),
        (
            {
                "signature": _sign(pki.key, FIRMWARE),
                "signing_certificate": _signer(pki.ca, pki.key, days=-1),
                "firmware_sha256": SHA256,
            },
            "expired",
        ),
        ({"signature": "not base64!", "firmware_sha256": SHA256}, "signature: not base64"),
        ({"signing_certificate": "-----BEGIN CERTIFICATE-----\nnope\n"}, "not a PEM"),
    ]
    for extra, message in cases:
        base = {
            "signing_certificate": pki.certificate,
            "signature": good,
            "firmware_sha256": SHA256,
        }
        body = _update(**{**base, **extra})
        answer = await guarded.api.post("/api/v1/stations/CP-1/commands/update-firmware", json=body)
        assert answer.status_code == 422, (message, answer.text)
        assert message in answer.json()["error"]["message"], (message, answer.text)
    assert _calls(station, "UpdateFirmware", "SignedUpdateFirmware") == []
    refused = await _security(guarded, "firmware_refused")
    assert any("does not verify" in e["detail"] for e in refused)
    await station.close()


@pytest.mark.parametrize(
    ("version", "notification"),
    [("1.6", "SignedFirmwareStatusNotification"), ("2.0.1", "FirmwareStatusNotification")],
)
async def test_invalid_signature_status_is_recorded_and_a_security_event(
    live: Live, version: str, notification: str
) -> None:
    station = await live.station("CP-1", version)
    for status in ("Downloading", "Downloaded", "InvalidSignature"):
        await station.call(notification, {"status": status, "requestId": 7})
    event = (await _security(live, "firmware_security_status"))[0]
    assert event["station_id"] == "CP-1"
    assert "request id 7" in event["detail"] and "InvalidSignature" in event["detail"]
    await station.close()


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("answer", ["InvalidCertificate", "RevokedCertificate"])
async def test_a_station_refusing_the_signing_certificate_is_recorded(
    guarded: Live, pki: Pki, version: str, answer: str
) -> None:
    station = await guarded.station("CP-1", version)
    station.responder.signed_firmware_answer = answer
    body = _update(
        signature=_sign(pki.key, FIRMWARE),
        signing_certificate=pki.certificate,
        firmware_sha256=SHA256,
    )
    sent = await guarded.api.post("/api/v1/stations/CP-1/commands/update-firmware", json=body)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == answer
    firmware = (await guarded.api.get("/api/v1/stations/CP-1/firmware")).json()
    assert firmware["updates"][0]["status"] == answer
    event = (await _security(guarded, "firmware_security_status"))[0]
    assert f"answered {answer}" in event["detail"]
    await station.close()


async def test_inventory_and_vulnerable_versions(live: Live) -> None:
    one = await live.station("CP-1", "1.6", vendor="Acme", model="Volt-22")
    two = await live.station("CP-2", "2.0.1", vendor="Acme", model="Volt-22")
    three = await live.station("CP-3", "2.0.1", vendor="Acme", model="Volt-50")
    inventory = (await live.api.get("/api/v1/firmware")).json()["items"]
    rows = {(i["vendor"], i["model"], i["version"]): i for i in inventory}
    assert rows[("Acme", "Volt-22", "1.0.0")]["stations"] == 2
    assert rows[("Acme", "Volt-50", "1.0.0")]["stations"] == 1
    assert rows[("Acme", "Volt-22", "1.0.0")]["vulnerable"] is None

    mark = {"vendor": "Acme", "model": "Volt-22", "version": "1.0.0", "reason": "CVE-2026-0001"}
    denied = await live.viewer.post("/api/v1/firmware/vulnerable-versions", json=mark)
    assert denied.status_code == 403
    marked = await live.api.post("/api/v1/firmware/vulnerable-versions", json=mark)
    assert marked.status_code == 201, marked.text
    mark_id = marked.json()["id"]
    report = (await live.viewer.get("/api/v1/firmware/vulnerable")).json()
    assert report["total"] == 2
    assert [s["station_id"] for s in report["items"]] == ["CP-1", "CP-2"]
    assert report["items"][0]["vulnerability"]["reason"] == "CVE-2026-0001"
    assert report["items"][0]["connected"] is True
    inventory = (await live.api.get("/api/v1/firmware")).json()["items"]
    flagged = [i for i in inventory if i["vulnerable"]]
    assert [(i["model"], i["vulnerable"]["id"]) for i in flagged] == [("Volt-22", mark_id)]

    # CP-1 updates: it no longer runs the vulnerable version.
    answer = await live.api.post(
        "/api/v1/stations/CP-1/commands/update-firmware",
        json={"location": "https://fw.example.com/v2.bin", "retrieve_at": "2030-01-01T10:00:00Z"},
    )
    assert answer.status_code == 200, answer.text
    async with asyncio.timeout(5):
        while (await live.api.get("/api/v1/firmware/vulnerable")).json()["total"] != 1:
            await asyncio.sleep(0.05)
    listed = (await live.api.get("/api/v1/firmware/vulnerable-versions")).json()["items"]
    assert [v["id"] for v in listed] == [mark_id]
    gone = await live.api.delete(f"/api/v1/firmware/vulnerable-versions/{mark_id}")
    assert gone.status_code == 204
    again = await live.api.delete(f"/api/v1/firmware/vulnerable-versions/{mark_id}")
    assert again.status_code == 404
    assert (await live.api.get("/api/v1/firmware/vulnerable")).json()["total"] == 0
    for station in (one, two, three):
        await station.close()


async def test_signed_update_without_a_signing_ca_is_refused(live: Live) -> None:
    station = await live.station("CP-1", "2.0.1")
    body = _update(signature="c2lnbmF0dXJl", signing_certificate="-----BEGIN CERTIFICATE-----")
    answer = await live.api.post("/api/v1/stations/CP-1/commands/update-firmware", json=body)
    assert answer.status_code == 422
    assert "no firmware signing CA is configured" in answer.json()["error"]["message"]
    assert _calls(station, "UpdateFirmware") == []
    await station.close()


async def test_a_site_scope_sees_its_sites_stations_only(live: Live) -> None:
    await live.api.post("/api/v1/sites", json={"id": "north", "name": "N", "time_zone": "UTC"})
    moved = await live.api.patch("/api/v1/stations/CP-1", json={"site_id": "north"})
    assert moved.status_code == 200, moved.text
    one = await live.station("CP-1", "1.6")
    two = await live.station("CP-2", "2.0.1")
    mark = {"vendor": "Laddnet", "model": "Sim-1", "version": "1.0.0", "reason": "CVE-2026-0002"}
    assert (await live.api.post("/api/v1/firmware/vulnerable-versions", json=mark)).is_success
    key = await live.container.api_keys.create("viewer", sites=["north"])
    scoped = {"Authorization": f"Bearer {key}"}
    report = await live.api.get("/api/v1/firmware/vulnerable", headers=scoped)
    assert [s["station_id"] for s in report.json()["items"]] == ["CP-1"]
    inventory = await live.api.get("/api/v1/firmware", headers=scoped)
    assert [i["stations"] for i in inventory.json()["items"]] == [1]
    everyone = await live.api.get("/api/v1/firmware/vulnerable")
    assert everyone.json()["total"] == 2
    await one.close()
    await two.close()
