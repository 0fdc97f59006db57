"""Customer information (OCPP 2.0.1 N09/N10): the report a station sends, in parts, about one
customer (an id token, a customer certificate or a customer identifier) after a
CustomerInformationRequest; each NotifyCustomerInformation part has a seqNo (from 0) and tbc
(more parts follow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CustomerInformationPart:
    seq_no: int
    data: str
    tbc: bool
    generated_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerReport:
    """The parts received so far, in order; complete once the part without tbc and every part
    before it have come."""

    request_id: int
    parts: int
    complete: bool
    data: str
    generated_at: datetime | None


def assemble(request_id: int, parts: Sequence[CustomerInformationPart]) -> CustomerReport:
    """Parts in seqNo order, joined; a part sent twice counts once (the first kept)."""
    ordered: dict[int, CustomerInformationPart] = {}
    for part in sorted(parts, key=lambda p: p.seq_no):
        ordered.setdefault(part.seq_no, part)
    items = list(ordered.values())
    last = next((p for p in items if not p.tbc), None)
    complete = last is not None and [p.seq_no for p in items[: last.seq_no + 1]] == list(
        range(last.seq_no + 1)
    )
    return CustomerReport(
        request_id=request_id,
        parts=len(items),
        complete=complete,
        data="".join(p.data for p in items),
        generated_at=max((p.generated_at for p in items), default=None),
    )
