"""`laddnet station <command> ID ...`: commands to a station, sent through the HTTP API of the
running `laddnet serve` (the CLI is another process; only the server holds station sockets),
and `laddnet station commands ID`, the command log.

The server is `--api-url` (default http://HOST:HTTP_PORT from the settings); the key is
`--api-key` or `LADDNET_API_KEY`. httpx is imported only when a command runs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

Body = Callable[[argparse.Namespace], dict[str, Any]]
CLIENT_TIMEOUT = 90.0  # longer than the server's call timeout: its 504 is the better answer


def _set_configuration(a: argparse.Namespace) -> dict[str, Any]:
    from laddnet.cli import CliError

    if a.set:
        if a.key is not None or a.component is not None or a.variable is not None or a.value:
            raise CliError("give --set (2.0.1, repeatable) or --value with --key / --component")
        return {"variables": [_variable_value(item) for item in a.set]}
    if a.value is None:
        raise CliError("set-configuration needs --value (or --set Component.Variable=VALUE)")
    if a.key is None and (a.component is None or a.variable is None):
        raise CliError("set-configuration needs --key (1.6) or --component and --variable (2.0.1)")
    if a.key is not None and (a.component is not None or a.variable is not None):
        raise CliError("give --key (1.6) or --component and --variable (2.0.1), not both")
    names = {"key": a.key, "component": a.component, "variable": a.variable}
    return {"value": a.value, **{k: v for k, v in names.items() if v is not None}}


def _variable_value(item: str) -> dict[str, str]:
    """`Component.Variable=VALUE` -> a variables entry of set-configuration (2.0.1)."""
    from laddnet.cli import CliError

    name, sep, value = item.partition("=")
    component, dot, variable = name.partition(".")
    if not sep or not dot or not component or not variable:
        raise CliError(f"--set {item!r}: write it as Component.Variable=VALUE")
    return {"component": component, "variable": variable, "value": value}


def _some(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


BODIES: dict[str, tuple[str, Body]] = {
    "reset": ("reset the station (soft or hard)", lambda a: {"type": a.type}),
    "unlock-connector": (
        "unlock a connector",
        lambda a: _some(evse_id=a.evse, connector_id=a.connector),
    ),
    "change-availability": (
        "make the station, an EVSE or a connector operative or inoperative",
        lambda a: _some(operative=a.operative, evse_id=a.evse, connector_id=a.connector),
    ),
    "remote-start": (
        "start a session for an id token",
        lambda a: _some(id_token=a.id_token, evse_id=a.evse),
    ),
    "remote-stop": ("stop a session (Laddnet's session id)", lambda a: {"session_id": a.session}),
    "trigger-message": (
        "ask the station to send a message now",
        lambda a: _some(message=a.message, evse_id=a.evse),
    ),
    "clear-cache": ("clear the station's authorization cache", lambda a: {}),
    "get-configuration": (
        "read configuration keys (2.0.1: Component.Variable)",
        lambda a: _some(keys=a.key, report=a.report),
    ),
    "set-configuration": ("set a configuration key or variable", _set_configuration),
    "data-transfer": (
        "send a vendor-specific DataTransfer",
        lambda a: _some(vendor_id=a.vendor_id, message_id=a.message_id, data=a.data),
    ),
    "update-firmware": (
        "have the station download and install firmware",
        lambda a: _some(
            location=a.location,
            retrieve_at=a.retrieve_at,
            retries=a.retries,
            retry_interval=a.retry_interval,
            install_at=a.install_at,
            signature=a.signature,
            signing_certificate=_read(a.signing_certificate) if a.signing_certificate else None,
            firmware_sha256=a.sha256,
        ),
    ),
    "get-log": (
        "have the station upload its diagnostics or security log to Laddnet",
        lambda a: _some(type=a.type, since=a.since, until=a.until),
    ),
    "reserve-now": (
        "reserve an EVSE for an id token",
        lambda a: _some(id_token=a.id_token, evse_id=a.evse, expires_at=a.expires_at),
    ),
    "cancel-reservation": (
        "cancel a reservation",
        lambda a: {"reservation_id": a.reservation},
    ),
    "install-certificate": (
        "install a CA certificate on the station",
        lambda a: {"certificate_type": a.type, "certificate": _read(a.file)},
    ),
    "delete-certificate": (
        "delete a CA certificate from the station (its hash data)",
        lambda a: {
            "hash_algorithm": a.hash_algorithm,
            "issuer_name_hash": a.issuer_name_hash,
            "issuer_key_hash": a.issuer_key_hash,
            "serial_number": a.serial_number,
        },
    ),
    "get-installed-certificate-ids": (
        "list the CA certificates installed on the station",
        lambda a: _some(certificate_type=a.type),
    ),
    "send-local-list": (
        "send the station its local authorization list",
        lambda a: {"version": a.list_version, "update": a.update, "tokens": _tokens(a.token)},
    ),
    "customer-information": (
        "have a 2.0.1 station report and/or clear what it holds about a customer",
        lambda a: _some(
            id_token=a.id_token,
            customer_identifier=a.customer_identifier,
            report=a.report,
            clear=a.clear,
        ),
    ),
    "get-transaction-status": (
        "ask a 2.0.1 station whether a transaction goes on and messages wait in its queue",
        lambda a: _some(session_id=a.session, transaction_id=a.transaction_id),
    ),
    "get-local-list-version": (
        "read the version of the station's local authorization list",
        lambda a: {},
    ),
}


def _tokens(given: list[str] | None) -> list[dict[str, str]]:
    """`TAG` or `TAG:STATUS` (Accepted, Blocked, Expired, Invalid) -> local-list entries."""
    tokens = []
    for item in given or []:
        tag, _, status = item.partition(":")
        tokens.append({"id_token": tag, "status": status or "Accepted"})
    return tokens


def register(station: Any) -> None:
    """Add the command subcommands to `laddnet station` (an argparse subparsers action)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("station_id", metavar="ID")
    common.add_argument("--api-url", help="the running server (default http://HOST:HTTP_PORT)")
    common.add_argument("--api-key", help="API key (default: LADDNET_API_KEY)")
    common.add_argument("--json", action="store_true", help="print the server's raw answer")
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name, (summary, body) in BODIES.items():
        p = station.add_parser(name, parents=[common], help=summary, description=summary)
        p.set_defaults(command=cmd_send, command_name=name, body=body)
        parsers[name] = p
    parsers["reset"].add_argument("--type", required=True, choices=["soft", "hard"])
    for name in ("unlock-connector", "change-availability", "remote-start", "trigger-message"):
        parsers[name].add_argument("--evse", type=int, required=name == "unlock-connector")
    for name in ("unlock-connector", "change-availability"):
        parsers[name].add_argument("--connector", type=int)
    state = parsers["change-availability"].add_mutually_exclusive_group(required=True)
    state.add_argument("--operative", dest="operative", action="store_true", default=None)
    state.add_argument("--inoperative", dest="operative", action="store_false")
    parsers["remote-start"].add_argument("--id-token", required=True)
    parsers["remote-stop"].add_argument("--session", type=int, required=True, help="session id")
    status = parsers["get-transaction-status"].add_mutually_exclusive_group()
    status.add_argument("--session", type=int, help="Laddnet's session id (ongoing or ended)")
    status.add_argument("--transaction-id", help="the station's own transaction id")
    parsers["trigger-message"].add_argument(
        "--message", required=True, help="StatusNotification, BootNotification, MeterValues, ..."
    )
    parsers["get-configuration"].add_argument(
        "--key", action="append", help="a key to read (repeatable; default: all)"
    )
    parsers["get-configuration"].add_argument(
        "--report",
        choices=["FullInventory", "ConfigurationInventory"],
        help="OCPP 2.0.1 without --key: the base report asked for (default FullInventory)",
    )
    setc = parsers["set-configuration"]
    setc.add_argument("--key", help="OCPP 1.6 configuration key")
    setc.add_argument("--component", help="OCPP 2.0.1 component")
    setc.add_argument("--variable", help="OCPP 2.0.1 variable")
    setc.add_argument("--value")
    setc.add_argument(
        "--set",
        action="append",
        metavar="COMPONENT.VARIABLE=VALUE",
        help="OCPP 2.0.1: one of several variables set in one request (repeatable)",
    )
    transfer = parsers["data-transfer"]
    transfer.add_argument("--vendor-id", required=True)
    transfer.add_argument("--message-id")
    transfer.add_argument("--data")
    _operation_arguments(parsers)
    _certificate_arguments(parsers)
    customer = parsers["customer-information"]
    who = customer.add_mutually_exclusive_group(required=True)
    who.add_argument("--id-token")
    who.add_argument("--customer-identifier")
    customer.add_argument("--clear", action="store_true", help="delete the customer's data")
    customer.add_argument(
        "--no-report", dest="report", action="store_false", help="clear only, report nothing"
    )
    p = station.add_parser(
        "customer-report",
        parents=[common],
        help="the report a station sent for a customer-information command",
    )
    p.add_argument("--command", dest="command_id", type=int, required=True, help="command id")
    p.set_defaults(command=cmd_customer_report)
    p = station.add_parser(
        "commands", parents=[common], help="the commands sent to a station, newest first"
    )
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(command=cmd_log)


def _read(path: str) -> str:
    from laddnet.cli import CliError

    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def _certificate_arguments(parsers: dict[str, argparse.ArgumentParser]) -> None:
    types = ["csms_root", "manufacturer_root", "v2g_root", "mo_root"]
    install = parsers["install-certificate"]
    install.add_argument("--type", required=True, choices=types)
    install.add_argument("--file", required=True, help="the CA certificate (PEM)")
    delete = parsers["delete-certificate"]
    delete.add_argument("--hash-algorithm", required=True, choices=["SHA256", "SHA384", "SHA512"])
    for name in ("--issuer-name-hash", "--issuer-key-hash", "--serial-number"):
        delete.add_argument(name, required=True)
    parsers["get-installed-certificate-ids"].add_argument(
        "--type", choices=types, help="required for 1.6 stations"
    )


def _operation_arguments(parsers: dict[str, argparse.ArgumentParser]) -> None:
    when = "ISO 8601 with a time zone"
    firmware = parsers["update-firmware"]
    firmware.add_argument("--location", required=True, help="URL of the firmware image")
    firmware.add_argument("--retrieve-at", required=True, help=f"when to download ({when})")
    firmware.add_argument("--install-at", help=f"when to install ({when}; 2.0.1)")
    firmware.add_argument("--retries", type=int)
    firmware.add_argument("--retry-interval", type=int, help="seconds")
    firmware.add_argument("--signature", help="base64 signature of the firmware (signed update)")
    firmware.add_argument(
        "--signing-certificate",
        help="PEM file of the signing certificate (then any intermediate CA certificates)",
    )
    firmware.add_argument("--sha256", help="hex SHA-256 of the firmware file (signed update)")
    log = parsers["get-log"]
    log.add_argument("--type", required=True, choices=["diagnostics", "security"])
    log.add_argument("--since", help=f"oldest entries wanted ({when})")
    log.add_argument("--until", help=f"newest entries wanted ({when})")
    reserve = parsers["reserve-now"]
    reserve.add_argument("--id-token", required=True)
    reserve.add_argument("--evse", type=int, help="EVSE id (default 0: any, where allowed)")
    reserve.add_argument("--expires-at", required=True, help=when)
    parsers["cancel-reservation"].add_argument("--reservation", type=int, required=True)
    local = parsers["send-local-list"]
    local.add_argument("--list-version", type=int, required=True, help="the list's version")
    local.add_argument("--update", required=True, choices=["full", "differential"])
    local.add_argument(
        "--token", action="append", help="TAG or TAG:STATUS (repeatable; default Accepted)"
    )


async def cmd_send(args: argparse.Namespace) -> int:
    body = args.body(args)
    path = f"/api/v1/stations/{_quote(args.station_id)}/commands/{args.command_name}"
    answer = await _request(args, "POST", path, body)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(f"{args.station_id} {args.command_name}: {answer['status']}")
    for key, value in answer["response"].items():
        shown = value if isinstance(value, str) else json.dumps(value)
        print(f"  {key}: {shown}")
    print(f"  (command {answer['command_id']})")
    return 0


async def cmd_customer_report(args: argparse.Namespace) -> int:
    path = f"/api/v1/stations/{_quote(args.station_id)}/customer-information/{args.command_id}"
    answer = await _request(args, "GET", path, None)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    state = "complete" if answer["complete"] else "incomplete"
    print(
        f"{args.station_id} command {answer['command_id']} ({answer['status'] or '-'}):"
        f" {answer['parts']} parts, {state}"
    )
    print(answer["data"])
    return 0


def _utc_seconds(iso: str) -> str:
    """`2026-12-06T00:03:10.128272+00:00` -> `2026-12-06T00:03:10Z` (the API answers in UTC)."""
    return iso[:19] + "Z" if iso.endswith("+00:00") else iso


async def cmd_log(args: argparse.Namespace) -> int:
    path = f"/api/v1/stations/{_quote(args.station_id)}/commands?limit={args.limit}"
    page = await _request(args, "GET", path, None)
    if args.json:
        print(json.dumps(page, indent=2))
        return 0
    print(f"{'ID':>6} {'REQUESTED':<26} {'COMMAND':<20} {'OUTCOME':<9} {'STATUS':<14} SENT BY")
    for r in page["items"]:
        print(
            f"{r['id']:>6} {_utc_seconds(r['requested_at']):<26} {r['name']:<20} {r['outcome']:<9} "
            f"{r['status'] or '-':<14} {r['sent_by']}"
        )
    print(f"{page['total']} commands")
    return 0


def _quote(station_id: str) -> str:
    from urllib.parse import quote

    return quote(station_id, safe="")


async def _request(
    args: argparse.Namespace, method: str, path: str, body: dict[str, Any] | None
) -> Any:
    import httpx

    from laddnet.cli import CliError

    url, key = _server(args)
    headers = {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=CLIENT_TIMEOUT) as c:
            response = await c.request(method, path, json=body)
    except httpx.TransportError as exc:
        raise CliError(
            f"cannot reach the Laddnet server at {url} ({type(exc).__name__}); "
            "is `laddnet serve` running? (see --api-url)"
        ) from None
    if response.status_code >= 400:
        raise CliError(f"{_error_message(response)} (HTTP {response.status_code})")
    return response.json()


def _error_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text.strip().splitlines()[0] if response.text.strip() else "no message"


def _server(args: argparse.Namespace) -> tuple[str, str]:
    from laddnet.cli import CliError, _settings

    url: str | None = args.api_url
    key: str | None = args.api_key
    if url is None or key is None:
        settings = _settings()
        url = url or f"http://{settings.host}:{settings.http_port}"
        if key is None and settings.api_key is not None:
            key = settings.api_key.get_secret_value()
    if not key:
        raise CliError(
            "no API key: pass --api-key or set LADDNET_API_KEY"
            " (create one with `laddnet apikey create --role operator`)"
        )
    return url.rstrip("/"), key
