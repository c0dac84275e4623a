"""Recording one interview or contribution: the one path for the capture form and the sync API.

Every record goes the same way, whoever sends it: project (the person records in it) → erased? → round
(of this project, one the person may record in) → guide version (a published version of the round's
guide) → validate → store. ``interview`` and ``contribution`` return what happened: ``Recorded``, or
``Refused`` with a status and what was wrong (nothing of it is stored); in a batch a valid interview is
``Deferred`` and stored with the others (``services.record_interviews``). The form shows a refusal at
its fields, the API sends it as JSON (``sync.services``).

Lookups are shared by the records of one request (a batch names the same project, round and version many
times).
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import gettext as _

from ..access import Permission, may_capture_in, permissions_in
from ..extensions import db
from ..guides.services import published_questions
from ..i18n import N_
from ..inputs import database_id
from ..models import ErasedRecord, GuideVersion, InfoFormat, Project, Round, RoundKind, User
from ..photos import services as photos
from ..questions import kind_of
from . import services
from .validation import Errors, Message, validate_contribution, validate_interview, validate_route


@dataclass
class Recorded:
    record: Any  # the stored record (or what a device needs of it: ``services.Stored``)
    created: bool  # False: the same record sent again


@dataclass
class Refused:
    """Why nothing was stored: 403 (not this person's project or round), 409 (the UUID holds other
    content), 410 (the record was erased), 422 (invalid: ``errors`` per field)."""

    status: int
    error: str  # a short code: forbidden, conflict, erased, invalid
    text: str = ""
    errors: Errors = field(default_factory=dict)
    existing: Any = None  # for 409: what the UUID holds


@dataclass
class Deferred:
    """A valid interview of a batch, stored with the others at the end of the batch."""

    position: int


def invalid(field_name: str, text: str) -> Refused:
    return Refused(422, "invalid", errors={field_name: [Message(text)]})


def photo_taken() -> Refused:
    return Refused(409, "conflict", _("A photo of this record has a UUID another record already uses; nothing was stored."))


def conflict(existing: Any) -> Refused:
    return Refused(409, "conflict", _("This UUID was already stored with other content; nothing was changed."), existing=existing)


def _memo() -> dict[Any, Any]:
    if not has_request_context():
        return {}
    return g.setdefault("_recording_memo", {})


def permissions(project: Project, user: User) -> frozenset[Permission]:
    memo, key = _memo(), ("permissions", project.id, user.id)
    if key not in memo:
        memo[key] = permissions_in(project, user)
    return memo[key]


def erased_among(uuids: list[Any]) -> set[uuid_module.UUID]:
    """Which of these UUIDs belong to erased records (one query for a whole batch)."""
    keys = {key for key in map(_uuid, uuids) if key is not None}
    if not keys:
        return set()
    return set(db.session.scalars(sa.select(ErasedRecord.uuid).where(ErasedRecord.uuid.in_(keys))))


@dataclass(frozen=True)
class _RoundFacts:
    project_id: int
    guide_id: int | None
    kind: RoundKind
    may_capture: bool
    row: Round


def _round(project: Project, round_id: Any, user: User) -> Round | Refused:
    if not isinstance(round_id, int) or database_id(round_id) is None:
        return invalid("round_id", N_("Choose a round of this project."))
    memo, key = _memo(), ("round", round_id, user.id)
    if key not in memo:
        row = db.session.get(Round, round_id)
        memo[key] = (
            None
            if row is None
            else _RoundFacts(row.project_id, row.guide_id, row.kind, may_capture_in(row, user, permissions(project, user)), row)
        )
    facts = memo[key]
    if facts is None or facts.project_id != project.id:
        return invalid("round_id", N_("Choose a round of this project."))
    if not facts.may_capture:
        return Refused(403, "forbidden", _("You are not assigned to this round."))
    return facts.row


def _version(version_id: Any, round_: Round) -> tuple[GuideVersion, tuple[Any, ...]] | Refused:
    """A published version of the round's guide and its questions."""
    refused = invalid("guide_version_id", N_("Choose a published version of this round's guide."))
    if not isinstance(version_id, int) or database_id(version_id) is None:
        return refused
    memo, key = _memo(), ("version", version_id)
    if key not in memo:
        version = db.session.get(GuideVersion, version_id)
        ok = version is not None and version.is_published
        memo[key] = (version, version.guide_id if ok else None, published_questions(version) if ok else ())
    version, guide_id, questions = memo[key]
    if guide_id is None or guide_id != round_.guide_id:
        return refused
    return version, questions


def _context(project: Project) -> Any:
    memo, key = _memo(), ("context", project.id)
    if key not in memo:
        memo[key] = services.context_for(project)
    return memo[key]


def _admitted(project: Project, payload: dict[str, Any], user: User, erased: set[Any] | None) -> Round | Refused:
    """The first steps every record takes: the project, erased or not, the round."""
    if Permission.capture not in permissions(project, user):
        return Refused(403, "forbidden", _("You do not record in this project."))
    record_uuid = payload.get("uuid")
    if erased is None:
        erased = erased_among([record_uuid])
    if _uuid(record_uuid) in erased:
        return Refused(410, "erased", _("This record was erased; the device may forget it."))  # only told to who records here
    return _round(project, payload.get("round_id"), user)


def _uuid(value: Any) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(str(value))
    except ValueError:
        return None


def interview(
    project: Project, payload: dict[str, Any], user: User, erased: set[Any] | None = None, defer: list[Any] | None = None
) -> Recorded | Refused | Deferred:
    """Record an interview sent as ``payload`` (the sync API's shape) by ``user``.

    ``erased``: the batch's erased UUIDs, looked up beforehand; ``defer``: a batch's list, to which a valid
    interview is added instead of stored now."""
    round_ = _admitted(project, payload, user, erased)
    if isinstance(round_, Refused):
        return round_
    found = _version(payload.get("guide_version_id"), round_)
    if isinstance(found, Refused):
        return found
    version, questions = found
    clean, errors = validate_interview(questions, payload, _context(project))
    if clean is None:
        return Refused(422, "invalid", errors=errors)
    named = [uuid for q in questions for uuid in kind_of(q).photos(clean.answers.get(q.key))]
    if named and photos.taken_elsewhere(named, clean.uuid):
        return photo_taken()
    if defer is not None:
        defer.append((project, round_, version, user, clean))
        return Deferred(len(defer) - 1)
    try:
        return Recorded(*services.record_interview(project, round_, version, user, clean))
    except services.Conflict as error:
        return conflict(error.existing)


def contribution(project: Project, payload: dict[str, Any], user: User, erased: set[Any] | None = None) -> Recorded | Refused:
    """Record a contribution sent as ``payload`` (the sync API's shape) by ``user``."""
    round_ = _admitted(project, payload, user, erased)
    if isinstance(round_, Refused):
        return round_
    if round_.kind != RoundKind.info:
        return invalid("round_id", N_("Contributions belong to an information round."))
    clean, errors = validate_contribution(payload, _context(project))
    if clean is None:
        return Refused(422, "invalid", errors=errors)
    if clean.photos and photos.taken_elsewhere(clean.photos, clean.uuid):
        return photo_taken()
    try:
        return Recorded(*services.record_contribution(project, round_, user, clean))
    except services.Conflict as error:
        return conflict(error.existing)


def route(project: Project, payload: dict[str, Any], user: User, erased: set[Any] | None = None) -> Recorded | Refused:
    """Record a stretch of a walk's route sent as ``payload`` by ``user``."""
    round_ = _admitted(project, payload, user, erased)
    if isinstance(round_, Refused):
        return round_
    if round_.kind != RoundKind.info or round_.info_format != InfoFormat.walk:
        return invalid("round_id", N_("A route belongs to a walk (wijkschouw)."))
    clean, errors = validate_route(payload)
    if clean is None:
        return Refused(422, "invalid", errors=errors)
    try:
        return Recorded(*services.record_route(project, round_, user, clean))
    except services.Conflict as error:
        return conflict(error.existing)


def settled(result: Any) -> Recorded | Refused:
    """A deferred interview's result from ``services.record_interviews``."""
    if isinstance(result, services.Conflict):
        return conflict(result.existing)
    return Recorded(*result)
