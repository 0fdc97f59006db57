"""Signed meter values reach the CDR exactly as the stations sent them (1.6 and 2.0.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.ocpp.conftest import Running
from tests.integration.ocpp.test_cdrs import T0, _booted, _event, _on_site_with_tariff

OCMF = (
    'OCMF|{"FV":"1.0","GI":"ACME","RD":[{"TM":"2026-11-02T08:00:00,000+0000 S","RV":1.0,'
    '"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"3045022100AB"}'
)


async def test_a_16_stations_signed_data_is_on_the_cdr_as_sent(running: Running) -> None:
    await _on_site_with_tariff(running)
    station = await _booted(running, "1.6")
    tx = await station.start_session(1, "TAG-1", meter_start_wh=1000, timestamp=T0)
    signed_end = {
        "timestamp": (T0 + timedelta(minutes=30)).isoformat(),
        "sampledValue": [
            {"value": "3000", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
            {"value": OCMF, "format": "SignedData", "context": "Transaction.End"},
        ],
    }
    stop = {
        "transactionId": int(tx),
        "meterStop": 3000,
        "timestamp": (T0 + timedelta(minutes=30)).isoformat(),
        "transactionData": [signed_end],
    }
    await station.call("StopTransaction", stop)
    await station.call("StopTransaction", stop)  # re-sent: stored once
    await station.close()
    assert await running.container.cdrs.issue_pending() == 1
    cdr = await running.container.cdrs.for_session(int(tx))
    assert [(s.data, s.context) for s in cdr.signed_meter_values] == [(OCMF, "Transaction.End")]
    assert cdr.priced.energy_wh == 2000


async def test_a_201_stations_signed_meter_value_is_on_the_cdr_as_sent(running: Running) -> None:
    await _on_site_with_tariff(running)
    station = await _booted(running, "2.0.1")
    started = _event(
        0, "Started", 0, 0, "Charging",
        evse={"id": 1, "connectorId": 1}, idToken={"idToken": "TAG-1", "type": "ISO14443"},
    )  # fmt: skip
    await station.call("TransactionEvent", started)
    ended: dict[str, Any] = _event(1, "Ended", 20, 4000, "EVConnected")
    ended["meterValue"][0]["sampledValue"][0]["signedMeterValue"] = {
        "signedMeterData": "AP///////wAAAAA=",
        "signingMethod": "ECDSA-secp256r1-SHA256",
        "encodingMethod": "EDL",
        "publicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
    }
    await station.call("TransactionEvent", ended)
    await station.close()
    assert await running.container.cdrs.issue_pending() == 1
    sessions, _ = await running.container.queries.sessions(station_id="CP-1")
    cdr = await running.container.cdrs.for_session(sessions[0].id)
    [signed] = cdr.signed_meter_values
    assert (signed.data, signed.signing_method, signed.encoding_method) == (
        "AP///////wAAAAA=",
        "ECDSA-secp256r1-SHA256",
        "EDL",
    )
    assert signed.public_key == "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
