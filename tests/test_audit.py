"""The audit log: rows for the events that matter, and a database that refuses to rewrite them."""

from __future__ import annotations

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
