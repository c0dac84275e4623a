"""Reading the audit log: filters shared by the administrator's and a project's view, and a CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ..database import long_read
from ..extensions import db
from ..models import AuditEvent
from ..spreadsheet import csv_text

PAGE = 100
CSV_LIMIT = 100_000  # rows in one CSV: narrow the period for more
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_email",
    "action",
    "object_type",
    "object_id",
    "project_id",
    "result",
    "origin",
    "ip_address",
    "details",
)


@dataclass
class AuditFilters:
    actor: str = ""  # part of the e-mail address
    action: str = ""  # the start of the action ("login", "resident.")
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None  # local dates, both included
    date_to: date | None = None
    result: str = ""

    def conditions(self) -> list[Any]:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        found: list[Any] = []
        if self.actor:
            found.append(AuditEvent.actor_email.contains(self.actor.lower(), autoescape=True))
        if self.action:
            found.append(AuditEvent.action.startswith(self.action, autoescape=True))
        if self.object_type:
            found.append(AuditEvent.object_type == self.object_type)
        if self.object_id:
            found.append(AuditEvent.object_id == self.object_id)
        if self.result:
            found.append(AuditEvent.result == self.result)
        if self.date_from:
            found.append(AuditEvent.occurred_at >= datetime.combine(self.date_from, time(), zone))
        if self.date_to:
            found.append(AuditEvent.occurred_at < datetime.combine(self.date_to + timedelta(days=1), time(), zone))
        return found


def _query(filters: AuditFilters, project_id: int | None) -> sa.Select[Any]:
    query = sa.select(AuditEvent).where(*filters.conditions())
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return query


def page(filters: AuditFilters, project_id: int | None = None, before: int | None = None) -> tuple[list[AuditEvent], int | None]:
    """Newest first, ``PAGE`` at a time; returns the events and the id to continue before (or None)."""
    query = _query(filters, project_id)
    if before:
        query = query.where(AuditEvent.id < before)
    events = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE + 1)))
    more = len(events) > PAGE
    events = events[:PAGE]
    return events, (events[-1].id if more and events else None)


def object_types(project_id: int | None = None) -> list[str]:
    query = sa.select(AuditEvent.object_type).where(AuditEvent.object_type != "").distinct().order_by(AuditEvent.object_type)
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return list(db.session.scalars(query))


def to_csv(filters: AuditFilters, project_id: int | None = None) -> bytes:
    """The matching events as CSV (UTF-8 with BOM, semicolons: Excel in the Netherlands opens it
    as it should), oldest first. Read in a read-only transaction: syncing tablets are not held up."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    query = _query(filters, project_id).order_by(AuditEvent.id).limit(CSV_LIMIT)
    with long_read():
        for event in db.session.scalars(query.execution_options(yield_per=1000)):
            writer.writerow(
                [
                    event.id,
                    event.occurred_at.isoformat(timespec="seconds"),
                    event.actor_id or "",
                    csv_text(event.actor_email),
                    csv_text(event.action),
                    csv_text(event.object_type),
                    csv_text(event.object_id),
                    event.project_id or "",
                    csv_text(event.result),
                    csv_text(event.origin),
                    csv_text(event.ip_address),
                    csv_text(json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True)),
                ]
            )
    return buffer.getvalue().encode("utf-8")
