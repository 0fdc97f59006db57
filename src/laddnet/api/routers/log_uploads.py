"""Where stations upload the logs they were asked for (GetDiagnostics, GetLog). No API key:
the one-time token in the path is the credential. Stations send a multipart form with one file
(most do) or the raw file; the body is counted as it arrives and refused beyond the limit."""

from __future__ import annotations

import email.parser
import email.policy

from fastapi import APIRouter, Request

from laddnet.api.deps import ContainerDep
from laddnet.api.errors import ErrorBody
from laddnet.domain.errors import InvalidInput, UploadTooLarge

router = APIRouter(tags=["log uploads"])


async def _bounded_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise UploadTooLarge(f"the upload exceeds {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise UploadTooLarge(f"the upload exceeds {limit} bytes")
    return bytes(body)


def _file_of(content_type: str, body: bytes) -> tuple[str | None, bytes]:
    """The first file of a multipart form (its field name does not matter)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    chosen = next((p for p in parts if p.get_filename()), parts[0] if parts else None)
    if chosen is None:
        raise InvalidInput("a multipart upload without a part")
    payload = chosen.get_payload(decode=True)
    return chosen.get_filename(), payload if isinstance(payload, bytes) else b""


async def upload_log(token: str, request: Request, container: ContainerDep) -> dict[str, int]:
    logs = container.operations.logs
    await logs.check_token(token)
    body = await _bounded_body(request, logs.max_bytes)
    content_type = request.headers.get("content-type", "")
    filename = None
    if content_type.startswith("multipart/"):
        filename, body = _file_of(content_type, body)
    await logs.receive(token, filename, body)
    return {"size_bytes": len(body)}


for _method in ("POST", "PUT"):
    router.add_api_route(
        "/api/v1/log-uploads/{token}",
        upload_log,
        methods=[_method],
        status_code=201,
        operation_id=f"upload_log_{_method.lower()}",
        summary="A station uploads a requested log file (one-time location)",
        responses={
            404: {"model": ErrorBody, "description": "No upload at this location"},
            410: {"model": ErrorBody, "description": "The location was used already or expired"},
            413: {"model": ErrorBody, "description": "The file exceeds the size limit"},
        },
    )
