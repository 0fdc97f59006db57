"""One check of every value a client sends, before any endpoint sees it.

Storage cannot hold every value JSON and URLs can carry: an integer beyond 64 bits overflows a
column, a NUL character or a lone UTF-16 surrogate cannot be stored as text in PostgreSQL. Such a
value used to reach the database and come back as a 500 (or a 503, as if storage were down). This
dependency, declared once for the whole API, walks the path and query parameters and the JSON body
and refuses any such value with 422, naming where it is (`query parameter 'offset'`, `body field
'evse.id'`). Datetimes are bounded by their type (`api/params.py: Instant`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from laddnet.api.params import INT64_MAX, INT64_MIN

MAX_DEPTH = 32


def _problem(value: Any) -> str | None:
    """Why storage could not hold `value`; None if it can."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            return "integer out of range (must fit in 64 bits)"
        return None
    if isinstance(value, str):
        if "\x00" in value:
            return "must not contain NUL characters"
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return "must not contain lone UTF-16 surrogates"
    return None


def _walk(value: Any, loc: tuple[str | int, ...], depth: int = 0) -> tuple[tuple[Any, ...], str]:
    """The location and problem of the first value storage could not hold; ((), "") if none."""
    if depth > MAX_DEPTH:
        return loc, f"nested deeper than {MAX_DEPTH} levels"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _walk(key, (*loc, str(key)), depth + 1)
            if not found[1]:
                found = _walk(item, (*loc, str(key)), depth + 1)
            if found[1]:
                return found
        return (), ""
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _walk(item, (*loc, index), depth + 1)
            if found[1]:
                return found
        return (), ""
    problem = _problem(value)
    return (loc, problem) if problem else ((), "")


def _refuse(loc: tuple[Any, ...], problem: str, value: Any) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": loc, "msg": problem, "input": str(value)[:100]}]
    )


async def guard_input(request: Request) -> None:
    """Refuse, with 422 naming it, any parameter or body value that storage cannot hold."""
    for name, value in request.path_params.items():
        if problem := _problem(value):
            raise _refuse(("path", name), problem, value)
    for name, value in request.query_params.multi_items():
        if problem := _problem(value):
            raise _refuse(("query", name), problem, value)
    for name, value in request.headers.items():
        if problem := _problem(value):
            raise _refuse(("header", name), problem, value)
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return  # no body, or one the endpoint streams itself (log uploads): left unread
    if "json" not in request.headers.get("content-type", ""):
        return
    if not await request.body():  # read by FastAPI already: this is its cached copy
        return  # an empty body: FastAPI's own validation answers
    try:
        body = await request.json()
    except ValueError:
        return  # not JSON: FastAPI's own validation answers
    loc, problem = _walk(body, ("body",))
    if problem:
        raise _refuse(loc, problem, "")
