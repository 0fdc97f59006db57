"""Each role against each endpoint, generated from the role table: for every /api/v1 route
in the OpenAPI document, a key (or a login session) of each role is let through or refused
with 403 exactly as `ROLE_PERMISSIONS` and the route table say."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from laddnet.api.permissions import ROUTES, rule_for
from laddnet.bootstrap import Container
from laddnet.domain.accounts.roles import Role, allows
from tests.integration.accounts.conftest import People

UNDOING = {("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/me/mfa/totp")}
PLACEHOLDERS = {
    "station_id": "NOPE-1",
    "session_id": "999999",
    "site_id": "nope",
    "webhook_id": "999999",
    "log_id": "1",
    "user_id": "nope",
    "key_id": "nope",
    "driver_id": "nope",
    "token_id": "nope",
    "tariff_id": "nope",
    "ticket_id": "999999",
    "recipient_id": "999999",
    "vulnerability_id": "999999",
    "alert_id": "999999",
    "login_id": "nope",
    "command_id": "999999",
    "serial": "ff",
}


def secured_routes(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, operations in doc["paths"].items()
        for method, operation in operations.items()
        if "security" in operation
    )


async def call(http: httpx.AsyncClient, method: str, path: str) -> httpx.Response:
    url = re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS[m.group(1)], path)
    body: dict[str, Any] | None = {} if method in ("POST", "PATCH", "PUT") else None
    request = http.build_request(method, url, json=body)
    response = await http.send(request, stream=True)  # the event stream never ends
    await response.aclose()
    return response


async def test_every_secured_route_is_in_the_route_table(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        doc = (await http.get("/openapi.json")).json()
    routes = secured_routes(doc)
    assert len(routes) > 50
    missing = [route for route in routes if rule_for(*route) is None]
    assert missing == []
    hidden = {("POST", "/api/v1/stations/{station_id}/commands/{name}")}
    assert set(ROUTES) - set(routes) == hidden  # and the table lists nothing that is gone


@pytest.mark.parametrize("role", list(Role))
async def test_an_api_key_of_each_role_gets_what_the_table_says(
    container: Container, base_url: str, role: Role
) -> None:
    key = await container.api_keys.create(role.value)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=15) as http:
        doc = (await http.get("/openapi.json")).json()
        wrong = []
        for method, path in secured_routes(doc):
            rule = rule_for(method, path)
            assert rule is not None
            response = await call(http, method, path)
            allowed = allows(role, rule.permission)
            if allowed != (response.status_code not in (401, 403)):
                wrong.append((method, path, response.status_code, allowed))
    assert wrong == []


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.TECHNICIAN])
async def test_a_login_session_of_a_role_gets_what_the_table_says(
    people: People, role: Role
) -> None:
    person = await people.enrolled(f"{role.value}@example.com", role.value)
    doc = (await person.http.get("/openapi.json")).json()
    wrong = []
    for method, path in secured_routes(doc):
        if (method, path) in UNDOING:
            continue  # would end the session (or its 2FA) the rest of the test uses
        rule = rule_for(method, path)
        assert rule is not None
        response = await call(person.http, method, path)
        allowed = allows(role, rule.permission)
        if allowed != (response.status_code not in (401, 403)):
            wrong.append((method, path, response.status_code, allowed))
    assert wrong == []


async def test_no_secured_route_answers_without_credentials(base_url: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as http:
        doc = (await http.get("/openapi.json")).json()
        answers = {route: (await call(http, *route)).status_code for route in secured_routes(doc)}
        http.cookies.set("laddnet_session", "not-a-session")
        with_cookie = {route: (await call(http, *route)).status_code for route in answers}
    assert set(answers.values()) == {401}
    assert set(with_cookie.values()) == {401}
