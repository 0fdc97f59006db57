"""OCPP 2.0.1 Part 6 CSMS test cases (docs/conformance.md lists every one and its state).

Each test plays the OCTT's part with a real OCPP 2.0.1 station (the simulator, or raw frames
through it) against the real gateway and API, on both databases, and checks what the test
case's tool validations check of the CSMS: its answers, and the requests an operator has it
send. Cases Laddnet covers elsewhere already are referenced in docs/conformance.md instead.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from laddnet.domain.sessions.model import ChargingSession, SessionStatus
from laddnet.sim.answers import Answer
from laddnet.sim.station import SimStation
from tests.integration.commands.conftest import PASSWORD, Live
from tests.integration.commands.helpers import send
from tests.pki import make_ca

V = "2.0.1"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def _token(value: str) -> dict[str, str]:
    return {"idToken": value, "type": "ISO14443"}


def _answer_only(station: SimStation, action: str, status: str = "Accepted") -> None:
    """The station answers `action` with `status` and does nothing more (the test sends what
    the OCTT would send next itself)."""
    answer = Answer({"status": status})
    station.responder.table = {**station.responder.table, action: lambda _r, _p: answer}


def _calls(station: SimStation, action: str) -> list[dict[str, Any]]:
    return [p for a, p in station.received_calls if a == action]


def _meter(wh: int, minutes: float, context: str = "Sample.Periodic") -> list[dict[str, Any]]:
    sample = {
        "value": wh,
        "context": context,
        "measurand": "Energy.Active.Import.Register",
        "unitOfMeasure": {"unit": "Wh"},
    }
    return [{"timestamp": _at(minutes), "sampledValue": [sample]}]


async def _event(
    station: SimStation,
    event_type: str,
    trigger: str,
    tx: str,
    seq: int,
    minutes: float,
    **extra: Any,
) -> dict[str, Any]:
    """One TransactionEvent as the OCTT sends it; `extra`: chargingState, stoppedReason,
    idToken, evse, meterValue, offline, reservationId, remoteStartId."""
    info = {"transactionId": tx}
    for key in ("chargingState", "stoppedReason", "remoteStartId"):
        if key in extra:
            info[key] = extra.pop(key)
    payload = {
        "eventType": event_type,
        "timestamp": _at(minutes),
        "triggerReason": trigger,
        "seqNo": seq,
        "transactionInfo": info,
        **extra,
    }
    return await station.call("TransactionEvent", payload)


async def _session(live: Live, station_id: str = "CP-1") -> ChargingSession:
    items, total = await live.container.queries.sessions(station_id=station_id)
    assert total == 1, items
    return items[0]


async def _local_transaction(
    live: Live,
    start_trigger: str,
    start_state: str,
    end_trigger: str,
    stopped_reason: str,
    *,
    token: str = "TAG-1",
    token_at_start: bool = True,
    end_state: str = "EVConnected",
) -> tuple[dict[str, Any], ChargingSession]:
    """A transaction started and ended by the station; the CSMS's answer to the start, and the
    session stored."""
    station = await live.station("CP-1", V)
    start: dict[str, Any] = {
        "evse": {"id": 1, "connectorId": 1},
        "meterValue": _meter(1000, 0, "Transaction.Begin"),
    }
    if token_at_start:
        start["idToken"] = _token(token)
    first = await _event(
        station, "Started", start_trigger, "TX-1", 0, 0, chargingState=start_state, **start
    )
    seq = 1
    if not token_at_start:  # authorized after the start (E03 / E02 order)
        await _event(station, "Updated", "Authorized", "TX-1", seq, 1, idToken=_token(token))
        seq += 1
    await _event(
        station, "Updated", "MeterValuePeriodic", "TX-1", seq, 10, meterValue=_meter(2000, 10)
    )
    await _event(
        station,
        "Ended",
        end_trigger,
        "TX-1",
        seq + 1,
        20,
        chargingState=end_state,
        stoppedReason=stopped_reason,
        meterValue=_meter(3000, 20, "Transaction.End"),
    )
    await station.close()
    return first, await _session(live)


# -- A Security --------------------------------------------------------------------------------


async def _handshake(live: Live, user: str, password: str, station_id: str = "CP-1") -> int:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    try:
        async with connect(
            f"{live.ocpp_url}/{station_id}",
            subprotocols=[Subprotocol("ocpp2.0.1")],
            additional_headers={"Authorization": f"Basic {token}"},
            proxy=None,
        ):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


async def test_tc_a_01_csms_basic_authentication_valid(live: Live) -> None:
    assert await _handshake(live, "CP-1", PASSWORD) == 101
    station = await live.station("CP-1", V)  # and the boot after it (B01)
    assert station.heartbeat_interval is not None
    await station.close()


async def test_tc_a_02_csms_basic_authentication_username_not_station_id(live: Live) -> None:
    assert await _handshake(live, "CP-2", PASSWORD, station_id="CP-1") == 401


async def test_tc_a_03_csms_basic_authentication_invalid_password(live: Live) -> None:
    assert await _handshake(live, "CP-1", "not-the-password-0001") == 401


# -- B Provisioning ----------------------------------------------------------------------------


async def test_tc_b_01_csms_cold_boot_accepted(live: Live) -> None:
    station = SimStation(live.ocpp_url, "CP-1", PASSWORD, V)
    await station.connect()
    answer = await station.boot()
    assert answer["status"] == "Accepted" and answer["interval"] > 0
    assert datetime.fromisoformat(answer["currentTime"].replace("Z", "+00:00")).tzinfo
    await station.close()


async def test_tc_b_06_csms_get_variables_single_value(live: Live) -> None:
    station = await live.station("CP-1", V)
    result = await send(
        live, "CP-1", "get-configuration", {"keys": ["OCPPCommCtrlr.HeartbeatInterval"]}
    )
    sent = _calls(station, "GetVariables")[0]["getVariableData"]
    assert sent == [
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}
    ]
    assert result["response"]["getVariableResult"][0]["attributeStatus"] == "Accepted"
    await station.close()


async def test_tc_b_07_csms_get_variables_multiple_values(live: Live) -> None:
    station = await live.station("CP-1", V)
    keys = ["OCPPCommCtrlr.HeartbeatInterval", "AuthCtrlr.AuthorizeRemoteStart"]
    result = await send(live, "CP-1", "get-configuration", {"keys": keys})
    sent = _calls(station, "GetVariables")[0]["getVariableData"]
    assert [(v["component"]["name"], v["variable"]["name"]) for v in sent] == [
        ("OCPPCommCtrlr", "HeartbeatInterval"),
        ("AuthCtrlr", "AuthorizeRemoteStart"),
    ]
    assert len(result["response"]["getVariableResult"]) == 2
    await station.close()


async def test_tc_b_09_csms_set_variables_single_value(live: Live) -> None:
    station = await live.station("CP-1", V)
    body = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "120"}
    result = await send(live, "CP-1", "set-configuration", body)
    sent = _calls(station, "SetVariables")[0]["setVariableData"]
    assert sent == [
        {
            "attributeValue": "120",
            "component": {"name": "OCPPCommCtrlr"},
            "variable": {"name": "HeartbeatInterval"},
        }
    ]
    assert result["status"] == "Accepted"
    await station.close()


async def test_tc_b_10_csms_set_variables_multiple_values(live: Live) -> None:
    station = await live.station("CP-1", V)
    body = {
        "variables": [
            {"component": "OCPPCommCtrlr", "variable": "OfflineThreshold", "value": "123"},
            {"component": "AuthCtrlr", "variable": "AuthorizeRemoteStart", "value": "false"},
        ]
    }
    result = await send(live, "CP-1", "set-configuration", body)
    [sent] = _calls(station, "SetVariables")  # one request with both
    assert sent["setVariableData"] == [
        {
            "attributeValue": "123",
            "component": {"name": "OCPPCommCtrlr"},
            "variable": {"name": "OfflineThreshold"},
        },
        {
            "attributeValue": "false",
            "component": {"name": "AuthCtrlr"},
            "variable": {"name": "AuthorizeRemoteStart"},
        },
    ]
    assert result["status"] == "Accepted"
    assert len(result["response"]["setVariableResult"]) == 2
    assert station.responder.variables[("OCPPCommCtrlr", "OfflineThreshold")][0] == "123"
    stored = await live.api.get("/api/v1/stations/CP-1/configuration")
    assert stored.status_code == 200, stored.text
    values = {(i["component"], i["variable"]): i["value"] for i in stored.json()["items"]}
    assert values[("OCPPCommCtrlr", "OfflineThreshold")] == "123"
    assert values[("AuthCtrlr", "AuthorizeRemoteStart")] == "false"
    await station.close()


async def test_tc_b_12_csms_get_base_report_configuration_inventory(live: Live) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "get-configuration", {"report": "ConfigurationInventory"})
    sent = _calls(station, "GetBaseReport")[0]
    assert sent["reportBase"] == "ConfigurationInventory"
    assert isinstance(sent["requestId"], int) and sent["requestId"] >= 0
    assert result["status"] == "Accepted"
    await station.close()


async def test_tc_b_13_csms_get_base_report_full_inventory(live: Live) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "get-configuration", {})
    sent = _calls(station, "GetBaseReport")[0]
    assert sent["reportBase"] == "FullInventory" and isinstance(sent["requestId"], int)
    assert result["status"] == "Accepted"
    await station.close()


async def test_tc_b_20_csms_reset_station_without_transaction_on_idle(live: Live) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "reset", {"type": "soft"})
    assert _calls(station, "Reset") == [{"type": "OnIdle"}]
    assert result["status"] == "Accepted"
    await station.close()


async def test_tc_b_22_csms_reset_station_with_transaction_immediate(live: Live) -> None:
    station = await live.station("CP-1", V)
    await station.start_session(1, "TAG-1", timestamp=T0)
    result = await send(live, "CP-1", "reset", {"type": "hard"})
    assert _calls(station, "Reset") == [{"type": "Immediate"}]
    assert result["status"] == "Accepted"
    await station.close()


async def test_tc_b_25_csms_reset_evse_without_transaction(live: Live) -> None:
    station = await live.station("CP-1", V)
    await send(live, "CP-1", "reset", {"type": "soft", "evse_id": 1})
    assert _calls(station, "Reset") == [{"type": "OnIdle", "evseId": 1}]
    await station.close()


async def test_tc_b_27_csms_reset_evse_with_transaction_immediate(live: Live) -> None:
    station = await live.station("CP-1", V)
    await station.start_session(1, "TAG-1", timestamp=T0)
    await send(live, "CP-1", "reset", {"type": "hard", "evse_id": 1})
    assert _calls(station, "Reset") == [{"type": "Immediate", "evseId": 1}]
    await station.close()


# -- C Authorization ---------------------------------------------------------------------------


async def _authorize(live: Live, token: str) -> dict[str, Any]:
    station = await live.station("CP-1", V)
    try:
        info: dict[str, Any] = (await station.authorize(token))["idTokenInfo"]
        return info
    finally:
        await station.close()


async def test_tc_c_02_csms_local_start_authorization_invalid(live: Live) -> None:
    assert (await _authorize(live, "UNKNOWN-9"))["status"] == "Invalid"
    first, session = await _local_transaction(
        live, "Authorized", "EVConnected", "Deauthorized", "DeAuthorized", token="UNKNOWN-9"
    )
    assert first["idTokenInfo"]["status"] == "Invalid"
    assert session.status is SessionStatus.COMPLETED and session.stop_reason == "DeAuthorized"


async def test_tc_c_06_csms_local_start_authorization_blocked(live: Live) -> None:
    await live.container.authorization.add_token("BLOCKED-1", blocked=True)
    assert (await _authorize(live, "BLOCKED-1"))["status"] == "Blocked"


async def test_tc_c_07_csms_local_start_authorization_expired(live: Live) -> None:
    await live.container.authorization.add_token("OLD-1", expires_at=T0)
    assert (await _authorize(live, "OLD-1"))["status"] == "Expired"


async def test_tc_c_08_csms_authorization_cache_accepted(live: Live) -> None:
    # The station authorized from its cache and started: the CSMS answers the token's status.
    await live.container.authorization.add_token("TAG-1")
    first, _ = await _local_transaction(live, "Authorized", "Charging", "StopAuthorized", "Local")
    assert first["idTokenInfo"]["status"] == "Accepted"


async def test_tc_c_20_csms_authorization_cache_invalid(live: Live) -> None:
    first, _ = await _local_transaction(
        live, "Authorized", "Charging", "Deauthorized", "DeAuthorized", token="CACHED-GONE"
    )
    assert first["idTokenInfo"]["status"] == "Invalid"


async def test_tc_c_37_csms_clear_cache_accepted(live: Live) -> None:
    station = await live.station("CP-1", V)
    assert (await send(live, "CP-1", "clear-cache", {}))["status"] == "Accepted"
    assert _calls(station, "ClearCache") == [{}]
    await station.close()


async def test_tc_c_38_csms_clear_cache_rejected(live: Live) -> None:
    station = await live.station("CP-1", V)
    station.responder.table = {
        **station.responder.table,
        "ClearCache": lambda _r, _p: Answer({"status": "Rejected"}),
    }
    assert (await send(live, "CP-1", "clear-cache", {}))["status"] == "Rejected"
    await station.close()


async def test_tc_c_39_csms_authorization_by_group_id(live: Live) -> None:
    await live.container.authorization.add_token("CARD-A", group="FLEET-1")
    info = await _authorize(live, "CARD-A")
    assert info["status"] == "Accepted"
    assert info["groupIdToken"] == {"idToken": "FLEET-1", "type": "Central"}


# -- E Transactions ----------------------------------------------------------------------------


@pytest.fixture
async def tag(live: Live) -> str:
    await live.container.authorization.add_token("TAG-1")
    return "TAG-1"


async def _started_and_ended(
    live: Live, start_trigger: str, start_state: str, end_trigger: str, reason: str, **kw: Any
) -> ChargingSession:
    first, session = await _local_transaction(
        live, start_trigger, start_state, end_trigger, reason, **kw
    )
    assert first["idTokenInfo"]["status"] == "Accepted"
    assert session.status is SessionStatus.COMPLETED and session.stop_reason == reason
    assert session.energy_wh == 2000 and session.id_token == "TAG-1"
    return session


async def test_tc_e_01_csms_start_option_power_path_closed(live: Live, tag: str) -> None:
    await _started_and_ended(live, "ChargingStateChanged", "Charging", "StopAuthorized", "Local")


async def test_tc_e_02_csms_start_option_energy_transfer(live: Live, tag: str) -> None:
    await _started_and_ended(live, "ChargingStateChanged", "Charging", "StopAuthorized", "Local")


async def test_tc_e_03_csms_local_start_cable_plugin_first(live: Live, tag: str) -> None:
    first, session = await _local_transaction(
        live, "CablePluggedIn", "EVConnected", "StopAuthorized", "Local", token_at_start=False
    )
    assert "idTokenInfo" not in first  # nothing to answer for before a token
    assert session.id_token == "TAG-1" and session.status is SessionStatus.COMPLETED


async def test_tc_e_04_csms_local_start_authorization_first(live: Live, tag: str) -> None:
    await _started_and_ended(live, "Authorized", "EVConnected", "StopAuthorized", "Local")


async def test_tc_e_07_csms_stop_option_power_path_closed_local(live: Live, tag: str) -> None:
    await _started_and_ended(live, "Authorized", "Charging", "ChargingStateChanged", "Local")


async def test_tc_e_08_csms_stop_option_energy_transfer_stopped(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "Charging", "StopAuthorized", "Local", end_state="SuspendedEVSE"
    )


async def test_tc_e_09_csms_start_option_ev_connected(live: Live, tag: str) -> None:
    await _started_and_ended(
        live,
        "CablePluggedIn",
        "EVConnected",
        "EVCommunicationLost",
        "EVDisconnected",
        end_state="Idle",
    )


async def test_tc_e_10_csms_start_option_authorized_local(live: Live, tag: str) -> None:
    await _started_and_ended(live, "Authorized", "Idle", "StopAuthorized", "Local")


async def test_tc_e_11_csms_start_option_data_signed(live: Live, tag: str) -> None:
    await _started_and_ended(live, "SignedDataReceived", "Charging", "StopAuthorized", "Local")


async def test_tc_e_12_csms_start_option_parking_bay_occupied(live: Live, tag: str) -> None:
    await _started_and_ended(live, "EVDetected", "Idle", "StopAuthorized", "Local")


async def test_tc_e_14_csms_stop_option_ev_disconnected_station_side(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "Charging", "EVCommunicationLost", "EVDisconnected", end_state="Idle"
    )


async def test_tc_e_15_csms_stop_option_stop_authorized_local(live: Live, tag: str) -> None:
    await _started_and_ended(live, "Authorized", "Charging", "StopAuthorized", "Local")


async def test_tc_e_16_csms_stop_option_deauthorized_invalid_token(live: Live) -> None:
    first, session = await _local_transaction(
        live, "Authorized", "Charging", "Deauthorized", "DeAuthorized", token="NOT-KNOWN"
    )
    assert first["idTokenInfo"]["status"] == "Invalid"
    assert session.stop_reason == "DeAuthorized" and session.status is SessionStatus.COMPLETED


async def test_tc_e_17_csms_stop_option_deauthorized_ev_side_disconnect(live: Live) -> None:
    first, session = await _local_transaction(
        live,
        "Authorized",
        "Charging",
        "EVCommunicationLost",
        "EVDisconnected",
        token="NOT-KNOWN",
        end_state="Idle",
    )
    assert first["idTokenInfo"]["status"] == "Invalid"
    assert session.status is SessionStatus.COMPLETED


async def test_tc_e_19_csms_stop_option_parking_bay_unoccupied(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "Charging", "EVDeparted", "Local", end_state="Idle"
    )


async def test_tc_e_20_csms_stop_option_ev_disconnected_ev_side(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "Charging", "EVCommunicationLost", "EVDisconnected", end_state="Idle"
    )


async def test_tc_e_21_csms_stop_option_stop_authorized_remote(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    await station.start_session(1, "TAG-1", timestamp=T0)
    session = await _session(live)
    result = await send(live, "CP-1", "remote-stop", {"session_id": session.id})
    assert result["status"] == "Accepted"
    sent = _calls(station, "RequestStopTransaction")[0]
    assert sent == {"transactionId": session.transaction_ref}
    await station.close()


async def test_tc_e_22_csms_stop_option_energy_transfer_suspended_ev(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "Charging", "StopAuthorized", "Local", end_state="SuspendedEV"
    )


async def test_tc_e_26_csms_ev_side_disconnect_suspends_transaction(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    await _event(
        station,
        "Started",
        "Authorized",
        "TX-1",
        0,
        0,
        chargingState="Charging",
        idToken=_token("TAG-1"),
        evse={"id": 1, "connectorId": 1},
        meterValue=_meter(0, 0, "Transaction.Begin"),
    )
    answer = await _event(
        station, "Updated", "EVCommunicationLost", "TX-1", 1, 5, chargingState="SuspendedEV"
    )
    assert answer == {}
    await station.close()
    session = await _session(live)
    assert session.status is SessionStatus.ACTIVE  # suspended, not ended


async def test_tc_e_38_csms_local_start_ev_not_ready(live: Live, tag: str) -> None:
    await _started_and_ended(live, "Authorized", "SuspendedEV", "StopAuthorized", "Local")


async def test_tc_e_39_csms_stop_option_deauthorized_timeout(live: Live, tag: str) -> None:
    await _started_and_ended(
        live, "Authorized", "EVConnected", "EVConnectTimeout", "Timeout", end_state="Idle"
    )


async def test_tc_e_53_csms_accepts_seq_no_0_at_start_of_transaction(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    for n, tx in enumerate(("TX-A", "TX-B")):  # each transaction starts at seqNo 0 again
        answer = await _event(
            station,
            "Started",
            "Authorized",
            tx,
            0,
            n * 30,
            chargingState="Charging",
            idToken=_token("TAG-1"),
            evse={"id": 1, "connectorId": 1},
            meterValue=_meter(0, n * 30, "Transaction.Begin"),
        )
        assert answer["idTokenInfo"]["status"] == "Accepted"
        await _event(
            station,
            "Ended",
            "StopAuthorized",
            tx,
            1,
            n * 30 + 10,
            stoppedReason="Local",
            meterValue=_meter(500, n * 30 + 10, "Transaction.End"),
        )
    await station.close()
    items, total = await live.container.queries.sessions(station_id="CP-1")
    assert total == 2 and all(s.status is SessionStatus.COMPLETED for s in items)
    assert all(not s.incomplete for s in items)


async def _queued_offline(live: Live) -> tuple[SimStation, str]:
    """A transaction whose meter values the station queued while offline; it is back online
    (no boot: its connection was lost, it did not restart) and has not sent them yet."""
    station = await live.station("CP-1", V)
    tx = await station.start_session(1, "TAG-1", timestamp=T0)
    await station.drop()
    assert await station.meter(1, 2000, 7000, T0 + timedelta(minutes=10)) is None
    await station.connect()
    assert station.pending_transaction_messages == 1
    return station, tx


async def test_tc_e_29_csms_transaction_status_ongoing_with_message_in_queue(
    live: Live, tag: str
) -> None:
    station, tx = await _queued_offline(live)
    session = await _session(live)
    result = await send(live, "CP-1", "get-transaction-status", {"session_id": session.id})
    assert _calls(station, "GetTransactionStatus") == [{"transactionId": tx}]
    assert result["response"] == {"ongoingIndicator": True, "messagesInQueue": True}
    await station.flush()  # the queued TransactionEvent is answered
    assert station.pending_transaction_messages == 0
    again = await send(live, "CP-1", "get-transaction-status", {"transaction_id": tx})
    assert again["response"] == {"ongoingIndicator": True, "messagesInQueue": False}
    await station.close()


async def test_tc_e_30_csms_transaction_status_ongoing_without_message_in_queue(
    live: Live, tag: str
) -> None:
    station = await live.station("CP-1", V)
    tx = await station.start_session(1, "TAG-1", timestamp=T0)
    session = await _session(live)
    result = await send(live, "CP-1", "get-transaction-status", {"session_id": session.id})
    assert _calls(station, "GetTransactionStatus") == [{"transactionId": tx}]
    assert result["status"] == "Accepted"
    assert result["response"] == {"ongoingIndicator": True, "messagesInQueue": False}
    await station.close()


async def test_tc_e_31_csms_transaction_status_ended_with_message_in_queue(
    live: Live, tag: str
) -> None:
    station = await live.station("CP-1", V)
    await _event(
        station,
        "Started",
        "Authorized",
        "TX-1",
        0,
        0,
        chargingState="Charging",
        idToken=_token("TAG-1"),
        evse={"id": 1, "connectorId": 1},
        meterValue=_meter(0, 0, "Transaction.Begin"),
    )
    # Back from offline, the station sends the end first, skipping two sequence numbers.
    ended = await _event(
        station,
        "Ended",
        "EVCommunicationLost",
        "TX-1",
        3,
        30,
        chargingState="Idle",
        stoppedReason="EVDisconnected",
        offline=True,
        meterValue=_meter(3000, 30, "Transaction.End"),
    )
    assert "idTokenInfo" not in ended or ended["idTokenInfo"]["status"] == "Accepted"
    session = await _session(live)
    assert session.status is SessionStatus.COMPLETED
    # The OCTT's answer: ended, with messages still queued.
    answer = Answer({"ongoingIndicator": False, "messagesInQueue": True})
    station.responder.table = {
        **station.responder.table,
        "GetTransactionStatus": lambda _r, _p: answer,
    }
    result = await send(live, "CP-1", "get-transaction-status", {"session_id": session.id})
    assert _calls(station, "GetTransactionStatus") == [{"transactionId": "TX-1"}]
    assert result["response"] == {"ongoingIndicator": False, "messagesInQueue": True}
    # The two skipped messages follow; the CSMS answers both and the session stays ended.
    first = await _event(station, "Updated", "StopAuthorized", "TX-1", 1, 20, offline=True)
    second = await _event(
        station,
        "Updated",
        "ChargingStateChanged",
        "TX-1",
        2,
        25,
        chargingState="EVConnected",
        offline=True,
    )
    assert first == {} and second == {}
    session = await _session(live)
    assert session.status is SessionStatus.COMPLETED
    await station.close()


async def test_tc_e_33_csms_transaction_status_without_id_with_message_in_queue(
    live: Live, tag: str
) -> None:
    station, _ = await _queued_offline(live)
    result = await send(live, "CP-1", "get-transaction-status", {})
    assert _calls(station, "GetTransactionStatus") == [{}]  # transactionId omitted
    assert result["response"] == {"messagesInQueue": True}
    await station.flush()
    await station.close()


async def test_tc_e_34_csms_transaction_status_without_id_without_message_in_queue(
    live: Live,
) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "get-transaction-status", {})
    assert _calls(station, "GetTransactionStatus") == [{}]
    assert result["response"] == {"messagesInQueue": False}
    await station.close()


# -- F Remote control --------------------------------------------------------------------------


async def test_tc_f_01_csms_remote_start_cable_plugin_first(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)  # the cable is in: the CSMS's part is the same
    result = await send(live, "CP-1", "remote-start", {"id_token": "TAG-1", "evse_id": 1})
    assert result["status"] == "Accepted"
    sent = _calls(station, "RequestStartTransaction")[0]
    assert sent["idToken"] == _token("TAG-1") and sent["evseId"] == 1
    assert isinstance(sent["remoteStartId"], int)
    await station.close()


async def test_tc_f_02_csms_remote_start_first(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    _answer_only(station, "RequestStartTransaction")
    result = await send(live, "CP-1", "remote-start", {"id_token": "TAG-1"})
    sent = _calls(station, "RequestStartTransaction")[0]
    assert result["status"] == "Accepted" and sent["idToken"]["idToken"] == "TAG-1"
    remote_start_id = sent["remoteStartId"]
    # The station starts with triggerReason RemoteStart and the remoteStartId: one session.
    answer = await _event(
        station,
        "Started",
        "RemoteStart",
        "TX-R",
        0,
        0,
        chargingState="EVConnected",
        remoteStartId=remote_start_id,
        idToken=_token("TAG-1"),
        evse={"id": 1, "connectorId": 1},
    )
    assert answer["idTokenInfo"]["status"] == "Accepted"
    await station.close()


async def test_tc_f_04_csms_remote_start_cable_plugin_timeout(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    _answer_only(station, "RequestStartTransaction")
    await send(live, "CP-1", "remote-start", {"id_token": "TAG-1", "evse_id": 1})
    rsid = _calls(station, "RequestStartTransaction")[0]["remoteStartId"]
    await _event(
        station,
        "Started",
        "RemoteStart",
        "TX-T",
        0,
        0,
        remoteStartId=rsid,
        idToken=_token("TAG-1"),
        evse={"id": 1, "connectorId": 1},
    )
    answer = await _event(
        station, "Ended", "EVConnectTimeout", "TX-T", 1, 1, stoppedReason="Timeout"
    )
    assert "idTokenInfo" not in answer
    await station.close()
    session = await _session(live)
    assert session.status is SessionStatus.COMPLETED and session.stop_reason == "Timeout"


async def test_tc_f_06_csms_unlock_connector_without_transaction(live: Live) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "unlock-connector", {"evse_id": 1})
    assert _calls(station, "UnlockConnector") == [{"evseId": 1, "connectorId": 1}]
    assert result["status"] == "Unlocked"
    await station.close()


@pytest.mark.parametrize(
    ("case", "message", "evse_id"),
    [
        ("tc_f_11", "MeterValues", 1),
        ("tc_f_12", "MeterValues", None),
        ("tc_f_20", "Heartbeat", None),
        ("tc_f_23", "StatusNotification", 1),
        ("tc_f_18", "FirmwareStatusNotification", None),
        ("tc_f_15", "LogStatusNotification", None),
        ("tc_f_13", "TransactionEvent", 1),
        ("tc_f_14", "TransactionEvent", None),
    ],
)
async def test_tc_f_11_to_23_csms_trigger_message(
    live: Live, case: str, message: str, evse_id: int | None
) -> None:
    station = await live.station("CP-1", V)
    body: dict[str, Any] = {"message": message}
    if evse_id is not None:
        body["evse_id"] = evse_id
    result = await send(live, "CP-1", "trigger-message", body)
    expected: dict[str, Any] = {"requestedMessage": message}
    if evse_id is not None:
        expected["evse"] = {"id": evse_id}
    assert _calls(station, "TriggerMessage") == [expected], case
    assert result["status"] in ("Accepted", "NotImplemented"), case  # the station's word
    await station.close()


async def test_tc_f_27_csms_trigger_message_not_implemented(live: Live) -> None:
    station = await live.station("CP-1", V)
    body = {"message": "PublishFirmwareStatusNotification"}
    result = await send(live, "CP-1", "trigger-message", body)
    assert result["status"] == "NotImplemented"  # recorded as the station's answer
    await station.close()


# -- G Availability ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "body", "expected"),
    [
        (
            "tc_g_03",
            {"operative": False, "evse_id": 1},
            {"operationalStatus": "Inoperative", "evse": {"id": 1}},
        ),
        (
            "tc_g_04",
            {"operative": True, "evse_id": 1},
            {"operationalStatus": "Operative", "evse": {"id": 1}},
        ),
        ("tc_g_05", {"operative": False}, {"operationalStatus": "Inoperative"}),
        ("tc_g_06", {"operative": True}, {"operationalStatus": "Operative"}),
        (
            "tc_g_07",
            {"operative": False, "evse_id": 1, "connector_id": 1},
            {"operationalStatus": "Inoperative", "evse": {"id": 1, "connectorId": 1}},
        ),
        (
            "tc_g_08",
            {"operative": True, "evse_id": 1, "connector_id": 1},
            {"operationalStatus": "Operative", "evse": {"id": 1, "connectorId": 1}},
        ),
    ],
)
async def test_tc_g_03_to_08_csms_change_availability(
    live: Live, case: str, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    station = await live.station("CP-1", V)
    result = await send(live, "CP-1", "change-availability", body)
    assert _calls(station, "ChangeAvailability") == [expected], case
    assert result["status"] == "Accepted", case
    await station.close()


async def test_tc_g_11_14_17_csms_change_availability_with_transaction(live: Live) -> None:
    station = await live.station("CP-1", V)
    await station.start_session(1, "TAG-1", timestamp=T0)
    for body in ({"operative": False, "evse_id": 1}, {"operative": False},
                 {"operative": False, "evse_id": 1, "connector_id": 1}):  # fmt: skip
        result = await send(live, "CP-1", "change-availability", body)
        assert result["status"] in ("Scheduled", "Accepted"), body  # the station decides
    assert len(_calls(station, "ChangeAvailability")) == 3
    await station.close()


async def test_tc_g_20_csms_connector_lock_failure_notification(live: Live) -> None:
    station = await live.station("CP-1", V)
    event = {
        "eventId": 1,
        "timestamp": _at(0),
        "trigger": "Delta",
        "actualValue": "true",
        "techCode": "LockFailure",
        "eventNotificationType": "HardWiredNotification",
        "component": {"name": "ConnectorPlugRetentionLock", "evse": {"id": 1, "connectorId": 1}},
        "variable": {"name": "Problem"},
    }
    answer = await station.call(
        "NotifyEvent", {"generatedAt": _at(0), "seqNo": 0, "eventData": [event]}
    )
    assert answer == {}
    await station.close()


# -- J Meter values ----------------------------------------------------------------------------


async def test_tc_j_01_csms_clock_aligned_meter_values_no_transaction(live: Live) -> None:
    station = await live.station("CP-1", V)
    mv = _meter(1234, 0, "Sample.Clock")
    assert await station.call("MeterValues", {"evseId": 1, "meterValue": mv}) == {}
    await station.close()


async def test_tc_j_02_03_07_09_10_csms_meter_values_in_transaction_events(
    live: Live, tag: str
) -> None:
    station = await live.station("CP-1", V)
    answer = await _event(
        station,
        "Started",
        "Authorized",
        "TX-M",
        0,
        0,
        chargingState="Charging",
        idToken=_token("TAG-1"),
        evse={"id": 1, "connectorId": 1},
        meterValue=_meter(100, 0, "Transaction.Begin"),
    )
    assert answer["idTokenInfo"]["status"] == "Accepted"  # J07: Started with meter values
    await _event(
        station,
        "Updated",
        "MeterValueClock",
        "TX-M",
        1,
        15,
        meterValue=_meter(600, 15, "Sample.Clock"),
    )  # J02
    await _event(
        station, "Updated", "MeterValuePeriodic", "TX-M", 2, 20, meterValue=_meter(900, 20)
    )  # J09
    await _event(
        station,
        "Ended",
        "StopAuthorized",
        "TX-M",
        3,
        30,
        stoppedReason="Local",
        meterValue=_meter(1600, 30, "Transaction.End"),
    )  # J03, J10
    await station.close()
    session = await _session(live)
    assert session.energy_wh == 1500 and session.status is SessionStatus.COMPLETED


async def test_tc_j_08_csms_transaction_begin_meter_values_evse_not_known(
    live: Live, tag: str
) -> None:
    station = await live.station("CP-1", V)
    answer = await _event(
        station,
        "Started",
        "Authorized",
        "TX-N",
        0,
        0,
        chargingState="Charging",
        idToken=_token("TAG-1"),
        meterValue=_meter(100, 0, "Transaction.Begin"),
    )
    assert answer["idTokenInfo"]["status"] == "Accepted"
    await _event(
        station, "Updated", "ChargingStateChanged", "TX-N", 1, 1, evse={"id": 1, "connectorId": 1}
    )
    await station.close()
    assert (await _session(live)).status is SessionStatus.ACTIVE


# -- M Certificates ----------------------------------------------------------------------------


async def _certificate_command(live: Live, name: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = await live.api.post(f"/api/v1/stations/CP-1/commands/{name}", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def test_tc_m_02_csms_install_manufacturer_root_certificate(live: Live) -> None:
    station = await live.station("CP-1", V)
    root = make_ca("Vendor root").pem().decode()
    body = {"certificate_type": "manufacturer_root", "certificate": root}
    assert (await _certificate_command(live, "install-certificate", body))["status"] == "Accepted"
    sent = _calls(station, "InstallCertificate")[0]
    assert sent == {"certificateType": "ManufacturerRootCertificate", "certificate": root}
    await station.close()


async def test_tc_m_05_csms_install_ca_certificate_failed(live: Live) -> None:
    station = await live.station("CP-1", V)
    station.responder.table = {
        **station.responder.table,
        "InstallCertificate": lambda _r, _p: Answer({"status": "Failed"}),
    }
    body = {"certificate_type": "csms_root", "certificate": make_ca("Root").pem().decode()}
    assert (await _certificate_command(live, "install-certificate", body))["status"] == "Failed"
    await station.close()


async def test_tc_m_13_m_19_csms_get_installed_certificate_ids(live: Live) -> None:
    station = await live.station("CP-1", V)
    every = await _certificate_command(live, "get-installed-certificate-ids", {})  # M18
    assert _calls(station, "GetInstalledCertificateIds") == [{}]  # no type: all of them
    assert every["status"] in ("Accepted", "NotFound")
    body = {"certificate_type": "manufacturer_root"}
    result = await _certificate_command(live, "get-installed-certificate-ids", body)
    sent = _calls(station, "GetInstalledCertificateIds")[1]
    assert sent == {"certificateType": ["ManufacturerRootCertificate"]}
    assert result["status"] == "NotFound"  # M19: nothing of that type installed
    root = make_ca("Vendor root").pem().decode()
    install = {"certificate_type": "manufacturer_root", "certificate": root}
    await _certificate_command(live, "install-certificate", install)
    result = await _certificate_command(live, "get-installed-certificate-ids", body)
    assert result["status"] == "Accepted"  # M13
    assert len(result["response"]["certificateHashDataChain"]) == 1
    await station.close()


# -- L Firmware, N Diagnostics ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "steps"),
    [
        ("tc_l_02", ["Downloading", "Downloaded", "InstallScheduled", "Installing", "Installed"]),
        ("tc_l_03", ["DownloadScheduled", "Downloading", "Downloaded", "Installing", "Installed"]),
        ("tc_l_06", ["Downloading", "Downloaded", "InvalidSignature"]),
        ("tc_l_07", ["Downloading", "DownloadFailed"]),
        ("tc_l_08", ["Downloading", "Downloaded", "InstallVerificationFailed"]),
        ("tc_l_09", ["Downloading", "Downloaded", "Installing", "InstallationFailed"]),
    ],
)
async def test_tc_l_02_03_06_07_08_09_csms_firmware_status_flows(
    live: Live, case: str, steps: list[str]
) -> None:
    station = await live.station("CP-1", V)
    _answer_only(station, "UpdateFirmware")  # the test sends the station's statuses itself
    body = {"location": "https://fw.example.com/v3.bin", "retrieve_at": "2030-01-01T10:00:00Z"}
    assert (await send(live, "CP-1", "update-firmware", body))["status"] == "Accepted"
    request_id = _calls(station, "UpdateFirmware")[0]["requestId"]
    for step in steps:
        answer = await station.call(
            "FirmwareStatusNotification", {"status": step, "requestId": request_id}
        )
        assert answer == {}, case
    await station.close()
    firmware = (await live.api.get("/api/v1/stations/CP-1/firmware")).json()
    update = firmware["updates"][0]
    assert [s["status"] for s in update["statuses"]] == steps, case
    assert update["status"] == steps[-1], case


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("tc_l_04", "RevokedCertificate"),
        ("tc_l_05", "InvalidCertificate"),
        ("tc_l_10", "AcceptedCanceled"),
        ("tc_l_11", "Rejected"),
    ],
)
async def test_tc_l_04_05_10_11_csms_firmware_update_answers(
    live: Live, case: str, status: str
) -> None:
    """L04/L05: the station refuses the signing certificate in its answer; L10/L11: a second
    update while one runs, which the station cancels (AcceptedCanceled) or refuses."""
    station = await live.station("CP-1", V)
    body = {"location": "https://fw.example.com/v4.bin", "retrieve_at": "2030-01-01T10:00:00Z"}
    _answer_only(station, "UpdateFirmware")
    await send(live, "CP-1", "update-firmware", body)
    _answer_only(station, "UpdateFirmware", status)
    result = await send(live, "CP-1", "update-firmware", body)
    assert result["status"] == status and result["response"] == {"status": status}, case
    assert len(_calls(station, "UpdateFirmware")) == 2
    await station.close()


@pytest.mark.parametrize(
    ("case", "status"), [("tc_n_34", "Rejected"), ("tc_n_36", "AcceptedCanceled")]
)
async def test_tc_n_34_36_csms_get_log_rejected_and_second_request(
    live: Live, case: str, status: str
) -> None:
    live.container.operations.logs._public_url = str(live.api.base_url).rstrip("/")
    station = await live.station("CP-1", V)
    _answer_only(station, "GetLog", status)
    result = await send(live, "CP-1", "get-log", {"type": "diagnostics"})
    assert result["status"] == status, case
    sent = _calls(station, "GetLog")[0]
    assert sent["logType"] == "DiagnosticsLog" and sent["log"]["remoteLocation"].startswith("http")
    await station.close()


# -- P DataTransfer ----------------------------------------------------------------------------


async def test_tc_p_02_csms_data_transfer_unknown_vendor(live: Live) -> None:
    station = await live.station("CP-1", V)
    answer = await station.call("DataTransfer", {"vendorId": "com.unknown", "messageId": "X"})
    assert answer["status"] in ("Rejected", "UnknownVendorId", "UnknownMessageId")
    await station.close()


async def test_tc_p_03_csms_receives_custom_data(live: Live, tag: str) -> None:
    station = await live.station("CP-1", V)
    custom = {"vendorId": "com.example", "mood": "happy"}
    answer = await station.call(
        "Authorize", {"idToken": {**_token("TAG-1"), "customData": custom}, "customData": custom}
    )
    assert answer["idTokenInfo"]["status"] == "Accepted"
    assert await station.call("Heartbeat", {"customData": custom})
    await station.close()
