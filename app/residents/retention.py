"""Retention: what a project keeps, for how long, and the purge that enforces it.

Per project two periods count from the day input was recorded:
- **personal data** (``personal_retention_months``): contact details are deleted; exact GPS points
  (of the interview and of GPS questions) are rounded to about 100 m; house numbers leave streets;
  addresses, e-mail addresses and phone numbers in what residents said (answers, contributions,
  the interviewer's "in the resident's words") are blotted out character for character, so the
  coding of the rest stays where it was;
- **the input itself** (``retention_months``): interviews and contributions are erased as on a
  resident's request (action items keep their own text).

``purge`` does all of it in one transaction per project and writes an audit row with the counts;
a dry run does the same work and rolls it back, so it shows exactly what would go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from .. import audit
from ..auth import sessions
from ..exports import jobs
from ..extensions import db
from ..models import (
    Answer,
    Coding,
    ContactDetails,
    Contribution,
    ExportJob,
    Interview,
    NamedContact,
    Project,
    Question,
    Reflection,
    WalkRoute,
)
from ..models.types import utcnow
from ..privacy import coarse, mask, street_only
from ..questions import KINDS, kind_of
from .services import erase_inputs

PERSONAL_KINDS = [kind.type for kind in KINDS.values() if kind.personal]

BATCH = 500
ANSWERS, CODINGS, INTERVIEWS, CONTRIBUTIONS, REFLECTIONS = (m.__table__ for m in (Answer, Coding, Interview, Contribution, Reflection))


@dataclass
class ProjectPurge:
    project_id: int
    name: str
    personal_before: datetime
    input_before: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        return any(self.counts.values())


@dataclass
class PurgeReport:
    projects: list[ProjectPurge] = field(default_factory=list)
    export_jobs: int = 0
    sessions: int = 0


def cutoffs(project: Project, now: datetime) -> tuple[datetime, datetime]:
    """Input recorded before the first moment has expired personal data; before the second, it
    has expired altogether."""
    return now - relativedelta(months=project.personal_retention_months), now - relativedelta(months=project.retention_months)


class Updates:
    """Row updates gathered and sent as one executemany per table and set of columns: a purge
    changes thousands of rows, and one statement each would cost more than the reading."""

    def __init__(self) -> None:
        self.pending: dict[tuple[sa.Table, str, tuple[str, ...]], list[dict[str, Any]]] = {}

    def add(self, table: sa.Table, key: str, key_value: Any, **values: Any) -> None:
        self.pending.setdefault((table, key, tuple(sorted(values))), []).append({"_key": key_value, **values})

    def send(self) -> None:
        connection = db.session.connection()
        for (table, key, columns), rows in self.pending.items():
            statement = table.update().where(table.c[key] == sa.bindparam("_key")).values({c: sa.bindparam(c) for c in columns})
            connection.execute(statement, rows)
        self.pending.clear()


def _mask_answers(interview_ids: list[int], counts: dict[str, int], updates: Updates) -> None:
    rows = db.session.execute(
        sa.select(Answer.id, Answer.value, Answer.text, Question.type)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.interview_id.in_(interview_ids), sa.or_(Answer.text != "", Question.type.in_(PERSONAL_KINDS)))
    ).all()
    masked_texts: dict[int, str] = {}
    for answer_id, value, text, question_type in rows:
        kind = kind_of(question_type)
        if kind.personal:  # a point: kept rounded to about 100 m
            point = kind.expired(value, coarse)
            if point != value:
                updates.add(ANSWERS, "id", answer_id, value=point)
                counts["gps_points"] += 1
            continue
        masked = mask(text)
        if masked == text:
            continue
        updates.add(ANSWERS, "id", answer_id, text=masked, value=masked if isinstance(value, str) else value)
        masked_texts[answer_id] = masked
        counts["texts"] += 1
    _mask_codings(Coding.answer_id, masked_texts, updates)


def _mask_codings(column: Any, texts: dict[int, str], updates: Updates) -> None:
    """Codings of inputs whose text was blotted out: fragments cut again from the new text."""
    ids = list(texts)
    for first in range(0, len(ids), BATCH):  # a first purge may blot out many thousands of texts
        for coding_id, input_id, start, end, fragment in db.session.execute(
            sa.select(Coding.id, column, Coding.start, Coding.end, Coding.fragment).where(column.in_(ids[first : first + BATCH]))
        ).all():
            new = texts[input_id][start:end] if start is not None and end is not None else mask(fragment)
            if new != fragment:
                updates.add(CODINGS, "id", coding_id, fragment=new)


def _strip_street(table: sa.Table, row_id: int, street: str, counts: dict[str, int], updates: Updates) -> None:
    stripped = street_only(street) if street else street
    if stripped != street:
        updates.add(table, "id", row_id, street=stripped)
        counts["streets"] += 1


def _purge_personal(project: Project, before: datetime, counts: dict[str, int]) -> None:
    updates = Updates()
    old_interviews = sa.select(Interview.id).where(Interview.project_id == project.id, Interview.started_at < before)
    counts["contact_details"] += (
        db.session.execute(
            sa.delete(ContactDetails).where(ContactDetails.interview_id.in_(old_interviews)),
            execution_options={"synchronize_session": False},
        ).rowcount
        or 0
    )
    counts["named_contacts"] = counts.get("named_contacts", 0) + (
        db.session.execute(
            sa.delete(NamedContact).where(NamedContact.interview_id.in_(old_interviews)),
            execution_options={"synchronize_session": False},
        ).rowcount
        or 0
    )
    ids = []
    for interview_id, lat, lon, accuracy, street in db.session.execute(
        sa.select(Interview.id, Interview.gps_lat, Interview.gps_lon, Interview.gps_accuracy, Interview.street).where(
            Interview.id.in_(old_interviews)
        )
    ).all():
        ids.append(interview_id)
        if lat is not None and (coarse(lat) != lat or coarse(lon) != lon or accuracy is not None):
            updates.add(INTERVIEWS, "id", interview_id, gps_lat=coarse(lat), gps_lon=coarse(lon), gps_accuracy=None)
            counts["gps_points"] += 1
        _strip_street(INTERVIEWS, interview_id, street, counts, updates)
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        _mask_answers(chunk, counts, updates)
        for interview_id, words in db.session.execute(
            sa.select(Reflection.interview_id, Reflection.resident_words).where(
                Reflection.interview_id.in_(chunk), Reflection.resident_words != ""
            )
        ).all():
            masked = mask(words)
            if masked != words:
                updates.add(REFLECTIONS, "interview_id", interview_id, resident_words=masked)
                counts["texts"] += 1
        updates.send()
    masked_texts: dict[int, str] = {}
    for contribution_id, text, street, lat, lon, accuracy in db.session.execute(
        sa.select(
            Contribution.id, Contribution.text, Contribution.street, Contribution.gps_lat, Contribution.gps_lon, Contribution.gps_accuracy
        ).where(Contribution.project_id == project.id, Contribution.recorded_at < before)
    ).all():
        if lat is not None and (coarse(lat) != lat or coarse(lon) != lon or accuracy is not None):  # an observation's point
            updates.add(CONTRIBUTIONS, "id", contribution_id, gps_lat=coarse(lat), gps_lon=coarse(lon), gps_accuracy=None)
            counts["gps_points"] += 1
        masked = mask(text)
        if masked != text:
            masked_texts[contribution_id] = masked
            updates.add(CONTRIBUTIONS, "id", contribution_id, text=masked)
            counts["texts"] += 1
        _strip_street(CONTRIBUTIONS, contribution_id, street, counts, updates)
    _mask_codings(Coding.contribution_id, masked_texts, updates)
    updates.send()


def purge_project(project: Project, now: datetime) -> ProjectPurge:
    personal_before, input_before = cutoffs(project, now)
    result = ProjectPurge(project.id, project.name, personal_before, input_before)
    counts = result.counts
    erased = erase_inputs(
        project,
        list(db.session.scalars(sa.select(Interview.id).where(Interview.project_id == project.id, Interview.started_at < input_before))),
        list(
            db.session.scalars(
                sa.select(Contribution.id).where(Contribution.project_id == project.id, Contribution.recorded_at < input_before)
            )
        ),
        "retention",
    )
    counts.update(
        interviews=erased.interviews,
        contributions=erased.contributions,
        codings=erased.codings,
        actions_unlinked=erased.actions_unlinked,
        contact_details=erased.contacts,
        photos=erased.photos,
        # The routes walked on walks: where the walkers went, kept as long as the input itself.
        routes=db.session.execute(
            sa.delete(WalkRoute).where(WalkRoute.project_id == project.id, WalkRoute.started_at < input_before),
            execution_options={"synchronize_session": False},
        ).rowcount,
        gps_points=0,
        streets=0,
        texts=0,
    )
    _purge_personal(project, personal_before, counts)
    return result


def purge(now: datetime | None = None, dry_run: bool = False, project_id: int | None = None) -> PurgeReport:
    """Delete or anonymise what has expired, project by project; commits unless ``dry_run``."""
    now = now or utcnow()
    report = PurgeReport()
    query = sa.select(Project).order_by(Project.id)
    if project_id is not None:
        query = query.where(Project.id == project_id)
    for project in db.session.scalars(query).all():
        result = purge_project(project, now)
        report.projects.append(result)
        if dry_run:
            db.session.rollback()
            continue
        if result.anything:
            if result.counts["interviews"] or result.counts["contributions"] or result.counts["texts"]:
                result.counts["export_files"] = jobs.expire_files(ExportJob.project_id == project.id)
            audit.record(
                "retention.purge",
                project,
                origin="cli",
                details={
                    "personal_before": result.personal_before.isoformat(timespec="seconds"),
                    "input_before": result.input_before.isoformat(timespec="seconds"),
                    **result.counts,
                },
            )
        db.session.commit()
    if project_id is None:
        report.export_jobs = jobs.prune(now - timedelta(days=current_app.config["EXPORT_JOB_KEEP_DAYS"]), dry_run=dry_run)
        report.sessions = sessions.prune(now, dry_run=dry_run)
    if not dry_run:
        # Every run leaves a row, also when nothing had expired: the log shows retention is kept.
        audit.record(
            "retention.run",
            None,
            object_type="Retention",
            project_id=project_id,
            details={
                "projects": len(report.projects),
                "with_expired": sum(1 for r in report.projects if r.anything),
                "export_jobs": report.export_jobs,
                "sessions": report.sessions,
            },
        )
        db.session.commit()
    return report
