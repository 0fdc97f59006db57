"""CALLERROR codes of each OCPP version, and the one table from our errors to them."""

from __future__ import annotations

from enum import StrEnum

from laddnet.domain.errors import InvalidInput, LaddnetError, NotAuthorized, StorageUnavailable

V16 = "ocpp1.6"
V201 = "ocpp2.0.1"


class ErrorKind(StrEnum):
    """Version-neutral error kinds; `code_for` spells them as each version does."""

    NOT_IMPLEMENTED = "NotImplemented"
    NOT_SUPPORTED = "NotSupported"
    INTERNAL = "InternalError"
    PROTOCOL = "ProtocolError"
    SECURITY = "SecurityError"
    FORMAT = "FormatViolation"
    PROPERTY_CONSTRAINT = "PropertyConstraintViolation"
    OCCURRENCE_CONSTRAINT = "OccurrenceConstraintViolation"
    TYPE_CONSTRAINT = "TypeConstraintViolation"
    GENERIC = "GenericError"
    RPC_FRAMEWORK = "RpcFrameworkError"
    MESSAGE_TYPE_NOT_SUPPORTED = "MessageTypeNotSupported"


# OCPP-J 1.6 keeps its original spellings (errata 5.1/5.2: "do not fix") and lacks the 2.0.1
# framework codes, which fall back to the closest 1.6 code.
_V16_CODES: dict[ErrorKind, str] = {
    ErrorKind.NOT_IMPLEMENTED: "NotImplemented",
    ErrorKind.NOT_SUPPORTED: "NotSupported",
    ErrorKind.INTERNAL: "InternalError",
    ErrorKind.PROTOCOL: "ProtocolError",
    ErrorKind.SECURITY: "SecurityError",
    ErrorKind.FORMAT: "FormationViolation",
    ErrorKind.PROPERTY_CONSTRAINT: "PropertyConstraintViolation",
    ErrorKind.OCCURRENCE_CONSTRAINT: "OccurenceConstraintViolation",
    ErrorKind.TYPE_CONSTRAINT: "TypeConstraintViolation",
    ErrorKind.GENERIC: "GenericError",
    ErrorKind.RPC_FRAMEWORK: "FormationViolation",
    ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED: "NotSupported",
}
_V201_CODES: dict[ErrorKind, str] = {kind: kind.value for kind in ErrorKind}


def code_for(kind: ErrorKind, subprotocol: str) -> str:
    return (_V16_CODES if subprotocol == V16 else _V201_CODES)[kind]


class OcppError(Exception):
    """Raised while handling a CALL; the RPC core answers it as a CALLERROR."""

    def __init__(self, kind: ErrorKind, description: str = "") -> None:
        super().__init__(description or kind.value)
        self.kind = kind
        self.description = description


# JSON-schema keywords (the last step of the failing schema path) → the error kind the specs define.
SCHEMA_RULE_KINDS: dict[str, ErrorKind] = {
    "required": ErrorKind.OCCURRENCE_CONSTRAINT,
    "minItems": ErrorKind.OCCURRENCE_CONSTRAINT,
    "maxItems": ErrorKind.OCCURRENCE_CONSTRAINT,
    "type": ErrorKind.TYPE_CONSTRAINT,
    "enum": ErrorKind.PROPERTY_CONSTRAINT,
    "maxLength": ErrorKind.PROPERTY_CONSTRAINT,
    "minLength": ErrorKind.PROPERTY_CONSTRAINT,
    "minimum": ErrorKind.PROPERTY_CONSTRAINT,
    "maximum": ErrorKind.PROPERTY_CONSTRAINT,
    "format": ErrorKind.PROPERTY_CONSTRAINT,
    "pattern": ErrorKind.PROPERTY_CONSTRAINT,
    "multipleOf": ErrorKind.PROPERTY_CONSTRAINT,
    "additionalProperties": ErrorKind.FORMAT,
}

# Our own error types → the kind a station is told. Internals never reach the station.
DOMAIN_ERROR_KINDS: list[tuple[type[LaddnetError], ErrorKind]] = [
    (StorageUnavailable, ErrorKind.INTERNAL),
    (InvalidInput, ErrorKind.PROPERTY_CONSTRAINT),
    (NotAuthorized, ErrorKind.SECURITY),
]


def kind_for_domain_error(exc: LaddnetError) -> ErrorKind:
    for error_type, kind in DOMAIN_ERROR_KINDS:
        if isinstance(exc, error_type):
            return kind
    return ErrorKind.GENERIC
