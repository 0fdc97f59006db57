"""Laddnet's error hierarchy. Each edge (OCPP, HTTP) maps these types to its wire codes.

LaddnetError
 ├── NotFound                 something named does not exist
 │    ├── UnknownStation
 │    └── UnknownSession
 ├── InvalidInput             a request that can never succeed as sent
 ├── Conflict                 the request clashes with current state
 │    └── DuplicateStation
 ├── NotAuthorized            the caller may not do this
 └── StorageUnavailable       the database failed; the caller should retry
"""


class LaddnetError(Exception):
    """Base of every error Laddnet raises on purpose."""


class NotFound(LaddnetError):
    pass


class UnknownStation(NotFound):
    pass


class UnknownSession(NotFound):
    pass


class InvalidInput(LaddnetError):
    pass


class Conflict(LaddnetError):
    pass


class DuplicateStation(Conflict):
    def __init__(self, station_id: str) -> None:
        super().__init__(f"station {station_id} already exists")
        self.station_id = station_id


class NotAuthorized(LaddnetError):
    pass


class StorageUnavailable(LaddnetError):
    pass
