"""Recording interviews and contributions, receipt codes, and coordinators' corrections.

Recording is idempotent per UUID: the same UUID with the same content gives back the stored
record; with other content it is refused (``Conflict``) and nothing changes.
"""

from __future__ import annotations

import secrets
import uuid as uuid_module
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from .. import audit
from ..areas.locate import area_for
from ..database import insert_rows
from ..extensions import db
from ..guides.services import published_questions
from ..models import (
    Answer,
    Area,
    Code,
    ContactDetails,
    Contribution,
    Element,
    GuideVersion,
    Interview,
    NamedContact,
    Project,
    Reflection,
    Round,
    User,
    WalkRoute,
)
from ..models.fieldwork import contribution_tags, interview_tags
from ..models.types import utcnow
from ..photos import services as photos
from ..questions import kind_of
from .validation import RECEIPT_ALPHABET, CleanContribution, CleanInterview, CleanRoute, Context, normalise_text

# Built once: on the sync hot path only the parameters change.
# A new record on its own: "ON CONFLICT DO NOTHING" returns no id when a unique constraint (its UUID,
# its receipt code) holds another row, without an error, so PostgreSQL's transaction goes on with no
# savepoint around the statement (two round trips fewer on every single sync).
UNLESS_TAKEN = {
    (table.name, name): dialect.insert(table).on_conflict_do_nothing().returning(table.c.id)
    for table in (Interview.__table__, Contribution.__table__, WalkRoute.__table__)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
INSERT_INTERVIEWS = sa.insert(Interview.__table__).returning(Interview.__table__.c.id, sort_by_parameter_order=True)
INSERT_ANSWERS = sa.insert(Answer.__table__)
INSERT_TAGS = sa.insert(interview_tags)
INSERT_CONTRIBUTION_TAGS = sa.insert(contribution_tags)
INSERT_REFLECTION = sa.insert(Reflection.__table__)
INSERT_CONTACT = sa.insert(ContactDetails.__table__)
INSERT_NAMED = sa.insert(NamedContact.__table__)


@dataclass(frozen=True)
class Stored:
    """What a device needs back for a record it sent: its acknowledgement."""

    id: int
    uuid: uuid_module.UUID
    project_id: int
    receipt_code: str | None = None


class Conflict(ValueError):
    """This UUID is already stored with other content."""

    def __init__(self, existing: Any):
        super().__init__("uuid already used with other content")
        self.existing = existing


def context_for(project: Project) -> Context:
    """Validation asks only about the areas and themes a record names."""

    def find_area(area_id: int) -> bool:
        return db.session.scalar(sa.select(Area.id).where(Area.id == area_id, Area.project_id == project.id)) is not None

    def find_code(code_uuid: str) -> int | None:
        try:
            wanted = uuid_module.UUID(code_uuid)
        except ValueError:
            return None
        return db.session.scalar(sa.select(Code.id).where(Code.uuid == wanted, Code.project_id == project.id, Code.archived.is_(False)))

    def find_element(element_id: int) -> bool:
        query = sa.select(Element.id).where(Element.id == element_id, Element.project_id == project.id, Element.archived.is_(False))
        return db.session.scalar(query) is not None

    def find_archived_code(code_uuid: str) -> str | None:
        try:
            wanted = uuid_module.UUID(code_uuid)
        except ValueError:
            return None
        return db.session.scalar(sa.select(Code.name).where(Code.uuid == wanted, Code.project_id == project.id, Code.archived.is_(True)))

    return Context(
        find_area=find_area,
        find_code=find_code,
        find_archived_code=find_archived_code,
        find_element=find_element,
        named_contacts=project.named_contacts,
    )


def new_receipt_code() -> str:
    """XXXX-XXXX from the unambiguous alphabet, uniformly random (rejection sampling)."""
    size = len(RECEIPT_ALPHABET)
    limit = 256 - 256 % size
    chars: list[str] = []
    while len(chars) < 8:
        chars.extend(RECEIPT_ALPHABET[b % size] for b in secrets.token_bytes(12) if b < limit)
    return "".join(chars[:4]) + "-" + "".join(chars[4:8])


def _codes(ids: list[int]) -> list[Code]:
    return list(db.session.scalars(sa.select(Code).where(Code.id.in_(ids)).order_by(Code.key))) if ids else []


def _answer_text(question: Any, value: Any) -> str:
    return normalise_text(value) if kind_of(question).codable else ""


def stored_end(project: Project, record_uuid: str) -> Any:
    """When the interview stored under this UUID (in this project) ended, if there is one."""
    try:
        key = uuid_module.UUID(str(record_uuid))
    except ValueError:
        return None
    return db.session.scalar(sa.select(Interview.ended_at).where(Interview.uuid == key, Interview.project_id == project.id))


def _replayed(model: Any, project: Project, record_uuid: Any, fingerprint: str) -> Any:
    """The stored record for a UUID sent again with the same content; Conflict if it differs."""
    existing = db.session.scalar(sa.select(model).where(model.uuid == record_uuid))
    if existing is not None and (existing.fingerprint != fingerprint or existing.project_id != project.id):
        raise Conflict(existing)
    return existing


def record_interview(project: Project, round_: Round, version: GuideVersion, interviewer: User, clean: CleanInterview) -> tuple[Any, bool]:
    """Store an interview; returns it (``Stored``, or the stored Interview when it was sent before) and
    whether it is new. Raises Conflict on a changed replay (also for a UUID stored in another project).

    Insert first: a new record (the usual case) costs no lookup; a UUID that is taken shows up as a
    unique-constraint error, and only then is the stored record read."""
    fingerprint = clean.fingerprint()
    questions = published_questions(version)
    connection = db.session.connection()
    for attempt in range(3):
        code = clean.receipt_code if attempt == 0 and clean.receipt_code else new_receipt_code()
        row = _interview_row(project, round_, version, interviewer, clean, fingerprint, code)
        interview_id = insert_unless_taken(connection, Interview, row)
        if interview_id is not None:
            break
        # Another request stored the same UUID a moment ago, or the receipt code is taken in this
        # project (22^8 codes: rare); then draw a new code.
        existing = _replayed(Interview, project, clean.uuid, fingerprint)
        if existing is not None:
            return existing, False
    else:
        raise RuntimeError("three receipt codes in a row were taken")
    interview = Stored(interview_id, clean.uuid, project.id, code)
    _write_parts(interview.id, project.id, questions, clean)  # after the statement: the interview row is there
    _audit_created(interview, project, round_)
    return interview, True


def insert_unless_taken(connection: sa.Connection, model: Any, row: dict[str, Any]) -> int | None:
    """Insert one interview or contribution row; its id, or None when a unique constraint holds another row."""
    return connection.execute(UNLESS_TAKEN[model.__tablename__, connection.dialect.name], row).scalar_one_or_none()


@dataclass(frozen=True)
class _Repeat:
    """An interview sent twice in one batch: settled by the first one's result."""

    first: int  # the first one's position


def record_interviews(entries: list[tuple[Project, Round, GuideVersion, User, CleanInterview]]) -> list[Any]:
    """Store many interviews (a sync batch) with one multi-row INSERT.

    Returns, per entry in order, ``(record, created)`` or a ``Conflict``. UUIDs already stored, or sent
    twice in the batch, are replays; if the multi-row INSERT meets a unique constraint anyway (a
    concurrent request, a taken receipt code) every new entry goes the one-by-one way."""
    fingerprints = [clean.fingerprint() for *_rest, clean in entries]
    results, new = _sort_out(entries, fingerprints)
    if new:
        _insert_new(entries, fingerprints, new, results)
    for index, result in enumerate(results):
        if isinstance(result, _Repeat):
            results[index] = _repeat_of(results[result.first], fingerprints[result.first] == fingerprints[index])
    return results


def _sort_out(entries: list[Any], fingerprints: list[str]) -> tuple[list[Any], list[int]]:
    """Per entry: the result already known (stored before: a replay or a Conflict; sent twice: a ``_Repeat``),
    and the positions of the new ones."""
    table = Interview.__table__
    stored = {
        row.uuid: row
        for row in db.session.execute(
            sa.select(table.c.id, table.c.uuid, table.c.project_id, table.c.fingerprint, table.c.receipt_code).where(
                table.c.uuid.in_([clean.uuid for *_rest, clean in entries])
            )
        )
    }
    results: list[Any] = [None] * len(entries)
    first_of: dict[uuid_module.UUID, int] = {}
    new: list[int] = []
    for index, ((project, *_rest, clean), fingerprint) in enumerate(zip(entries, fingerprints, strict=True)):
        seen = stored.get(clean.uuid)
        if seen is not None:
            same = seen.fingerprint == fingerprint and seen.project_id == project.id
            results[index] = (seen, False) if same else Conflict(seen)
        elif clean.uuid in first_of:
            results[index] = _Repeat(first_of[clean.uuid])
        else:
            first_of[clean.uuid] = index
            new.append(index)
    return results, new


def _insert_new(entries: list[Any], fingerprints: list[str], new: list[int], results: list[Any]) -> None:
    """The new interviews in one INSERT, then their parts; one by one if the INSERT meets a constraint."""
    rows = [_interview_row(*entries[i][:4], entries[i][4], fingerprints[i], entries[i][4].receipt_code or new_receipt_code()) for i in new]
    connection = db.session.connection()
    try:
        # A savepoint keeps the transaction usable if the multi-row INSERT meets a unique constraint
        # (PostgreSQL aborts a transaction on an error; SQLAlchemy may send the rows as several statements).
        with connection.begin_nested():
            ids = connection.execute(INSERT_INTERVIEWS, rows).scalars().all()
    except sa.exc.IntegrityError:
        for index in new:
            try:
                results[index] = record_interview(*entries[index])
            except Conflict as conflict:
                results[index] = conflict
        return
    for row, record_id, index in zip(rows, ids, new, strict=True):
        project, round_, version, _interviewer, clean = entries[index]
        record = Stored(record_id, clean.uuid, project.id, row["receipt_code"])
        _write_parts(record.id, project.id, published_questions(version), clean)
        _audit_created(record, project, round_)
        results[index] = (record, True)


def _repeat_of(first: Any, same_content: bool) -> Any:
    """The result of an interview sent again in the same batch, given the first one's."""
    if isinstance(first, Conflict):
        return Conflict(first.existing)
    return (first[0], False) if same_content else Conflict(first[0])


def _interview_row(
    project: Project, round_: Round, version: GuideVersion, interviewer: User, clean: CleanInterview, fingerprint: str, code: str
) -> dict[str, Any]:
    return dict(
        uuid=clean.uuid,
        project_id=project.id,
        round_id=round_.id,
        guide_version_id=version.id,
        interviewer_id=interviewer.id,
        started_at=clean.started_at,
        ended_at=clean.ended_at,
        area_id=area_for(project.id, clean.area_id, clean.gps),
        street=clean.street,
        gps_lat=clean.gps["lat"] if clean.gps else None,
        gps_lon=clean.gps["lon"] if clean.gps else None,
        gps_accuracy=clean.gps["accuracy"] if clean.gps else None,
        respondent_type=clean.respondent_type,
        mode=clean.mode,
        age_band=clean.age_band,
        consent=clean.consent,
        receipt_code=code,
        fingerprint=fingerprint,
        created_at=utcnow(),
        updated_at=utcnow(),
    )


def _audit_created(record: Stored, project: Project, round_: Round, model: Any = Interview) -> None:
    """The audit row of a new interview or contribution, written at once (the sync hot path)."""
    audit.record(
        f"{model.__name__.lower()}.create",
        record,
        object_type=model.__name__,
        project_id=project.id,
        details={"uuid": str(record.uuid), "round": round_.id},
        immediate=True,
    )


def _write_parts(interview_id: int, project_id: int, questions: Any, clean: CleanInterview) -> None:
    """Answers, theme tags, reflection, contact details and photos (buffered within a sync batch)."""
    insert_rows(
        INSERT_ANSWERS,
        [
            {
                "interview_id": interview_id,
                "question_id": q.id,
                "value": clean.answers[q.key],
                "text": _answer_text(q, clean.answers[q.key]),
            }
            for q in questions
            if q.key in clean.answers
        ],
    )
    insert_rows(INSERT_TAGS, [{"interview_id": interview_id, "code_id": c} for c in clean.tag_ids])
    if clean.reflection:
        insert_rows(INSERT_REFLECTION, [{"interview_id": interview_id, **clean.reflection}])
    if clean.contact:
        insert_rows(INSERT_CONTACT, [{"interview_id": interview_id, **clean.contact}])
    if clean.named:
        insert_rows(INSERT_NAMED, [{"interview_id": interview_id, "created_at": utcnow(), **clean.named}])
    for question in questions:
        uuids = kind_of(question).photos(clean.answers.get(question.key))
        if uuids:
            photos.declare(project_id, "interview", interview_id, uuids, question_id=question.id)


def _set_answers(interview: Interview, questions: Any, answers: dict[str, Any], new: bool = False) -> dict[str, list[Any]]:
    """Make the interview's answers equal ``answers``; returns what changed, per key."""
    by_id = {q.id: q for q in questions}
    current = {} if new else {by_id[a.question_id].key: a for a in interview.answers if a.question_id in by_id}
    changes: dict[str, list[Any]] = {}
    for question in questions:
        key = question.key
        old = current.get(key)
        if key in answers:
            if old is None:
                interview.answers.append(Answer(question_id=question.id, value=answers[key], text=_answer_text(question, answers[key])))
                changes[key] = [None, answers[key]]
            elif old.value != answers[key]:
                changes[key] = [old.value, answers[key]]
                old.value = answers[key]
                old.text = _answer_text(question, answers[key])
        elif old is not None:
            changes[key] = [old.value, None]
            interview.answers.remove(old)
    return changes


def _changed_keys(changes: dict[str, Any]) -> list[str]:
    """``area_id``, ``answers.q3``, ...: the names of what changed, without the values."""
    keys = [key for key in changes if key != "answers"]
    keys += [f"answers.{key}" for key in changes.get("answers", {})]
    return sorted(keys)


def correct_interview(interview: Interview, clean: CleanInterview) -> dict[str, Any]:
    """A coordinator's correction of answers, place and profile; every change is audited.

    The device's fingerprint stays: the original submission can still be replayed safely.
    """
    changes: dict[str, Any] = {}
    for attribute in ("area_id", "street", "respondent_type", "age_band"):
        new = getattr(clean, attribute)
        old = getattr(interview, attribute)
        if new != old:
            changes[attribute] = [getattr(old, "value", old), getattr(new, "value", new)]
            setattr(interview, attribute, new)
    answer_changes = _set_answers(interview, published_questions(interview.guide_version), clean.answers)
    if answer_changes:
        changes["answers"] = answer_changes
    _retag(interview, clean.tag_ids, changes)
    if changes:
        db.session.flush()
        # Which fields and answers changed, not what they said: the audit log outlives an erasure.
        audit.record("interview.update", interview, details={"changed": _changed_keys(changes)})
    return changes


def record_contribution(project: Project, round_: Round, author: User, clean: CleanContribution) -> tuple[Any, bool]:
    """Store a contribution; returns it (``Stored``, or the stored Contribution when it was sent before)
    and whether it is new. Raises Conflict on a changed replay. Insert first, as ``record_interview``."""
    fingerprint = clean.fingerprint()
    contribution_id = insert_unless_taken(
        db.session.connection(),
        Contribution,
        dict(
            uuid=clean.uuid,
            project_id=project.id,
            round_id=round_.id,
            author_id=author.id,
            recorded_at=clean.recorded_at,
            text=clean.text,
            area_id=area_for(project.id, clean.area_id, clean.gps),
            street=clean.street,
            receipt_code=clean.receipt_code,
            gps_lat=clean.gps["lat"] if clean.gps else None,
            gps_lon=clean.gps["lon"] if clean.gps else None,
            gps_accuracy=clean.gps["accuracy"] if clean.gps else None,
            element_id=clean.element_id,
            quality=clean.quality,
            fingerprint=fingerprint,
            created_at=utcnow(),
            updated_at=utcnow(),
        ),
    )
    if contribution_id is None:  # its UUID was stored a moment ago (a contribution's receipt code is its own)
        existing = _replayed(Contribution, project, clean.uuid, fingerprint)
        if existing is None:
            raise RuntimeError("a contribution's row was refused by a unique constraint other than its UUID")
        return existing, False
    insert_rows(INSERT_CONTRIBUTION_TAGS, [{"contribution_id": contribution_id, "code_id": c} for c in clean.tag_ids])
    if clean.photos:
        photos.declare(project.id, "contribution", contribution_id, clean.photos)
    record = Stored(contribution_id, clean.uuid, project.id, clean.receipt_code)
    _audit_created(record, project, round_, Contribution)
    return record, True


def _retag(record: Interview | Contribution, tag_ids: list[int], changes: dict[str, Any]) -> None:
    """Give a record exactly these theme tags, noting the change (by code key) in ``changes``."""
    if sorted(t.id for t in record.tags) != sorted(tag_ids):
        old_keys = sorted(t.key for t in record.tags)
        record.tags = _codes(tag_ids)
        changes["tags"] = [old_keys, [t.key for t in record.tags]]


def correct_contribution(contribution: Contribution, clean: CleanContribution) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    point = clean.gps or {}
    for attribute, new in (("gps_lat", point.get("lat")), ("gps_lon", point.get("lon")), ("gps_accuracy", point.get("accuracy"))):
        if new != getattr(contribution, attribute):
            changes["gps"] = True
            setattr(contribution, attribute, new)
    for attribute in ("text", "area_id", "street", "receipt_code", "element_id", "quality"):
        new, old = getattr(clean, attribute), getattr(contribution, attribute)
        if new != old:
            changes[attribute] = [old, new]
            setattr(contribution, attribute, new)
    _retag(contribution, clean.tag_ids, changes)
    if changes:
        db.session.flush()
        audit.record("contribution.update", contribution, details={"changed": _changed_keys(changes)})
    return changes


def load_interview(interview_id: int) -> Interview | None:
    return db.session.scalar(
        sa.select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.answers).selectinload(Answer.question),
            selectinload(Interview.tags),
        )
    )


def record_route(project: Project, round_: Round, walker: User, clean: CleanRoute) -> tuple[Any, bool]:
    """Store a stretch of a walk's route; idempotent per UUID as a contribution."""
    fingerprint = clean.fingerprint()
    route_id = insert_unless_taken(
        db.session.connection(),
        WalkRoute,
        dict(
            uuid=clean.uuid,
            project_id=project.id,
            round_id=round_.id,
            walker_id=walker.id,
            started_at=clean.started_at,
            ended_at=clean.ended_at,
            points=clean.points,
            fingerprint=fingerprint,
            created_at=utcnow(),
        ),
    )
    if route_id is None:
        existing = _replayed(WalkRoute, project, clean.uuid, fingerprint)
        if existing is None:
            raise RuntimeError("a route's row was refused by a unique constraint other than its UUID")
        return existing, False
    return Stored(route_id, clean.uuid, project.id), True
