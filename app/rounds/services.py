"""Planning rounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import audit
from ..extensions import db
from ..guides.services import guides_of, published_of
from ..models import Area, Guide, InfoFormat, Membership, Project, Role, Round, RoundKind, User

ROUND_FIELDS = ("name", "guide_id", "starts_on", "ends_on", "info_format", "place", "starts_at", "attendee_count", "session_notes")


@dataclass
class RoundData:
    kind: RoundKind
    name: str
    guide_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    info_format: InfoFormat | None = None
    place: str = ""
    starts_at: datetime | None = None
    attendee_count: int | None = None
    session_notes: str = ""
    area_ids: list[int] = field(default_factory=list)
    interviewer_ids: list[int] = field(default_factory=list)


def rounds_of(project: Project) -> list[Round]:
    return list(
        db.session.scalars(
            sa.select(Round)
            .where(Round.project_id == project.id)
            .options(selectinload(Round.guide), selectinload(Round.areas), selectinload(Round.interviewers))
            .order_by(Round.created_at.desc(), Round.id.desc())
        )
    )


def round_names(project: Project) -> list[sa.Row[Any]]:
    """The project's rounds as (id, name), newest first: all a filter or a choice list shows (without
    the guide, areas and interviewers ``rounds_of`` loads, three queries more on every dashboard)."""
    return list(
        db.session.execute(
            sa.select(Round.id, Round.name).where(Round.project_id == project.id).order_by(Round.created_at.desc(), Round.id.desc())
        )
    )


def field_workers(project: Project) -> list[User]:
    """The people who can be assigned to a round: the project's interviewers and coordinators."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(Membership.project_id == project.id, Membership.role.in_([Role.interviewer, Role.coordinator]))
            .order_by(User.name)
        )
    )


def _apply(round_: Round, project: Project, data: RoundData) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ROUND_FIELDS:
        new = getattr(data, name)
        old = getattr(round_, name)
        if new != old:
            changes[name] = [str(old) if old is not None else None, str(new) if new is not None else None]
            setattr(round_, name, new)
    areas = list(db.session.scalars(sa.select(Area).where(Area.project_id == project.id, Area.id.in_(data.area_ids))))
    if sorted(a.id for a in round_.areas) != sorted(a.id for a in areas):
        changes["areas"] = sorted(a.id for a in areas)
        round_.areas = areas
    workers = [u for u in field_workers(project) if u.id in data.interviewer_ids]
    if sorted(u.id for u in round_.interviewers) != sorted(u.id for u in workers):
        changes["interviewers"] = sorted(u.id for u in workers)
        round_.interviewers = workers
    return changes


def create_round(project: Project, data: RoundData) -> Round:
    round_ = Round(project_id=project.id, kind=data.kind, name=data.name)
    db.session.add(round_)
    _apply(round_, project, data)
    db.session.flush()
    audit.record("round.create", round_, details={"name": round_.name, "kind": data.kind.value})
    return round_


def update_round(round_: Round, project: Project, data: RoundData) -> dict[str, Any]:
    changes = _apply(round_, project, data)
    if changes:
        db.session.flush()
        audit.record("round.update", round_, details={"changes": changes})
    return changes


def update_session(round_: Round, attendee_count: int | None, session_notes: str) -> None:
    """The attendee count and notes of an information-round session."""
    changes = {}
    if attendee_count != round_.attendee_count:
        changes["attendee_count"] = [round_.attendee_count, attendee_count]
        round_.attendee_count = attendee_count
    if session_notes != round_.session_notes:
        changes["session_notes"] = True
        round_.session_notes = session_notes
    if changes:
        audit.record("round.session", round_, details=changes)


def guides_for_rounds(project: Project) -> list[Guide]:
    """Guides with at least one published version: the ones a round can use."""
    return [g for g in guides_of(project) if published_of(g) is not None and not g.archived]
