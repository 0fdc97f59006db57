"""Commands to stations: one route per command (its own documented body), the command log, and
one command to many stations at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ValidationError

from laddnet.api.deps import ContainerDep, PageDep, WriterDep
from laddnet.api.errors import (
    NOT_FOUND_RESPONSE,
    WRITE_RESPONSES,
    ErrorBody,
    describe_validation_errors,
    status_for,
)
from laddnet.api.schemas.commands import (
    BODIES,
    Body,
    BulkCommandIn,
    BulkCommandOut,
    BulkError,
    BulkItem,
    CommandOut,
    CommandPage,
    CommandRecordOut,
)
from laddnet.domain.commands.model import CommandName
from laddnet.domain.errors import InvalidInput, NotFound, UnknownStation
from laddnet.domain.ids import StationId

router = APIRouter(tags=["commands"])

COMMAND_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND_RESPONSE,
    **WRITE_RESPONSES,
    409: {"model": ErrorBody, "description": "The station is not connected"},
    502: {"model": ErrorBody, "description": "The station answered with a CALLERROR"},
    504: {"model": ErrorBody, "description": "The station did not answer in time"},
}


def _wire(body: Body | None) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_none=True) if body is not None else {}


def _command_endpoint(name: CommandName, model: type[Body]) -> Callable[..., Awaitable[CommandOut]]:
    async def send(
        station_id: str, container: ContainerDep, principal: WriterDep, body: Body | None = None
    ) -> CommandOut:
        result = await container.commands.send(
            StationId(station_id), name, _wire(body), principal.actor
        )
        return CommandOut(
            command_id=result.command_id, status=result.status, response=result.response
        )

    # The route's body is this command's model; a command without required fields may be
    # sent without a body.
    required = any(f.is_required() for f in model.model_fields.values())
    send.__annotations__["body"] = model if required else model | None
    if required:
        send.__defaults__ = None
    return send


def _add_command_routes() -> None:
    for name, model in BODIES.items():
        router.add_api_route(
            f"/stations/{{station_id}}/commands/{name.value}",
            _command_endpoint(name, model),
            methods=["POST"],
            summary=f"Send {name.value} to a station and return its answer",
            description=(model.__doc__ or "")
            + "\n\nThe same command for OCPP 1.6J and 2.0.1 stations; each is recorded.",
            responses=COMMAND_RESPONSES,
            response_model=CommandOut,
            operation_id=f"command_{name.value.replace('-', '_')}",
        )


_add_command_routes()


@router.post(
    "/stations/{station_id}/commands/{name}",
    summary="Any other name: not a command",
    responses=NOT_FOUND_RESPONSE,
    include_in_schema=False,
)
async def unknown_command(station_id: str, name: str, _: WriterDep) -> None:
    known = ", ".join(BODIES)
    raise NotFound(f"no command named {name!r}; commands: {known}")


@router.get(
    "/stations/{station_id}/commands",
    summary="The commands sent to a station, newest first, with their outcomes",
    responses=NOT_FOUND_RESPONSE,
)
async def command_log(
    station_id: str,
    container: ContainerDep,
    page: PageDep,
    name: Annotated[CommandName | None, Query(description="Only this command")] = None,
) -> CommandPage:
    records, total = await container.commands.history(
        StationId(station_id),
        name=name.value if name else None,
        limit=page.limit,
        offset=page.offset,
    )
    return CommandPage(
        items=[CommandRecordOut.from_domain(r) for r in records],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "/commands",
    summary="Send one command to many stations; each station answers on its own",
    responses=WRITE_RESPONSES,
)
async def bulk_command(
    request: BulkCommandIn, container: ContainerDep, principal: WriterDep
) -> BulkCommandOut:
    model = BODIES.get(request.command)
    if model is None:
        raise InvalidInput(f"command: {request.command} cannot be sent to many stations")
    try:
        body = model.model_validate(request.body)
    except ValidationError as exc:
        raise InvalidInput(describe_validation_errors(_nested(exc))) from None
    if principal.sites is not None:  # a site scope: stations elsewhere do not exist for it
        for station_id in request.station_ids:
            station = await container.queries.station(StationId(station_id))
            if station is None or not principal.sees_site(station.site_id):
                raise UnknownStation(f"station {station_id!r} not found")
    results = await container.commands.send_many(
        [StationId(s) for s in request.station_ids], request.command, _wire(body), principal.actor
    )
    items = []
    for r in results:
        if r.result is not None:
            items.append(
                BulkItem(
                    station_id=r.station_id,
                    http_status=200,
                    command_id=r.result.command_id,
                    status=r.result.status,
                    response=r.result.response,
                )
            )
            continue
        assert r.error is not None
        status, code = status_for(r.error) or (500, "internal_error")
        message = str(r.error) if status != 503 else "storage unavailable; retry later"
        items.append(
            BulkItem(
                station_id=r.station_id,
                http_status=status,
                error=BulkError(code=code, message=message),
            )
        )
    return BulkCommandOut(items=items)


def _nested(exc: ValidationError) -> list[dict[str, Any]]:
    """Errors of the inner body, located as `body field 'body.<field>'`."""
    return [{**e, "loc": ("body", "body", *e["loc"])} for e in exc.errors()]
