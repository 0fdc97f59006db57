"""Laddnet's error hierarchy. Each edge (OCPP, HTTP) maps these types to its wire codes.

LaddnetError
 ├── NotFound                 something named does not exist
 │    ├── UnknownStation
 │    └── UnknownSession
 ├── InvalidInput             a request that can never succeed as sent
 ├── Conflict                 the request clashes with current state
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


class NotAuthorized(LaddnetError):
    pass


class StorageUnavailable(LaddnetError):
    pass
