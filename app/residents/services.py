"""A resident's rights, by the receipt code they were given: see everything stored for it, take it
home (a printable page and a JSON file), and have it erased.

Erasure removes the interview and every contribution with the code, and with them their answers,
contact details, reflection, theme tags, codings (quotes included), second coders' sample items
and the links of action items (an action item keeps its own text). The theme facts behind the
dashboards are recomputed in the same transaction, files of earlier exports of the project are
removed, and the UUIDs are kept so a device that still holds a record cannot bring it back. The
audit row says how much went, never what it said.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from .. import audit, facts
from ..capture.display import answer_text
from ..capture.validation import RECEIPT_PATTERN, normalise_receipt
from ..coding import learning
from ..exports import jobs
from ..extensions import db
from ..i18n import AGE_BAND_LABELS, RESPONDENT_LABELS
from ..models import (
    ActionInput,
    ActionItem,
    Answer,
    AuditEvent,
    Coding,
    Contribution,
    ErasedRecord,
    ExportJob,
    Interview,
    Photo,
    Project,
    User,
)
from ..models.types import utcnow
from ..photos import services as photos

ERASE_ACTION = "resident.erase"


def clean_code(raw: Any) -> str | None:
    """The receipt code in its stored form, or None when it cannot be one."""
    code = normalise_receipt(raw)
    return code if RECEIPT_PATTERN.match(code) else None


def code_digest(project_id: int, code: str) -> str:
    """A keyed hash of a receipt code: lets the audit log answer "was this code erased?" without
    keeping the code itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"receipt:{project_id}:{code}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class ResidentRecord:
    """Everything stored for one receipt code in one project."""

    code: str
    interviews: list[Interview] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    codings: dict[tuple[str, int], list[Coding]] = field(default_factory=dict)
    actions: list[ActionItem] = field(default_factory=list)
    photos: dict[tuple[str, int], list[Photo]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.interviews and not self.contributions

    @property
    def answers(self) -> list[Answer]:
        return [answer for interview in self.interviews for answer in interview.answers]

    @property
    def quotes(self) -> list[Coding]:
        return [coding for found in self.codings.values() for coding in found if coding.is_quote and coding.sample_id is None]

    def answers_of(self, interview: Interview) -> list[Answer]:
        """An interview's answers in the order of its guide."""
        order = {q.id: n for n, q in enumerate(interview.guide_version.questions)}
        return sorted(interview.answers, key=lambda a: order.get(a.question_id, len(order)))

    def codings_of(self, kind: str, input_id: int) -> list[Coding]:
        return self.codings.get((kind, input_id), [])

    def photos_of(self, kind: str, input_id: int) -> list[Photo]:
        return self.photos.get((kind, input_id), [])


def find(project: Project, code: str) -> ResidentRecord:
    """What is stored under ``code`` (already cleaned) in ``project``; empty when nothing is."""
    record = ResidentRecord(code)
    record.interviews = list(
        db.session.scalars(
            sa.select(Interview)
            .where(Interview.project_id == project.id, Interview.receipt_code == code)
            .options(
                selectinload(Interview.answers).selectinload(Answer.question),
                selectinload(Interview.tags),
                selectinload(Interview.contact),
                selectinload(Interview.reflection),
                selectinload(Interview.round),
                selectinload(Interview.area),
            )
        )
    )
    record.contributions = list(
        db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.project_id == project.id, Contribution.receipt_code == code)
            .options(selectinload(Contribution.tags), selectinload(Contribution.round), selectinload(Contribution.area))
            .order_by(Contribution.recorded_at, Contribution.id)
        )
    )
    answer_ids = [answer.id for answer in record.answers]
    contribution_ids = [c.id for c in record.contributions]
    for kind, model, ids in (("interview", Interview, [i.id for i in record.interviews]), ("contribution", Contribution, contribution_ids)):
        for record_id, found in photos.of_records(model, ids).items():
            record.photos[kind, record_id] = found
    # Every coding: the project's own and second coders' (a sample coding is stored data too).
    for coding in db.session.scalars(
        sa.select(Coding)
        .where(sa.or_(Coding.answer_id.in_(answer_ids), Coding.contribution_id.in_(contribution_ids)))
        .options(selectinload(Coding.code))
        .order_by(Coding.id)
    ):
        key = ("answer", coding.answer_id) if coding.answer_id else ("contribution", coding.contribution_id)
        record.codings.setdefault(key, []).append(coding)  # type: ignore[arg-type]
    record.actions = list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(
                ActionItem.id.in_(
                    sa.select(ActionInput.action_id).where(
                        sa.or_(ActionInput.answer_id.in_(answer_ids), ActionInput.contribution_id.in_(contribution_ids))
                    )
                )
            )
            .order_by(ActionItem.id)
        )
    )
    return record


def hand_over(project: Project, code: str, fmt: str) -> ResidentRecord | None:
    """What is stored under ``code``, for the resident to take home (``fmt``: html or json), with
    the audit row saying that it was handed over (never what). None when nothing is stored."""
    record = find(project, code)
    if record.empty:
        return None
    audit.record("resident.export", project, object_type="Resident", details={"receipt": code_digest(project.id, code), "format": fmt})
    return record


def last_erasure(project: Project, code: str) -> datetime | None:
    """When this code's input was erased, if it was (found by the code's keyed hash)."""
    digest = code_digest(project.id, code)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.project_id == project.id, AuditEvent.action == ERASE_ACTION).order_by(AuditEvent.id.desc())
    )
    for event in events:
        if (event.details or {}).get("receipt") == digest:
            return event.occurred_at
    return None


def _local(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _coding_json(coding: Coding) -> dict[str, Any]:
    return {
        "theme": coding.code.name,
        "fragment": coding.fragment or None,
        "sentiment": coding.sentiment.value if coding.sentiment else None,
        "quote": coding.is_quote,
        "second_coder": coding.sample_id is not None,
    }


def _photos_json(found: list[Photo]) -> list[dict[str, Any]]:
    """The resident's photos in their copy, whole: the file as kept (JPEG, without metadata)."""
    kept = []
    for photo in found:
        path = photos.file_path(photo)
        if path.is_file():
            kept.append(
                {
                    "file": f"{photo.uuid}.jpg",
                    "width": photo.width,
                    "height": photo.height,
                    "jpeg_base64": base64.b64encode(path.read_bytes()).decode("ascii"),
                }
            )
    return kept


def to_json(project: Project, record: ResidentRecord) -> dict[str, Any]:
    """The resident's copy: what they said and what was done with it. No staff names, and no
    interviewer reflections (the interviewer's own notes)."""
    interviews = []
    for interview in record.interviews:
        answers = record.answers_of(interview)
        interviews.append(
            {
                "recorded_at": _local(interview.started_at),
                "round": interview.round.name,
                "area": interview.area.label if interview.area else None,
                "street": interview.street or None,
                "gps": {"lat": interview.gps_lat, "lon": interview.gps_lon} if interview.gps_lat is not None else None,
                "respondent": str(RESPONDENT_LABELS[interview.respondent_type]) if interview.respondent_type else None,
                "age_band": str(AGE_BAND_LABELS[interview.age_band]) if interview.age_band else None,
                "themes_tagged": [tag.name for tag in interview.tags],
                "answers": [
                    {
                        "question": answer.question.label,
                        "answer": answer_text(answer.question, answer.value),
                        "codings": [_coding_json(c) for c in record.codings_of("answer", answer.id)],
                    }
                    for answer in answers
                ],
                "contact": {
                    "name": interview.contact.name,
                    "email": interview.contact.email,
                    "phone": interview.contact.phone,
                    "wants_to_hear_about": interview.contact.note,
                }
                if interview.contact
                else None,
                "photos": _photos_json(record.photos_of("interview", interview.id)),
            }
        )
    contributions = [
        {
            "recorded_at": _local(c.recorded_at),
            "round": c.round.name,
            "text": c.text,
            "area": c.area.label if c.area else None,
            "street": c.street or None,
            "themes_tagged": [tag.name for tag in c.tags],
            "codings": [_coding_json(coding) for coding in record.codings_of("contribution", c.id)],
            "photos": _photos_json(record.photos_of("contribution", c.id)),
        }
        for c in record.contributions
    ]
    return {
        "project": project.name,
        "receipt_code": record.code,
        "made_at": _local(utcnow()),
        "interviews": interviews,
        "contributions": contributions,
        "actions": [
            {"title": a.title, "status": a.status.value, "description": a.description, "residents_told": a.feedback_given}
            for a in record.actions
        ],
    }


@dataclass
class Erasure:
    interviews: int = 0
    contributions: int = 0
    answers: int = 0
    codings: int = 0
    contacts: int = 0
    actions_unlinked: int = 0
    export_files: int = 0
    photos: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


ERASE_CHUNK = 500  # records per statement: PostgreSQL takes at most 65,535 parameters in one


def erase_inputs(project: Project, interview_ids: list[int], contribution_ids: list[int], reason: str) -> Erasure:
    """Delete these interviews and contributions with everything that hangs on them (the
    database's ON DELETE CASCADE takes answers, codings, tags, contact details, reflections,
    sample items and action links), keep their UUIDs, and recompute the theme facts.
    Joins the caller's transaction; the caller writes the audit row."""
    result = Erasure(interviews=len(interview_ids), contributions=len(contribution_ids))
    if not interview_ids and not contribution_ids:
        return result
    db.session.flush()
    unlinked: set[int] = set()  # action items that lose a link (one may rest on records of several chunks)
    # A first purge can take tens of thousands of records at once: a chunk at a time.
    for first in range(0, max(len(interview_ids), len(contribution_ids)), ERASE_CHUNK):
        _erase_chunk(
            project, interview_ids[first : first + ERASE_CHUNK], contribution_ids[first : first + ERASE_CHUNK], reason, result, unlinked
        )
    result.actions_unlinked = len(unlinked)
    db.session.expire_all()
    facts.touch(db.session, interviews=interview_ids, contributions=contribution_ids)
    if result.codings:
        learning.forget(project)  # the learned suggestions learned from them: learn again without
    return result


def _erase_chunk(
    project: Project, interview_ids: list[int], contribution_ids: list[int], reason: str, result: Erasure, unlinked: set[int]
) -> None:
    answer_ids = sa.select(Answer.id).where(Answer.interview_id.in_(interview_ids))
    on_inputs = sa.or_(Coding.answer_id.in_(answer_ids), Coding.contribution_id.in_(contribution_ids))
    result.answers += db.session.scalar(sa.select(sa.func.count()).select_from(Answer).where(Answer.interview_id.in_(interview_ids))) or 0
    result.codings += db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(on_inputs)) or 0
    result.contacts += (
        db.session.scalar(sa.select(sa.func.count()).select_from(Interview).join(Interview.contact).where(Interview.id.in_(interview_ids)))
        or 0
    )
    unlinked.update(
        db.session.scalars(
            sa.select(ActionInput.action_id).where(
                sa.or_(ActionInput.answer_id.in_(answer_ids), ActionInput.contribution_id.in_(contribution_ids))
            )
        )
    )
    now = utcnow()
    tombstones = [
        {"uuid": u, "project_id": project.id, "kind": "interview", "reason": reason, "erased_at": now}
        for u in db.session.scalars(sa.select(Interview.uuid).where(Interview.id.in_(interview_ids)))
    ] + [
        {"uuid": u, "project_id": project.id, "kind": "contribution", "reason": reason, "erased_at": now}
        for u in db.session.scalars(sa.select(Contribution.uuid).where(Contribution.id.in_(contribution_ids)))
    ]
    db.session.execute(sa.insert(ErasedRecord), tombstones)
    # Their photos' files go once the deletion is committed (the rows go with the records).
    result.photos += photos.remove_files_after_commit(photos.photos_of(interview_ids, contribution_ids))
    # Plain DELETEs (the cascades do the rest in the database); the session forgets the objects.
    db.session.execute(sa.delete(Interview).where(Interview.id.in_(interview_ids)), execution_options={"synchronize_session": False})
    db.session.execute(
        sa.delete(Contribution).where(Contribution.id.in_(contribution_ids)), execution_options={"synchronize_session": False}
    )


def erase(project: Project, record: ResidentRecord, actor: User) -> Erasure:
    """Erase everything stored under a receipt code (``record``, as ``find`` gave it) on the
    resident's request."""
    code = record.code
    result = erase_inputs(project, [i.id for i in record.interviews], [c.id for c in record.contributions], "request")
    # Workbooks made before now may hold the erased input: their files go.
    result.export_files = jobs.expire_files(ExportJob.project_id == project.id)
    audit.record(
        ERASE_ACTION,
        project,
        actor=actor,
        object_type="Resident",
        details={"receipt": code_digest(project.id, code), **result.as_dict()},
    )
    return result
