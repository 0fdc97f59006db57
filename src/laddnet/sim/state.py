"""Per-EVSE simulator state and the items of the transaction-message queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class EvseState:
    """What one EVSE remembers about its connector and its current transaction."""

    evse_id: int
    status: str = "Available"
    tx_ref: int | None = None  # local key of the current transaction (1.6 ids come later)
    transaction_id: str | None = None  # 2.0.1: our uuid; 1.6: the CSMS's id once answered
    id_tag: str = ""
    seq_no: int = 0
    meter_start_wh: int = 0
    last_energy_wh: int = 0
    soc_start: int = 30
    started_at: datetime | None = None
    id_tag_status: str | None = None  # as last answered by the CSMS
    remote_start_id: int | None = None  # 2.0.1: the RequestStartTransaction that began it
    operative: bool = True  # ChangeAvailability: False reports Unavailable instead of Available
    scheduled_operative: bool | None = None  # applied when the running transaction ends

    @property
    def free(self) -> bool:
        """Operative, idle and not claimed: a session may start here."""
        return self.operative and self.tx_ref is None and self.status == "Available"


@dataclass(slots=True)
class QueuedMessage:
    """A transaction-related CALL waiting for its CALLRESULT.

    For 1.6 `tx_ref` names the transaction whose CSMS id is filled into `transactionId` at
    send time, so messages queued before the StartTransaction is answered still carry it.
    """

    action: str
    payload: dict[str, Any]
    tx_ref: int | None = None
    attempts: int = 0
    result: dict[str, Any] | None = None
    error: Exception | None = None
