"""Laddnet's error hierarchy. Each edge (OCPP, HTTP) maps these types to its wire codes.

LaddnetError
 ├── NotFound                 something named does not exist
 │    ├── UnknownStation
 │    ├── UnknownSession
 │    ├── UnknownSite
 │    ├── UnknownWebhook
 │    └── UploadClosed         a log upload location used already or expired
 ├── InvalidInput             a request that can never succeed as sent
 │    └── UploadTooLarge       a log upload beyond the size limit
 ├── Conflict                 the request clashes with current state
 │    ├── DuplicateStation
 │    ├── DuplicateSite
 │    └── StationNotConnected  a command needs the station online
 ├── NotAuthorized            the caller may not do this
 │    └── StepUpRequired       ... without a fresh second factor
 ├── LoginFailed              wrong e-mail, password or code (never says which)
 ├── TooManyAttempts          failed logins throttled (carries retry_after)
 ├── WrongMasterKey           the master key does not open the stored keys (misconfigured)
 ├── StationDidNotAnswer      a command's CALL timed out (or its node went away)
 ├── StationRejectedCall      the station answered a command with a CALLERROR
 ├── StorageUnavailable       the database failed; the caller should retry
 ├── WebhookUnreachable       a webhook receiver gave no answer (timeout, refused, TLS)
 └── BusFailed                the message bus did not carry a request to an answer
      ├── NoResponder          nobody listens on the subject (the node is gone)
      └── BusTimeout           no reply within the request's timeout
"""


class LaddnetError(Exception):
    """Base of every error Laddnet raises on purpose."""


class NotFound(LaddnetError):
    pass


class UnknownStation(NotFound):
    pass


class UnknownSession(NotFound):
    pass


class UnknownSite(NotFound):
    pass


class UnknownWebhook(NotFound):
    pass


class UploadClosed(NotFound):
    pass


class InvalidInput(LaddnetError):
    pass


class UploadTooLarge(InvalidInput):
    pass


class Conflict(LaddnetError):
    pass


class DuplicateStation(Conflict):
    def __init__(self, station_id: str) -> None:
        super().__init__(f"station {station_id} already exists")
        self.station_id = station_id


class DuplicateSite(Conflict):
    def __init__(self, site_id: str) -> None:
        super().__init__(f"site {site_id} already exists")
        self.site_id = site_id


class StationNotConnected(Conflict):
    def __init__(self, station_id: str) -> None:
        super().__init__(f"station {station_id} is not connected")
        self.station_id = station_id


class NotAuthorized(LaddnetError):
    pass


class StationDidNotAnswer(LaddnetError):
    """A station (or the node holding it) did not answer a command within the call timeout."""


class StationRejectedCall(LaddnetError):
    """The station answered our CALL with a CALLERROR (its code and description)."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(
            f"the station answered {code}" + (f": {description}" if description else "")
        )
        self.code = code
        self.description = description


class StorageUnavailable(LaddnetError):
    pass


class WebhookUnreachable(LaddnetError):
    """No HTTP answer from a webhook receiver; the message says why, without any secret."""


class BusFailed(LaddnetError):
    """The message bus between nodes is unreachable or did not deliver a request."""


class NoResponder(BusFailed):
    """Nobody listens on the subject a request was sent to (the node has gone away)."""


class BusTimeout(BusFailed):
    """A request on the bus got no reply within its timeout."""


class LoginFailed(LaddnetError):
    """Wrong e-mail, password or code; never says which, nor whether the account exists."""


class TooManyAttempts(LaddnetError):
    """Too many failed logins for an account or from an address; try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} s")
        self.retry_after = retry_after


class WrongMasterKey(LaddnetError):
    """The configured master key does not open the keys of personal data in the database."""


class StepUpRequired(NotAuthorized):
    """The action needs a second factor given within the last five minutes."""
