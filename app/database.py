"""Database set-up: SQLite pragmas and the request boundary that commits once.

Services add and flush; a request that ends with a status below 400 commits, anything else
rolls back. CLI commands commit themselves.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, has_request_context, request

from .extensions import db


def _configure_sqlite(engine: sa.engine.Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout, foreign keys, and write locks taken when a transaction begins.

    pysqlite opens transactions lazily with a plain BEGIN, so a read that later writes has to
    upgrade its lock and can fail at once with SQLITE_BUSY. Taking the lock up front with
    BEGIN IMMEDIATE makes a writer wait for the busy timeout instead.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.engine.Connection) -> None:
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")

    @sa.event.listens_for(engine, "before_cursor_execute")
    def on_execute(connection: sa.engine.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if _WRITES.match(statement) and _reads_only():
            # A read request that writes would have to upgrade its lock, which can fail at once with
            # SQLITE_BUSY: such a view declares ``writes`` (or writes through ``side_write``).
            message = (
                f"{request.method} {request.endpoint} writes without declaring it: {statement[:60]}"
                if has_request_context()
                else statement[:60]
            )
            if current_app.config.get("TESTING"):
                raise ReadOnlyRequestWrote(message)
            current_app.logger.warning("A read transaction writes: %s", message)


class ReadOnlyRequestWrote(RuntimeError):
    """A request that only reads (GET, HEAD) wrote to the database (tests fail on it; production logs it)."""


_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes(view: Any) -> Any:
    """Declare that a view writes even on GET (its transaction takes SQLite's write lock when it begins)."""
    view.writes = True
    return view


def _reads_only() -> bool:
    """Whether the transaction about to begin only reads: a long read, or a request with a safe method
    to a view that does not declare ``writes``. On SQLite such a transaction begins DEFERRED and never
    holds the write lock (under WAL it reads one snapshot), so dashboards do not stall the field's sync;
    everything else begins IMMEDIATE and waits for the lock instead of failing half-way."""
    reading = _reading.get()
    if reading is not None:
        return reading
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "writes", False)


# True in a long read, False in a side write, None: the request decides (``_reads_only``).
_reading: ContextVar[bool | None] = ContextVar("long_read", default=None)


@contextmanager
def long_read() -> Iterator[None]:
    """A transaction that only reads, for as long as it takes (an export of a million rows).

    On SQLite it begins DEFERRED: under WAL it reads one consistent snapshot and never holds the
    write lock, so tablets keep syncing while it runs (BEGIN IMMEDIATE would block them for the
    whole export). PostgreSQL readers never block writers anyway. Whatever the block writes is
    rolled back: write after it."""
    db.session.commit()
    token = _reading.set(True)
    try:
        yield
    finally:
        db.session.rollback()
        _reading.reset(token)


@contextmanager
def side_write() -> Iterator[sa.Connection]:
    """A short write on a connection of its own, committed at once (progress reports during a long read)."""
    token = _reading.set(False)
    try:
        with db.engine.begin() as connection:
            yield connection
    finally:
        _reading.reset(token)


@contextmanager
def committed_write() -> Iterator[sa.Connection]:
    """A small write committed when the block ends (work for a background job to find): from a request
    that only reads, on a connection of its own; else in the session's transaction, committed with it."""
    if _reads_only() and not isinstance(db.session.get_bind(), sa.Connection):
        with side_write() as connection:
            yield connection
        return
    yield db.session.connection()
    db.session.commit()


def write_aside(statement: Any) -> None:
    """A small write (a token's last use) that must not turn a read request into a writer: in this
    request's transaction when it writes anyway, else on a connection of its own, committed at once."""
    if _reads_only() and not isinstance(db.session.get_bind(), sa.Connection):
        with side_write() as connection:
            connection.execute(statement)
    else:  # a writing request, or a session bound to one connection's transaction (the tests')
        token = _reading.set(False)
        try:
            db.session.execute(statement)
        finally:
            _reading.reset(token)


def refresh_statistics() -> str:
    """Give the query planner fresh statistics, after a bulk load or a purge.

    SQLite gathers none by itself: without them it takes "sample_id IS NULL" or a small IN list for
    selective and may read a million rows for one; ANALYZE, sampled (``analysis_limit``), stores them. PostgreSQL's autovacuum
    analyses in the end, but right after a bulk load a query can run a hundred times slower until it
    does: ANALYZE at once. In the caller's transaction, then committed; returns what was run."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit = 1000")  # rows sampled per index: seconds at most, at any size
        connection.exec_driver_sql("ANALYZE")
        done = "ANALYZE (SQLite, sampled)"
    else:
        connection.exec_driver_sql("ANALYZE")
        done = "ANALYZE"
    db.session.commit()
    return done


def init_app(app: Flask) -> None:
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})  # a copy: never share between apps
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        options["connect_args"] = connect_args
    else:
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    db.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if not db.session.registry.has():  # the request never used the session: nothing to end
            return response
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response


# -- buffered inserts ---------------------------------------------------------------------------

_buffer: ContextVar[dict[Any, list[dict[str, Any]]] | None] = ContextVar("insert_buffer", default=None)


def insert_rows(statement: Any, rows: list[dict[str, Any]]) -> None:
    """Run a plain INSERT for ``rows`` now, or inside ``buffered_inserts`` at its end."""
    if not rows:
        return
    buffer = _buffer.get()
    if buffer is None:
        db.session.connection().execute(statement, rows)
    else:
        buffer.setdefault(statement, []).extend(rows)


@contextmanager
def buffered_inserts() -> Iterator[None]:
    """Collect the rows of many records and write each statement's rows in one executemany,
    in the same transaction (a sync batch: answers and audit rows of 25 interviews at once)."""
    buffer: dict[Any, list[dict[str, Any]]] = {}
    token = _buffer.set(buffer)
    try:
        yield
    finally:
        _buffer.reset(token)
    connection = db.session.connection()
    for statement, rows in buffer.items():
        connection.execute(statement, rows)
