"""The HTTP edge's one table from error types to status codes, and the JSON error body.

Every error leaves as `{"error": {"code": "...", "message": "..."}}`: domain errors, request
validation errors, HTTP errors raised by FastAPI/Starlette (404 route, 405, 401) and crashes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from laddnet.domain.errors import (
    Conflict,
    InvalidInput,
    LaddnetError,
    LoginFailed,
    NotAuthorized,
    NotFound,
    StationDidNotAnswer,
    StationRejectedCall,
    StepUpRequired,
    StorageUnavailable,
    TooManyAttempts,
    UploadClosed,
    UploadTooLarge,
)

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[LaddnetError], tuple[int, str]] = {
    UploadClosed: (410, "gone"),
    UploadTooLarge: (413, "too_large"),
    NotFound: (404, "not_found"),
    InvalidInput: (422, "invalid_input"),
    Conflict: (409, "conflict"),
    NotAuthorized: (403, "forbidden"),
    StepUpRequired: (403, "step_up_required"),
    LoginFailed: (401, "unauthorized"),
    TooManyAttempts: (429, "too_many_requests"),
    StationDidNotAnswer: (504, "station_timeout"),
    StationRejectedCall: (502, "station_error"),
    StorageUnavailable: (503, "storage_unavailable"),
}

_PARAMETER_SOURCES = ("query", "path", "header", "cookie")
# Pydantic's wording for these is terse; say what a client has to change.
_VALIDATION_MESSAGES = {
    "timezone_aware": "must carry a timezone (e.g. 2025-01-31T08:00:00Z or +01:00); "
    "naive datetimes are ambiguous",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def status_for(error: LaddnetError) -> tuple[int, str] | None:
    """The (status, code) of the nearest mapped ancestor, so subclasses inherit their parent's."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return None


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One line naming each offending field: `query parameter 'since': must carry ...`."""
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in _PARAMETER_SOURCES:
            field = f"{loc[0]} parameter '{'.'.join(loc[1:])}'"
        elif loc and loc[0] == "body":
            field = "body" if len(loc) == 1 else f"body field '{'.'.join(loc[1:])}'"
        else:
            field = "'" + ".".join(loc) + "'"
        message = _VALIDATION_MESSAGES.get(err.get("type", ""), err.get("msg", "is invalid"))
        parts.append(f"{field}: {message}")
    return "; ".join(parts) or "invalid request"


async def _laddnet_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LaddnetError)
    mapped = status_for(exc)
    if mapped is None:
        log.error("unmapped error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "internal server error")
    status, code = mapped
    # Our own errors carry messages written for the caller; the storage one says only "retry".
    message = "storage unavailable; retry later" if status == 503 else str(exc) or code
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
    return error_response(status, code, message, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "validation_error", describe_validation_errors(exc.errors()))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
    return error_response(exc.status_code, code, message, dict(exc.headers or {}))


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's ServerErrorMiddleware re-raises after this response, so the server logs it.
    return error_response(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LaddnetError, _laddnet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing, malformed, unknown or revoked API key"},
    422: {"model": ErrorBody, "description": "Invalid parameters; the message names the field"},
    503: {"model": ErrorBody, "description": "Storage unavailable; retry later"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorBody, "description": "The key's role may not change anything (viewer)"},
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such resource"},
}
