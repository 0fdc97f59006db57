"""GET /api/v1/audit (admins): filters, CSV, every sensitive action of a login recorded with
its source address; the hash chain holds on both databases and a changed row is found."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import update

from laddnet.adapters.db.tables import audit_log
from laddnet.bootstrap import Container
from laddnet.domain.sites.model import SiteDetails
from tests.integration.accounts.conftest import MovableClock, People


async def test_logins_and_changes_are_audited_with_actor_source_and_outcome(
    people: People, container: Container, clock: MovableClock
) -> None:
    admin = await people.enrolled("admin@example.com", "admin")
    await people.login("admin@example.com", "not the right password")
    await admin.http.post("/api/v1/sites", json={"name": "Depot", "time_zone": "UTC", "id": "d"})
    page = (await admin.http.get("/api/v1/audit")).json()
    actions = [e["action"] for e in page["items"]]
    assert actions[:2] == ["site.created", "auth.login_failed"]
    assert {"user.created", "auth.login", "mfa.enrolment_started", "mfa.enabled"} <= set(actions)
    failed = page["items"][1]
    assert failed["outcome"] == "failed" and failed["actor"] == "anonymous"
    assert failed["source"] == "127.0.0.1"
    assert "not the right password" not in str(page)
    assert page["items"][0]["actor"] == f"user:{admin.user_id}"
    assert all(len(e["hash"]) == 64 for e in page["items"])

    mine = await admin.http.get("/api/v1/audit", params={"actor": f"user:{admin.user_id}"})
    assert {e["actor"] for e in mine.json()["items"]} == {f"user:{admin.user_id}"}
    only = await admin.http.get("/api/v1/audit", params={"action": "auth.login_failed"})
    assert only.json()["total"] == 1
    later = (clock.now() + timedelta(minutes=1)).isoformat()
    assert (await admin.http.get("/api/v1/audit", params={"since": later})).json()["total"] == 0
    bad = await admin.http.get(
        "/api/v1/audit", params={"since": later, "until": clock.now().isoformat()}
    )
    assert bad.status_code == 422

    exported = await admin.http.get("/api/v1/audit.csv", params={"action": "site.created"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1 and rows[0]["target_id"] == "d" and '"name": "Depot"' in rows[0]["detail"]


async def test_the_chain_holds_and_a_changed_row_is_named(container: Container) -> None:
    for n in range(3):
        await container.sites.create_site(f"s{n}", SiteDetails(f"S{n}", "UTC"), "cli")
    report = await container.audit.verify()
    assert report.broken is None and report.checked == 3
    rows, _ = await container.audit.search(limit=10)
    middle = sorted(r["id"] for r in rows)[1]
    with container.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == middle).values(detail={"x": 1}))
    report = await container.audit.verify()
    assert report.broken is not None and report.broken.entry_id == middle
    assert report.checked == 1


async def test_a_non_admin_may_not_read_the_audit_log(people: People) -> None:
    operator = await people.enrolled("op@example.com", "operator")
    response = await operator.http.get("/api/v1/audit")
    assert response.status_code == 403


async def test_the_periodic_check_raises_a_security_event_for_a_broken_chain(
    container: Container,
) -> None:
    await container.sites.create_site("s1", SiteDetails("S1", "UTC"), "cli")
    assert (await container.audit.check()).broken is None
    assert await container.queries.security_events() == []
    with container.engine.begin() as conn:
        conn.execute(update(audit_log).values(target_id="other"))
    report = await container.audit.check()
    assert report.broken is not None
    [event] = await container.queries.security_events()
    assert event["kind"] == "audit_chain_broken"
    assert f"entry {report.broken.entry_id}" in event["detail"]
