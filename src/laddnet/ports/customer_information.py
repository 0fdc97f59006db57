"""Customer information reports: the parts stations send, their data sealed by the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class CustomerInformationStore(Protocol):
    def add_part(
        self,
        station_id: str,
        request_id: int,
        seq_no: int,
        data_enc: str,
        tbc: bool,
        generated_at: datetime,
        now: datetime,
    ) -> bool: ...
    def parts(self, station_id: str, request_id: int) -> list[dict[str, Any]]: ...


__all__ = ["CustomerInformationStore"]
