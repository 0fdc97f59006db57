"""Assembling a customer information report from its NotifyCustomerInformation parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from laddnet.domain.operations.customer_information import CustomerInformationPart, assemble

T0 = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)


def _part(seq_no: int, data: str, tbc: bool) -> CustomerInformationPart:
    return CustomerInformationPart(seq_no, data, tbc, T0 + timedelta(seconds=seq_no))


def test_parts_are_joined_in_seq_no_order_and_complete_with_the_last() -> None:
    report = assemble(7, [_part(1, "b", True), _part(2, "c", False), _part(0, "a", True)])
    assert (report.request_id, report.parts, report.complete, report.data) == (7, 3, True, "abc")
    assert report.generated_at == T0 + timedelta(seconds=2)


def test_a_missing_part_leaves_the_report_incomplete() -> None:
    report = assemble(7, [_part(0, "a", True), _part(2, "c", False)])
    assert (report.parts, report.complete, report.data) == (2, False, "ac")


def test_more_to_come_is_incomplete_and_nothing_is_empty() -> None:
    assert assemble(1, [_part(0, "a", True)]).complete is False
    empty = assemble(1, [])
    assert (empty.parts, empty.complete, empty.data, empty.generated_at) == (0, False, "", None)


def test_a_part_sent_twice_counts_once() -> None:
    report = assemble(1, [_part(0, "a", True), _part(0, "x", True), _part(1, "b", False)])
    assert (report.parts, report.complete, report.data) == (2, True, "ab")
