"""OCPP 2.0.1 Part 6 CSMS test cases of customer information (N09/N10: TC_N_27-32, TC_N_62)
and of the master pass (C16: TC_C_47-49); docs/conformance.md lists them.

A real OCPP 2.0.1 station (the simulator) against the real gateway and API, on both databases:
the CSMS's CustomerInformationRequest as the tool validations check it, the station's
NotifyCustomerInformation parts answered, stored encrypted and read back assembled; and the
answers to a master pass's Authorize and TransactionEvents.
"""

from __future__ import annotations

from typing import Any

from laddnet.domain.ids import StationId
from laddnet.domain.sessions.model import SessionStatus
from laddnet.sim.station import SimStation
from tests.conformance.ocpp201.test_csms_cases_201 import _calls, _event, _meter, _token
from tests.integration.commands.conftest import Live
from tests.integration.commands.helpers import eventually, send

V = "2.0.1"
# More than one NotifyCustomerInformation part (at most 512 characters each): 2 parts.
DATA = "TAG-1: 12 sessions at CP-1 since 2026-01-01; cached Accepted. " * 12


async def _report(live: Live, command_id: int, station_id: str = "CP-1") -> dict[str, Any]:
    answer = await live.api.get(f"/api/v1/stations/{station_id}/customer-information/{command_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _complete_report(live: Live, command_id: int) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        report = await _report(live, command_id)
        return report if report["complete"] else None

    return await eventually(probe)


def _sent(station: SimStation) -> dict[str, Any]:
    calls = _calls(station, "CustomerInformation")
    assert len(calls) == 1, calls
    return calls[0]


async def _ask(
    live: Live, body: dict[str, Any], *, data: str | None, key: str = "token:tag-1"
) -> tuple[SimStation, dict[str, Any], dict[str, Any]]:
    """The station (holding `data` about the customer `key`), the command's result and the
    CustomerInformationRequest it sent."""
    station = await live.station("CP-1", V)
    if data is not None:
        station.responder.customer_data[key] = data
    result = await send(live, "CP-1", "customer-information", body)
    return station, result, _sent(station)


# -- N09 Get Customer Information -----------------------------------------------------------


async def test_tc_n_27_csms_get_customer_information_accepted_with_data(live: Live) -> None:
    body = {"id_token": "TAG-1", "id_token_type": "ISO14443"}
    station, result, sent = await _ask(live, body, data=DATA)
    assert result["status"] == "Accepted"
    assert sent["report"] is True and sent["clear"] is False
    assert sent["idToken"] == _token("TAG-1") and isinstance(sent["requestId"], int)
    report = await _complete_report(live, result["command_id"])
    assert report["parts"] == 2 and report["data"] == DATA
    assert report["request_id"] == sent["requestId"] and report["status"] == "Accepted"
    # Personal data: stored encrypted, never as sent.
    rows = await live.container.database.read(
        lambda uow: uow.customer_information.parts(StationId("CP-1"), sent["requestId"])
    )
    assert [r["seq_no"] for r in rows] == [0, 1]
    assert all(r["data_enc"].startswith("v1.") and "TAG-1" not in r["data_enc"] for r in rows)
    assert station.responder.customer_data["token:tag-1"] == DATA  # a report clears nothing
    await station.close()


async def test_tc_n_28_csms_get_customer_information_accepted_no_data(live: Live) -> None:
    station, result, sent = await _ask(live, {"id_token": "TAG-1"}, data=None)
    assert result["status"] == "Accepted"
    assert (sent["report"], sent["clear"], sent["idToken"]) == (True, False, _token("TAG-1"))
    report = await _complete_report(live, result["command_id"])
    assert (report["parts"], report["data"]) == (1, "")
    await station.close()


async def test_tc_n_29_csms_get_customer_information_not_accepted(live: Live) -> None:
    station = await live.station("CP-1", V)
    station.responder.customer_information_answer = "Rejected"
    result = await send(live, "CP-1", "customer-information", {"id_token": "TAG-1"})
    assert result["status"] == "Rejected"
    sent = _sent(station)
    assert (sent["report"], sent["idToken"]) == (True, _token("TAG-1"))
    report = await _report(live, result["command_id"])
    assert (report["parts"], report["complete"], report["status"]) == (0, False, "Rejected")
    await station.close()


# -- N10 Clear Customer Information ---------------------------------------------------------


async def test_tc_n_30_csms_clear_customer_information_and_report_with_data(live: Live) -> None:
    body = {"id_token": "TAG-1", "clear": True}
    station, result, sent = await _ask(live, body, data=DATA)
    assert result["status"] == "Accepted"
    assert (sent["report"], sent["clear"], sent["idToken"]) == (True, True, _token("TAG-1"))
    assert (await _complete_report(live, result["command_id"]))["data"] == DATA
    assert "token:tag-1" not in station.responder.customer_data
    await station.close()


async def test_tc_n_31_csms_clear_customer_information_and_report_no_data(live: Live) -> None:
    station, result, sent = await _ask(live, {"id_token": "TAG-1", "clear": True}, data=None)
    assert result["status"] == "Accepted"
    assert (sent["report"], sent["clear"], sent["idToken"]) == (True, True, _token("TAG-1"))
    assert (await _complete_report(live, result["command_id"]))["data"] == ""
    await station.close()


async def test_tc_n_32_csms_clear_customer_information_no_report(live: Live) -> None:
    body = {"id_token": "TAG-1", "clear": True, "report": False}
    station, result, sent = await _ask(live, body, data=DATA)
    assert result["status"] == "Accepted"
    assert (sent["report"], sent["clear"], sent["idToken"]) == (False, True, _token("TAG-1"))
    assert "token:tag-1" not in station.responder.customer_data
    assert (await _report(live, result["command_id"]))["parts"] == 0
    await station.close()


async def test_tc_n_62_csms_clear_and_report_by_customer_identifier(live: Live) -> None:
    body = {"customer_identifier": "OpenChargeAlliance", "clear": True}
    station, result, sent = await _ask(
        live, body, data="contract OCA-1", key="customer:OpenChargeAlliance"
    )
    assert result["status"] == "Accepted"
    assert (sent["report"], sent["clear"]) == (True, True)
    assert sent["customerIdentifier"] == "OpenChargeAlliance" and "idToken" not in sent
    assert (await _complete_report(live, result["command_id"]))["data"] == "contract OCA-1"
    assert station.responder.customer_data == {}
    await station.close()


async def test_customer_information_names_one_customer_and_needs_2_0_1(live: Live) -> None:
    url = "/api/v1/stations/CP-1/commands/customer-information"
    both = {"id_token": "TAG-1", "customer_identifier": "X"}
    assert (await live.api.post(url, json=both)).status_code == 422
    nothing = {"id_token": "TAG-1", "report": False}
    assert (await live.api.post(url, json=nothing)).status_code == 422
    station = await live.station("CP-1", "1.6")
    answer = await live.api.post(url, json={"id_token": "TAG-1"})
    assert answer.status_code == 422 and "1.6" in answer.text
    assert _calls(station, "CustomerInformation") == []
    await station.close()


async def test_customer_information_report_needs_drivers_read(live: Live) -> None:
    station, result, _ = await _ask(live, {"id_token": "TAG-1"}, data=DATA)
    await _complete_report(live, result["command_id"])
    path = f"/api/v1/stations/CP-1/customer-information/{result['command_id']}"
    assert (await live.viewer.get(path)).status_code == 403
    assert (await live.api.get("/api/v1/stations/CP-2/customer-information/1")).status_code == 404
    audit = await live.api.get("/api/v1/audit", params={"action": "customer_information.read"})
    entries = audit.json()["items"]
    assert entries and entries[0]["target_id"] == "CP-1"
    assert entries[0]["detail"]["command_id"] == result["command_id"]
    await station.close()


# -- C16 Stop Transaction with a Master Pass --------------------------------------------------

MASTER_GROUP = "MASTERPASS"  # the station's AuthCtrlr.MasterPassGroupId


async def _charging(live: Live, *evse_tokens: tuple[int, str]) -> SimStation:
    """Transactions TX-<evse> started with the tokens given (EnergyTransferStarted)."""
    station = await live.station("CP-1", V)
    for evse, token in evse_tokens:
        first = await _event(
            station,
            "Started",
            "Authorized",
            f"TX-{evse}",
            0,
            0,
            chargingState="Charging",
            idToken=_token(token),
            evse={"id": evse, "connectorId": 1},
            meterValue=_meter(1000, 0, "Transaction.Begin"),
        )
        assert first["idTokenInfo"]["status"] == "Accepted"
    return station


async def _stopped(station: SimStation, evse: int, token: str) -> dict[str, Any]:
    return await _event(
        station,
        "Ended",
        "StopAuthorized",
        f"TX-{evse}",
        1,
        10,
        chargingState="EVConnected",
        stoppedReason="MasterPass",
        idToken=_token(token),
        meterValue=_meter(2000, 10, "Transaction.End"),
    )


async def _master_pass(live: Live) -> None:
    for tag in ("TAG-1", "TAG-2"):
        await live.container.authorization.add_token(tag)
    await live.container.authorization.add_token("MASTER-1", group=MASTER_GROUP)


def _master_info(info: dict[str, Any]) -> None:
    assert info["status"] == "Accepted"
    assert info["groupIdToken"]["idToken"] == MASTER_GROUP


async def _all_stopped_by_master_pass(live: Live) -> None:
    items, total = await live.container.queries.sessions(station_id="CP-1")
    assert total == 2
    for session in items:
        assert session.status is SessionStatus.COMPLETED and session.stop_reason == "MasterPass"
        assert session.id_token in ("TAG-1", "TAG-2")  # the master pass stopped, not started


async def test_tc_c_47_csms_master_pass_with_ui_all_transactions(live: Live) -> None:
    await _master_pass(live)
    station = await _charging(live, (1, "TAG-1"), (2, "TAG-2"))
    _master_info((await station.authorize("MASTER-1"))["idTokenInfo"])
    for evse in (1, 2):
        _master_info((await _stopped(station, evse, "MASTER-1"))["idTokenInfo"])
    await _all_stopped_by_master_pass(live)
    await station.close()


async def test_tc_c_48_csms_master_pass_with_ui_specific_transaction(live: Live) -> None:
    await _master_pass(live)
    station = await _charging(live, (1, "TAG-1"), (2, "TAG-2"))
    _master_info((await station.authorize("MASTER-1"))["idTokenInfo"])
    _master_info((await _stopped(station, 1, "MASTER-1"))["idTokenInfo"])
    items, _ = await live.container.queries.sessions(station_id="CP-1")
    stopped = {s.transaction_ref: s.stop_reason for s in items}
    assert stopped == {"TX-1": "MasterPass", "TX-2": None}  # the other one charges on
    await station.close()


async def test_tc_c_49_csms_master_pass_without_ui(live: Live) -> None:
    await _master_pass(live)
    station = await _charging(live, (1, "TAG-1"), (2, "TAG-2"))
    _master_info((await station.authorize("MASTER-1"))["idTokenInfo"])
    for evse, token in ((1, "TAG-1"), (2, "TAG-2")):  # the Ended events carry their own token
        answer = await _stopped(station, evse, token)
        assert answer["idTokenInfo"]["status"] == "Accepted"
    await _all_stopped_by_master_pass(live)
    await station.close()
