"""Precompiled validators over the official JSON schemas shipped by the `ocpp` package."""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema
import orjson

from laddnet.ocpp.errors import SCHEMA_RULE_KINDS, V16, ErrorKind, OcppError

Validator = Callable[[Any], Any]


def _schema_file(subprotocol: str, action: str, response: bool) -> str:
    if subprotocol == V16:
        return f"{action}Response.json" if response else f"{action}.json"
    return f"{action}Response.json" if response else f"{action}Request.json"


def _package(subprotocol: str) -> str:
    return "ocpp.v16" if subprotocol == V16 else "ocpp.v201"


@cache
def validator(subprotocol: str, action: str, response: bool = False) -> Validator | None:
    """The compiled validator for one message, or None if the version has no such action."""
    folder = importlib.resources.files(_package(subprotocol)) / "schemas"
    path = folder / _schema_file(subprotocol, action, response)
    if not path.is_file():
        return None
    schema = orjson.loads(path.read_bytes())
    schema.pop("$schema", None)  # draft-04/06 ids: the keywords used are common to both
    compiled: Validator = fastjsonschema.compile(schema, use_default=False)
    return compiled


def validate(subprotocol: str, action: str, payload: Any, response: bool = False) -> None:
    """Raise OcppError with the kind the spec prescribes if `payload` violates the schema."""
    check = validator(subprotocol, action, response)
    if check is None:
        raise OcppError(ErrorKind.NOT_IMPLEMENTED, f"unknown action {action}")
    try:
        check(payload)
    except fastjsonschema.JsonSchemaValueException as exc:
        kind = SCHEMA_RULE_KINDS.get(exc.rule or "", ErrorKind.FORMAT)
        raise OcppError(kind, _describe(exc)) from None


def _describe(exc: fastjsonschema.JsonSchemaValueException) -> str:
    # fastjsonschema names the path as "data.field"; keep only the path and the rule.
    path = (exc.name or "data").removeprefix("data").lstrip(".") or "payload"
    return f"{path}: violates '{exc.rule}'"[:250]
