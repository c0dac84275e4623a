"""The audit log: rows for the events that matter, and a database that refuses to rewrite them."""

from __future__ import annotations

from datetime import UTC

import pytest
import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = audit.record("test.event", details={"n": 1})
        db.session.commit()
        return event.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'rewritten' WHERE id = :id",
        "UPDATE audit_events SET result = 'success', details = '{}' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
        "DELETE FROM audit_events",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(app, event_id, statement):
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(sa.text(statement), {"id": event_id})
        assert db.session.get(AuditEvent, event_id).action == "test.event"


def test_the_orm_cannot_change_audit_rows_either(app, event_id):
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.action = "rewritten"
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.flush()


def test_the_whole_table_cannot_be_emptied(app, event_id, databases):
    with app.app_context():
        if databases.dialect == "postgresql":
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with db.session.begin_nested():
                    db.session.execute(sa.text("TRUNCATE audit_events"))
        else:  # SQLite has no TRUNCATE; its DELETE ... without WHERE fires the row trigger
            triggers = db.session.scalars(
                sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
            ).all()
            assert sorted(triggers) == ["audit_events_no_delete", "audit_events_no_update"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) >= 1


def test_inserting_stays_possible(app, event_id):
    with app.app_context():
        audit.record("test.second")
        db.session.commit()
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["test.event", "test.second"]


def test_audit_rows_record_actor_origin_and_address(client, make_user, query):
    user = make_user("cor@almere.example")
    client.login(user.email)
    row = query(lambda: db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login")).one())
    assert (row.actor_id, row.actor_email, row.result, row.origin, row.ip_address) == (
        user.id,
        "cor@almere.example",
        "success",
        "web",
        "127.0.0.1",
    )
    assert row.occurred_at.tzinfo is not None


# -- the viewer --------------------------------------------------------------------------------------


@pytest.fixture
def logged(app, make_user, make_project):
    """Events in two projects, by two people, on three days."""
    from datetime import datetime

    import time_machine

    coordinator = make_user("cora@almere.example")
    other = make_user("otto@almere.example")
    a = make_project(coordinator, "Project A")
    b = make_project(other, "Project B")
    with app.app_context():
        from app.models import User

        cora, otto = db.session.get(User, coordinator.id), db.session.get(User, other.id)
        for when, project, actor, action, object_id in (
            ("2026-10-01 09:00", a, cora, "interview.update", "7"),
            ("2026-10-02 23:30", a, otto, "coding.create", "8"),  # 3 October in Almere
            ("2026-10-05 12:00", a, cora, "export", ""),
            ("2026-10-02 10:00", b, otto, "interview.update", "9"),
        ):
            with time_machine.travel(datetime.fromisoformat(when).replace(tzinfo=UTC), tick=False):
                event = audit.record(action, None, project_id=project.id, actor=actor, object_type="Interview", details={"n": object_id})
                event.object_id = object_id
                db.session.flush()
        db.session.commit()
    return {"a": a.id, "b": b.id, "coordinator": coordinator, "other": other}


def rows(page_text):
    return page_text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_coordinators_read_their_projects_audit_log_with_filters(client, logged):
    client.login(logged["coordinator"].email)
    base = f"/projects/{logged['a']}/audit/"
    everything = rows(client.get(base).text)
    assert everything.count("<tr>") >= 3 and "Code toegekend" in everything and '"9"' not in everything  # B's row stays out
    assert "otto@almere.example" in rows(client.get(base, query_string={"actor": "OTTO"}).text)
    assert "cora@almere.example" not in rows(client.get(base, query_string={"actor": "otto"}).text)
    assert rows(client.get(base, query_string={"action": "interview."}).text).count("<td>Gesprek gecorrigeerd</td>") == 1
    by_object = rows(client.get(base, query_string={"object_type": "Interview", "object_id": "8"}).text)
    assert "Code toegekend" in by_object and "Gesprek gecorrigeerd" not in by_object
    # Local dates: the event at 23:30 UTC on 2 October happened on 3 October in Almere.
    third = rows(client.get(base, query_string={"date_from": "2026-10-03", "date_to": "2026-10-03"}).text)
    assert "Code toegekend" in third and "Gesprek gecorrigeerd" not in third and "Geëxporteerd" not in third
    wrong = client.get(base, query_string={"date_from": "2026-10-05", "date_to": "2026-10-01"})
    assert wrong.status_code == 422


def test_the_audit_log_downloads_as_csv_and_the_download_is_logged(app, client, logged):
    import csv
    import io

    client.login(logged["coordinator"].email)
    response = client.get(f"/projects/{logged['a']}/audit/", query_string={"action": "interview", "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:5] == ["id", "occurred_at", "actor_id", "actor_email", "action"]
    assert [r[4] for r in table[1:]] == ["interview.update"] and table[1][6] == "7"
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
        assert event.project_id == logged["a"] and event.details == {"action": "interview"}


def test_only_coordinators_and_admins_read_the_audit_log(client, client_factory, logged, make_user, add_member):
    viewer = make_user("vera@almere.example")
    add_member(type("P", (), {"id": logged["a"]})(), viewer, "viewer")
    client.login(viewer.email)
    assert client.get(f"/projects/{logged['a']}/audit/").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    admin = client_factory()
    admin.login(make_user("ada@almere.example", is_admin=True).email)
    page = rows(admin.get("/admin/audit", query_string={"action": "interview.update"}).text)
    assert page.count("<td>Gesprek gecorrigeerd</td>") == 2  # both projects


def test_every_recorded_action_has_words():
    """The viewer shows each action in words: a new audit action without a label would show its code."""
    import re
    from pathlib import Path

    from app.audit.labels import ACTIONS

    source = "\n".join(p.read_text() for p in Path("app").rglob("*.py"))
    first_arguments = re.findall(r"\brecord\(\s*([^,()]+),", source) + re.findall(r"_ACTION = (\"[^\"]+\")", source)
    recorded = {name for argument in first_arguments for name in re.findall(r"\"([a-z_.]+)\"", argument)}
    assert len(recorded) > 40
    assert recorded - set(ACTIONS) == set()
