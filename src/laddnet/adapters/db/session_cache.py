"""The batch writer's memory of the sessions it has read or written.

Every meter value of a running session needs the session's energy state; reading the row for
each one cost more than storing the value. The writer thread is the only writer of sessions in
this process and a station is served by one connection at a time, so what the writer last
wrote is what the database holds, as long as every rollback forgets everything (the writer
calls `clear()`). On several gateway nodes sharing a database another node may have served a
station meanwhile, so a station's sessions are forgotten whenever it connects
(`forget_station`, called by the station repository).

Only the writer thread touches an instance; it is not thread-safe and need not be.
"""

from __future__ import annotations

from laddnet.domain.sessions.model import ChargingSession

DEFAULT_LIMIT = 50_000


class SessionCache:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._by_id: dict[int, ChargingSession] = {}
        self._by_ref: dict[tuple[str, str], int] = {}
        self._by_station: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, session_id: int) -> ChargingSession | None:
        return self._by_id.get(session_id)

    def by_ref(self, station_id: str, transaction_ref: str) -> ChargingSession | None:
        session_id = self._by_ref.get((station_id, transaction_ref))
        return None if session_id is None else self._by_id.get(session_id)

    def put(self, session: ChargingSession) -> None:
        if session.id not in self._by_id and len(self._by_id) >= self._limit:
            self._evict_oldest()
        self._by_id[session.id] = session
        self._by_station.setdefault(session.station_id, set()).add(session.id)
        if session.transaction_ref is not None:
            self._by_ref[(session.station_id, session.transaction_ref)] = session.id

    def forget(self, session_id: int) -> None:
        session = self._by_id.pop(session_id, None)
        if session is None:
            return
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
