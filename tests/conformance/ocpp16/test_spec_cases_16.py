"""OCPP 1.6 conformance of the Central System, from the SHALL / MUST sentences of the 1.6
specification (edition 2), OCPP-J 1.6 and the 1.6 errata, each test named after the section it
proves (there is no public 1.6 test-case document; docs/conformance.md lists every case).

Real 1.6 stations (the simulator, or raw frames through it) against the real gateway and API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from laddnet.domain.sessions.model import SessionStatus
from laddnet.sim.station import SimStation
from tests.integration.commands.conftest import PASSWORD, Live
from tests.integration.commands.helpers import send

V = "1.6"
T0 = "2026-11-02T08:00:00Z"


def _calls(station: SimStation, action: str) -> list[dict[str, Any]]:
    return [p for a, p in station.received_calls if a == action]


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- 4 Operations initiated by the Charge Point ------------------------------------------------


async def test_cs16_4_1_authorize_is_answered_with_the_idtags_status(live: Live) -> None:
    """4.1: "Upon receipt of an Authorize.req PDU, the Central System SHALL respond with an
    Authorize.conf PDU. This response PDU SHALL indicate whether or not the idTag is accepted"."""
    await live.container.authorization.add_token("TAG-OK")
    await live.container.authorization.add_token("TAG-BLOCKED", blocked=True)
    await live.container.authorization.add_token("TAG-OLD", expires_at=_time(T0))
    station = await live.station("CP-1", V)
    answers = [
        (await station.authorize(t))["idTagInfo"]["status"]
        for t in ("TAG-OK", "TAG-BLOCKED", "TAG-OLD", "TAG-UNKNOWN")
    ]
    assert answers == ["Accepted", "Blocked", "Expired", "Invalid"]
    await station.close()


async def test_cs16_errata_3_58_idtag_is_a_case_insensitive_cistring20(live: Live) -> None:
    """Errata 3.58 (section 7.15): CiString20Type is "A case insensitive string with a maximum
    length of 20 characters": an idTag in another case is the same idTag."""
    await live.container.authorization.add_token("04A1B2C3")
    station = await live.station("CP-1", V)
    for tag in ("04A1B2C3", "04a1b2c3", "04a1B2c3"):
        assert (await station.authorize(tag))["idTagInfo"]["status"] == "Accepted", tag
    await station.close()


async def test_cs16_4_2_boot_notification_is_answered_with_status_time_and_interval(
    live: Live,
) -> None:
    """4.2: "The Central System SHALL respond to indicate whether it will accept the Charge
    Point" (BootNotification.conf: status, currentTime, interval)."""
    station = SimStation(live.ocpp_url, "CP-1", PASSWORD, V)
    await station.connect()
    answer = await station.boot()
    assert answer["status"] == "Accepted" and answer["interval"] > 0
    assert abs((_time(answer["currentTime"]) - datetime.now(UTC)).total_seconds()) < 60
    await station.close()


async def test_cs16_4_4_diagnostics_status_notification_is_answered(live: Live) -> None:
    """4.4: "Upon receipt of a DiagnosticsStatusNotification.req PDU, the Central System SHALL
    respond with a DiagnosticsStatusNotification.conf"."""
    station = await live.station("CP-1", V)
    assert await station.call("DiagnosticsStatusNotification", {"status": "Idle"}) == {}
    await station.close()


async def test_cs16_4_5_firmware_status_notification_is_answered(live: Live) -> None:
    """4.5: "Upon receipt of a FirmwareStatusNotification.req PDU, the Central System SHALL
    respond with a FirmwareStatusNotification.conf"."""
    station = await live.station("CP-1", V)
    for status in ("Downloading", "DownloadFailed", "Idle"):
        assert await station.call("FirmwareStatusNotification", {"status": status}) == {}
    await station.close()


async def test_cs16_4_6_heartbeat_answer_contains_the_current_time(live: Live) -> None:
    """4.6: "the Central System SHALL respond with a Heartbeat.conf. The response PDU SHALL
    contain the current time of the Central System"."""
    station = await live.station("CP-1", V)
    answer = await station.heartbeat()
    assert abs((_time(answer["currentTime"]) - datetime.now(UTC)).total_seconds()) < 60
    await station.close()


async def test_cs16_4_7_meter_values_are_answered_even_when_implausible(live: Live) -> None:
    """4.7: "the Central System SHALL respond with a MeterValues.conf" and "The outcome of such
    sanity checks SHOULD NOT ever cause the Central System to not respond"."""
    station = await live.station("CP-1", V)
    for wh in ("5000", "10", "-3"):  # a register going backwards, and below zero
        sample = {"value": wh, "measurand": "Energy.Active.Import.Register", "unit": "Wh"}
        payload = {"connectorId": 1, "meterValue": [{"timestamp": T0, "sampledValue": [sample]}]}
        assert await station.call("MeterValues", payload) == {}
    await station.close()


async def test_cs16_4_8_start_transaction_verifies_the_idtag_and_always_answers(
    live: Live,
) -> None:
    """4.8: "The Central System MUST verify validity of the identifier in the
    StartTransaction.req PDU" and answers with a transactionId even for an invalid one (the
    sanity checks "SHOULD NOT ever cause the Central System to not respond")."""
    await live.container.authorization.add_token("TAG-1")
    station = await live.station("CP-1", V)
    answers = []
    for connector, tag in ((1, "TAG-1"), (2, "NOT-KNOWN")):
        start = {"connectorId": connector, "idTag": tag, "meterStart": 0, "timestamp": T0}
        answers.append(await station.call("StartTransaction", start))
    assert [a["idTagInfo"]["status"] for a in answers] == ["Accepted", "Invalid"]
    assert len({a["transactionId"] for a in answers}) == 2
    await station.close()


async def test_cs16_4_9_status_notification_is_answered(live: Live) -> None:
    """4.9: "Upon receipt of a StatusNotification.req PDU, the Central System SHALL respond with
    a StatusNotification.conf"."""
    station = await live.station("CP-1", V)
    payload = {
        "connectorId": 1,
        "errorCode": "ConnectorLockFailure",
        "status": "Faulted",
        "timestamp": T0,
    }
    assert await station.call("StatusNotification", payload) == {}
    await station.close()


async def test_cs16_4_10_stop_transaction_is_answered_and_cannot_be_prevented(
    live: Live,
) -> None:
    """4.10: "the Central System SHALL respond with a StopTransaction.conf PDU" and "The Central
    System cannot prevent a transaction from stopping": a stop with an invalid idTag ends the
    transaction, and the answer says the idTag is Invalid."""
    await live.container.authorization.add_token("TAG-1")
    station = await live.station("CP-1", V)
    start = {"connectorId": 1, "idTag": "TAG-1", "meterStart": 0, "timestamp": T0}
    tx = (await station.call("StartTransaction", start))["transactionId"]
    stop = {
        "transactionId": tx,
        "idTag": "SOMEONE-ELSE",
        "meterStop": 700,
        "timestamp": "2026-11-02T09:00:00Z",
    }
    answer = await station.call("StopTransaction", stop)
    assert answer["idTagInfo"]["status"] == "Invalid"
    await station.close()
    session = await live.container.queries.session(int(tx))
    assert session is not None and session.status is SessionStatus.COMPLETED


# -- 5 Operations initiated by the Central System ----------------------------------------------


async def test_cs16_5_2_change_availability_is_sent(live: Live) -> None:
    """5.2: "The Central System SHALL send a ChangeAvailability.req PDU for requesting a Charge
    Point to change its availability"."""
    station = await live.station("CP-1", V)
    await send(live, "CP-1", "change-availability", {"operative": False, "evse_id": 1})
    await send(live, "CP-1", "change-availability", {"operative": True})
    assert _calls(station, "ChangeAvailability") == [
        {"connectorId": 1, "type": "Inoperative"},
        {"connectorId": 0, "type": "Operative"},
    ]
    await station.close()


async def test_cs16_5_4_clear_cache_is_sent(live: Live) -> None:
    """5.4: "The Central System SHALL send a ClearCache.req PDU for clearing the Charge Point's
    Authorization Cache"."""
    station = await live.station("CP-1", V)
    assert (await send(live, "CP-1", "clear-cache", {}))["status"] == "Accepted"
    assert _calls(station, "ClearCache") == [{}]
    await station.close()


async def test_cs16_5_8_get_configuration_is_sent(live: Live) -> None:
    """5.8: "To retrieve the value of configuration settings, the Central System SHALL send a
    GetConfiguration.req PDU"."""
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "get-configuration", {"keys": ["HeartbeatInterval"]})
    assert _calls(station, "GetConfiguration") == [{"key": ["HeartbeatInterval"]}]
    assert result["response"]["configurationKey"][0]["key"] == "HeartbeatInterval"
    await station.close()


async def test_cs16_5_10_get_local_list_version_is_sent(live: Live) -> None:
    """5.10: "The Central System SHALL send a GetLocalListVersion.req PDU to request this
    value" (the version number of the Local Authorization List)."""
    station = await live.station("CP-1", V)
    empty = await send(live, "CP-1", "get-local-list-version", {})
    assert empty["response"] == {"listVersion": 0}  # 0: no list
    await send(live, "CP-1", "send-local-list", {"version": 4, "update": "full", "tokens": []})
    result = await send(live, "CP-1", "get-local-list-version", {})
    assert _calls(station, "GetLocalListVersion") == [{}, {}]
    assert result["status"] == "Accepted" and result["response"] == {"listVersion": 4}
    await station.close()


async def test_cs16_5_14_reset_is_sent(live: Live) -> None:
    """5.14: "The Central System SHALL send a Reset.req PDU for requesting a Charge Point to
    reset itself"."""
    station = await live.station("CP-1", V)
    await send(live, "CP-1", "reset", {"type": "soft"})
    assert _calls(station, "Reset") == [{"type": "Soft"}]
    await station.close()


async def test_cs16_5_18_unlock_connector_is_sent(live: Live) -> None:
    """5.18: "the Central System SHALL send an UnlockConnector.req PDU to the Charge Point"."""
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "unlock-connector", {"evse_id": 2})
    assert _calls(station, "UnlockConnector") == [{"connectorId": 2}]
    assert result["status"] == "Unlocked"
    await station.close()


# -- OCPP-J 1.6 --------------------------------------------------------------------------------


async def test_csj16_4_1_3_unknown_message_type_is_ignored(live: Live) -> None:
    """OCPP-J 4.1.3: "When a server receives a message with a Message Type Number not in this
    list, it SHALL ignore the message payload" (1.6 has no MessageTypeNotSupported)."""
    station = await live.station("CP-1", V)
    await station.send_raw('[7, "m-7", "Heartbeat", {}]')
    answer = await station.heartbeat()  # the connection goes on; nothing came for m-7
    assert "currentTime" in answer
    try:
        frame = await station.recv_raw(0.5)
    except TimeoutError:
        frame = None
    assert frame is None
    await station.close()


async def test_csj16_4_1_4_callresult_carries_the_calls_message_id(live: Live) -> None:
    """OCPP-J 4.1.4: "A message ID for a CALLRESULT or CALLERROR message MUST be equal to that
    of the request"."""
    station = await live.station("CP-1", V)
    for message_id in ("a-1", "ZZ-some-long-id-0000000000000000000"):
        await station.send_raw(orjson.dumps([2, message_id, "Heartbeat", {}]).decode())
        frame = await station.recv_raw(5)
        assert frame[:2] == [3, message_id]
    await station.close()
