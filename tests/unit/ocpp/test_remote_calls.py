"""The wire format of a command sent to the node holding a station: every error a StationLink
raises comes back, on the calling node, as the same domain error."""

from __future__ import annotations

import orjson
import pytest

from laddnet.domain.commands.model import OcppRequest
from laddnet.domain.errors import (
    InvalidInput,
    LaddnetError,
    StationDidNotAnswer,
    StationNotConnected,
    StationRejectedCall,
)
from laddnet.ocpp import remote_calls
from laddnet.ocpp.remote_calls import KIND_BY_ERROR, LINK_ERRORS, ReplyError


def test_every_reply_error_kind_is_mapped_from_a_link_error() -> None:
    assert set(KIND_BY_ERROR.values()) == set(ReplyError)
    assert set(KIND_BY_ERROR) == set(LINK_ERRORS)


def test_a_call_goes_and_comes_back_whole() -> None:
    request = OcppRequest("Reset", {"type": "Hard"})
    call = remote_calls.decode_call(remote_calls.encode_call("CP-1", request, 2.5))
    assert call == remote_calls.RemoteCall("CP-1", request, 2.5)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"[]",
        b'{"station_id": "CP-1"}',
        b'{"station_id": 1, "action": "A", "payload": {}}',
        b'{"station_id": "CP-1", "action": "A", "payload": {}, "timeout": -1}',
    ],
)
def test_a_malformed_call_is_invalid_input(data: bytes) -> None:
    with pytest.raises(InvalidInput):
        remote_calls.decode_call(data)


def test_an_answer_is_returned() -> None:
    data = remote_calls.encode_answer({"status": "Accepted"})
    assert remote_calls.decode_reply("CP-1", data) == {"status": "Accepted"}


@pytest.mark.parametrize(
    "error",
    [
        StationNotConnected("CP-1"),
        StationDidNotAnswer("station CP-1 did not answer Reset in time"),
        StationRejectedCall("NotImplemented", "no Reset here"),
        InvalidInput("not a valid Reset"),
    ],
)
def test_each_error_is_raised_again_on_the_calling_node(error: LaddnetError) -> None:
    data = remote_calls.encode_error("CP-1", error)
    with pytest.raises(type(error)) as raised:
        remote_calls.decode_reply("CP-1", data)
    assert str(raised.value) == str(error)
    if isinstance(error, StationRejectedCall):
        assert isinstance(raised.value, StationRejectedCall)
        assert (raised.value.code, raised.value.description) == ("NotImplemented", "no Reset here")


@pytest.mark.parametrize("data", [b"garbage", b"{}", b'{"error": "exploded"}', b'{"response": 1}'])
def test_an_unreadable_reply_is_a_station_that_did_not_answer(data: bytes) -> None:
    with pytest.raises(StationDidNotAnswer):
        remote_calls.decode_reply("CP-1", data)


def test_a_rejection_without_a_code_is_a_generic_error() -> None:
    with pytest.raises(StationRejectedCall) as raised:
        remote_calls.decode_reply("CP-1", orjson.dumps({"error": "rejected"}))
    assert raised.value.code == "GenericError"
