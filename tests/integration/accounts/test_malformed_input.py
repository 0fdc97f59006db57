"""No route answers 500 to malformed input: every body-taking route of the OpenAPI document
gets bodies of the wrong shape, wrong field types, nulls and huge strings, and every route
with query parameters gets values of the wrong type; each answer is a 4xx (or a success)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from laddnet.bootstrap import Container

SAMPLE_PATH = {"station_id": "NOPE-1", "session_id": "1", "site_id": "nope", "webhook_id": "1",
               "log_id": "1", "user_id": "nope", "key_id": "nope", "driver_id": "nope",
               "token": "nope", "name": "reset", "tariff_id": "nope", "ticket_id": "1",
               "recipient_id": "1", "token_id": "nope",
               "vulnerability_id": "1", "alert_id": "1"}  # fmt: skip
ODD_VALUES: list[Any] = [None, 0, -1, 1.5, True, "", "x" * 100_000, [], {}, "\u0000", "☃"]


def bodies_for(schema: dict[str, Any], doc: dict[str, Any]) -> list[Any]:
    """Malformed bodies for a request schema: wrong shapes, then each field made odd."""
    ref = schema.get("$ref") or next(
        (s.get("$ref") for s in schema.get("anyOf", []) if "$ref" in s), None
    )
    fields: dict[str, Any] = {}
    if ref:
        fields = doc["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {})
    bodies: list[Any] = [[], "text", 12, None, {"unexpected": 1}]
    for name in fields:
        bodies.extend({name: value} for value in ODD_VALUES)
    return bodies


def url_of(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH[m.group(1)], path)


async def test_no_route_answers_500_to_malformed_input(container: Container, base_url: str) -> None:
    key = await container.api_keys.create("admin")
    headers = {"Authorization": f"Bearer {key}"}
    failures: list[tuple[str, str, int, str]] = []
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as http:
        doc = (await http.get("/openapi.json")).json()
        for path, operations in doc["paths"].items():
            for method, op in operations.items():
                if path == "/api/v1/events":
                    continue  # a stream: its parameters are checked before it opens, elsewhere
                url = url_of(path)
                body = op.get("requestBody", {}).get("content", {}).get("application/json")
                for payload in bodies_for(body["schema"], doc) if body else []:
                    response = await http.request(method.upper(), url, json=payload)
                    if response.status_code >= 500:
                        failures.append((method, path, response.status_code, str(payload)[:60]))
                for param in op.get("parameters", []):
                    if param["in"] != "query":
                        continue
                    for value in ("abc", "-1", "9" * 40, "2025-13-45", ""):
                        response = await http.request(
                            method.upper(), url, params={param["name"]: value}
                        )
                        if response.status_code >= 500:
                            failures.append((method, path, response.status_code, value))
    assert failures == [], "\n".join(map(str, failures))
