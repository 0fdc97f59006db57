"""The batch writer's memory of the sessions it has read or written.

Every meter value of a running session needs the session's energy state; reading the row for
each one cost more than storing the value. The writer thread is the only writer of sessions in
this process and a station is served by one connection at a time, so what the writer last
wrote is what the database holds, as long as every rollback forgets everything (the writer
calls `clear()`). On several gateway nodes sharing a database another node may have served a
station meanwhile, so a station's sessions are forgotten whenever it connects
(`forget_station`, called by the station repository).

A meter value changes a cached session's energy state in place rather than caching a new
session object: at 10,000 charging stations a new object per meter value is 10,000+ objects
alive from one meter value to the next, which every young garbage collection has to walk
(docs/performance.md). The session returned by `get` is built when asked for.

Only the writer thread touches an instance; it is not thread-safe and need not be.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from laddnet.domain.sessions.model import ChargingSession, RegisterReading

DEFAULT_LIMIT = 50_000


class _Entry:
    """A cached session and its energy state since (values the collector does not track)."""

    __slots__ = ("anomalies", "changed", "energy_wh", "last_at", "last_wh", "session")

    def __init__(self, session: ChargingSession) -> None:
        self.session = session
        self.changed = False  # energy_wh, last_* and anomalies differ from the session's
        self.energy_wh = session.energy_wh
        self.last_at: datetime | None = None
        self.last_wh: Decimal | None = None
        self.anomalies = session.anomalies

    def current(self) -> ChargingSession:
        if not self.changed:
            return self.session
        at, wh = self.last_at, self.last_wh
        last = RegisterReading(at, wh) if at is not None and wh is not None else None
        return self.session.with_energy(self.energy_wh, last, self.anomalies)


class SessionCache:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._by_id: dict[int, _Entry] = {}
        self._by_ref: dict[tuple[str, str], int] = {}
        self._by_station: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, session_id: int) -> ChargingSession | None:
        entry = self._by_id.get(session_id)
        return None if entry is None else entry.current()

    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None:
        session_id = self._by_ref.get((station_id, transaction_ref))
        return None if session_id is None else self.get(session_id)

    def put(self, session: ChargingSession) -> None:
        if session.id not in self._by_id and len(self._by_id) >= self._limit:
            self._evict_oldest()
        self._by_id[session.id] = _Entry(session)
        self._by_station.setdefault(session.station_id, set()).add(session.id)
        if session.transaction_ref is not None:
            self._by_ref[(session.station_id, session.transaction_ref)] = session.id

    def set_energy(
        self,
        session_id: int,
        energy_wh: Decimal,
        last: RegisterReading | None,
        anomalies: tuple[str, ...],
    ) -> None:
        """A cached session's billable energy brought up to date (nothing if it is not cached)."""
        entry = self._by_id.get(session_id)
        if entry is None:
            return
        entry.changed = True
        entry.energy_wh = energy_wh
        entry.last_at, entry.last_wh = (last.at, last.wh) if last is not None else (None, None)
        entry.anomalies = anomalies

    def forget(self, session_id: int) -> None:
        entry = self._by_id.pop(session_id, None)
        if entry is None:
            return
        session = entry.session
        if session.transaction_ref is not None:
            self._by_ref.pop((session.station_id, session.transaction_ref), None)
        held = self._by_station.get(session.station_id)
        if held is not None:
            held.discard(session_id)
            if not held:
                del self._by_station[session.station_id]

    def forget_station(self, station_id: str) -> None:
        for session_id in list(self._by_station.get(station_id, ())):
            self.forget(session_id)

    def clear(self) -> None:
        self._by_id.clear()
        self._by_ref.clear()
        self._by_station.clear()

    def _evict_oldest(self) -> None:
        # Dicts keep insertion order: drop the tenth that was cached first.
        for session_id in list(self._by_id)[: max(1, self._limit // 10)]:
            self.forget(session_id)
