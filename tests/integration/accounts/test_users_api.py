"""Administering accounts through the API: add (a setup token, or a password), list, change
the site scope, disable (the account's sessions end at once); each audited."""

from __future__ import annotations

from laddnet.bootstrap import Container
from laddnet.domain.sites.model import SiteDetails
from tests.integration.accounts.conftest import PASSWORD, People


async def test_an_admin_adds_scopes_and_disables_an_account(
    people: People, container: Container
) -> None:
    await container.sites.create_site("north", SiteDetails("North", "UTC"), "cli")
    admin = await people.enrolled("admin@example.com", "admin")
    invited = await admin.http.post(
        "/api/v1/users", json={"email": "Tom@Example.com", "role": "technician", "sites": ["north"]}
    )
    assert invited.status_code == 201, invited.text
    assert invited.json()["setup_token"] and invited.json()["user"]["password_set"] is False
    assert invited.json()["user"]["sites"] == ["north"]
    nowhere = await admin.http.post(
        "/api/v1/users", json={"email": "x@example.com", "role": "viewer", "sites": ["south"]}
    )
    assert nowhere.status_code == 422 and "south" in nowhere.json()["error"]["message"]
    weak = await admin.http.post(
        "/api/v1/users", json={"email": "y@example.com", "role": "viewer", "password": "short"}
    )
    assert weak.status_code == 422
    bo = await admin.http.post(
        "/api/v1/users", json={"email": "bo@example.com", "role": "viewer", "password": PASSWORD}
    )
    assert bo.json()["setup_token"] is None
    listed = (await admin.http.get("/api/v1/users")).json()
    assert [u["email"] for u in listed] == [
        "admin@example.com",
        "bo@example.com",
        "tom@example.com",
    ]

    tom_id = invited.json()["user"]["id"]
    widened = await admin.http.patch(f"/api/v1/users/{tom_id}", json={"all_sites": True})
    assert widened.json()["sites"] is None
    empty = await admin.http.patch(f"/api/v1/users/{tom_id}", json={})
    assert empty.status_code == 422

    bo_person, _ = await people.login("bo@example.com")
    assert (await bo_person.http.get("/api/v1/me")).status_code == 200
    bo_id = bo.json()["user"]["id"]
    assert (await admin.http.post(f"/api/v1/users/{bo_id}/disable")).status_code == 204
    assert (await bo_person.http.get("/api/v1/me")).status_code == 401
    assert (await admin.http.get(f"/api/v1/users/{bo_id}")).json()["disabled"] is True
    assert (await admin.http.get("/api/v1/users/nobody")).status_code == 404
    rows, _ = await container.audit.search(actor=f"user:{admin.user_id}", limit=20)
    assert {"user.created", "user.updated", "user.disabled"} <= {r["action"] for r in rows}
    assert PASSWORD not in str(rows)
