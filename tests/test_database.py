"""The database layer: SQLite settings, concurrent writers, and time zones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from tests.conftest import migrate


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on its own SQLite file, whatever database the rest of the run uses."""
    app = make_app(f"sqlite:///{tmp_path / 'own.sqlite'}")
    migrate(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        pragma = lambda name: db.session.execute(sa.text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") >= 5000
        assert pragma("foreign_keys") == 1


def test_sqlite_enforces_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.text("INSERT INTO memberships (user_id, project_id, role, created_at) VALUES (999, 999, 'viewer', '2027-01-01')")
            )
            db.session.flush()


def test_concurrent_read_then_write_transactions_do_not_fail_with_busy(sqlite_app):
    """Each writer reads first, then writes. With a deferred BEGIN two of them would deadlock on
    the lock upgrade and one would fail at once with SQLITE_BUSY; BEGIN IMMEDIATE makes them queue."""
    writers = 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with sqlite_app.app_context():
                barrier.wait()
                db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar()
                threading.Event().wait(0.02)  # hold the read while the others start theirs
                db.session.add(AuditEvent(action=f"test.write.{n}"))
                db.session.commit()
        except BaseException as error:  # collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with sqlite_app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action.like("test.write.%")))
    assert count == writers


@pytest.mark.parametrize(
    ("method", "path", "holds_lock"),
    [
        ("GET", "/healthz", False),  # a page that only reads: BEGIN (deferred), no write lock
        ("HEAD", "/healthz", False),
        ("POST", "/healthz", True),  # a request that may write: BEGIN IMMEDIATE, as before
    ],
)
def test_a_request_that_only_reads_never_holds_the_write_lock(sqlite_app, method, path, holds_lock):
    """A coordinator's dashboard must not stall the field's sync: while a read request's transaction is
    open, another connection writes at once; a writing request still takes the lock when it begins."""
    with sqlite_app.test_request_context(path, method=method):
        db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar()  # the transaction is open
        other = sa.create_engine(sqlite_app.config["SQLALCHEMY_DATABASE_URI"], connect_args={"timeout": 0.2})
        try:
            with other.connect() as connection:
                connection.exec_driver_sql("PRAGMA busy_timeout = 200")
                if holds_lock:
                    with pytest.raises(sa.exc.OperationalError, match="locked"):
                        connection.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    connection.exec_driver_sql("CREATE TABLE written_beside (x INTEGER)")  # a write: it needs the lock
                    connection.exec_driver_sql("COMMIT")
        finally:
            other.dispose()
        db.session.rollback()


def test_a_read_request_that_writes_undeclared_fails_in_tests(sqlite_app):
    """A view that writes on GET declares ``writes``; an undeclared write is caught (logged in production)."""
    from app.database import ReadOnlyRequestWrote

    with sqlite_app.test_request_context("/healthz", method="GET"):
        db.session.add(AuditEvent(action="test.undeclared"))
        with pytest.raises(ReadOnlyRequestWrote, match="writes without declaring it"):
            db.session.flush()
        db.session.rollback()


def test_times_come_back_in_utc(app):
    with app.app_context():
        event = AuditEvent(action="test.time", occurred_at=datetime(2027, 3, 1, 12, 30, tzinfo=UTC))
        db.session.add(event)
        db.session.flush()
        db.session.expire(event)
        assert event.occurred_at == datetime(2027, 3, 1, 12, 30, tzinfo=UTC)
        assert event.occurred_at.tzinfo is not None


def test_naive_times_are_refused(app):
    with app.app_context():
        db.session.add(AuditEvent(action="test.naive", occurred_at=datetime(2027, 3, 1, 12, 30)))
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.flush()


def test_a_facts_refresh_reads_the_sources_codings_not_every_coding(sqlite_app):
    """Applying a code refreshes its source's theme facts before the commit: the read goes from the
    interview to its answers' codings. Read through the index on sample_id ("IS NULL" matches every
    main coding) it grew with the whole table: 12 ms at 10k codings, 1.2 s at 1M."""
    from app import facts

    with sqlite_app.app_context():
        connection = db.session.connection()
        statement = facts.answer_select([1, 2, 3]).compile(connection, compile_kwargs={"literal_binds": True})
        plan = " | ".join(row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}"))
        db.session.rollback()
    assert "ix_codings_sample_id" not in plan, plan
    assert "codings USING INDEX ix_codings_answer_sample" in plan, plan
