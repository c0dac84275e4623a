"""What the residents page shows besides a lookup: retention at a glance, and residents waiting
to hear back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..areas.services import area_tree
from ..extensions import db
from ..filters import Filters
from ..insights import queries as insights
from ..models import ActionInput, ActionItem, ActionStatus, Answer, Area, AreaLevel, ContactDetails, Contribution, Interview, Project
from ..models.types import utcnow
from .retention import cutoffs


def public_project(key: str) -> Project | None:
    if not key or len(key) > 32:
        return None
    project = db.session.scalar(sa.select(Project).where(Project.public_key == key))
    return project if project is not None and not project.archived else None


@dataclass
class Waiting:
    """A resident who left contact details, and the action items resting on what they said."""

    interview: Interview
    contact: ContactDetails
    actions: list[ActionItem]

    @property
    def to_tell(self) -> list[ActionItem]:
        """Decided actions (done or rejected) the residents have not yet heard about."""
        return [a for a in self.actions if a.status in (ActionStatus.done, ActionStatus.rejected) and not a.feedback_given]


def waiting_for_feedback(project: Project, limit: int = 200) -> list[Waiting]:
    interviews = list(
        db.session.scalars(
            sa.select(Interview)
            .join(Interview.contact)
            .where(Interview.project_id == project.id)
            .options(selectinload(Interview.contact))
            .order_by(Interview.started_at.desc())
            .limit(limit)
        )
    )
    by_interview: dict[int, list[ActionItem]] = {}
    if interviews:
        rows = db.session.execute(
            sa.select(Answer.interview_id, ActionItem)
            .join(ActionInput, ActionInput.answer_id == Answer.id)
            .join(ActionItem, ActionItem.id == ActionInput.action_id)
            .where(Answer.interview_id.in_([i.id for i in interviews]))
            .order_by(ActionItem.id)
        ).all()
        for interview_id, action in rows:
            found = by_interview.setdefault(interview_id, [])
            if action not in found:
                found.append(action)
    waiting = [Waiting(i, i.contact, by_interview.get(i.id, [])) for i in interviews if i.contact is not None]
    # Those with news to tell first, then the rest (newest first).
    return sorted(waiting, key=lambda w: not w.to_tell)


def due(project: Project) -> dict[str, int]:
    """How much the next purge would take, roughly (the dry run of ``purge-expired`` is exact)."""
    personal_before, input_before = cutoffs(project, utcnow())
    count = lambda query: db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0  # noqa: E731
    return {
        "interviews": count(sa.select(Interview.id).where(Interview.project_id == project.id, Interview.started_at < input_before)),
        "contributions": count(
            sa.select(Contribution.id).where(Contribution.project_id == project.id, Contribution.recorded_at < input_before)
        ),
        "contact_details": count(
            sa.select(ContactDetails.id)
            .join(Interview, Interview.id == ContactDetails.interview_id)
            .where(Interview.project_id == project.id, Interview.started_at < personal_before)
        ),
    }


def overview(project: Project) -> dict[str, Any]:
    return {"waiting": waiting_for_feedback(project), "due": due(project)}


@dataclass
class PublicArea:
    area: Area | None  # None: the whole project
    people: int
    themes: list[str]  # the most raised themes, each raised by at least the threshold


def public_results(project: Project) -> tuple[list[PublicArea], list[ActionItem]]:
    """What the public page shows once the coordinator publishes it: per stadsdeel and wijk the themes
    most raised (no texts, nothing resting on fewer people than the project's threshold) and the
    action items with their status."""
    threshold = project.small_numbers
    found = []
    for area in [None, *(a for a in area_tree(project) if a.level in (AreaLevel.stadsdeel, AreaLevel.wijk))]:
        where = Filters(area_id=area.id if area else None)
        records, _columns = insights.participation(project, where, None)
        people = sum(r.people for r in records)
        if people < threshold:
            continue
        themes, _totals = insights.overview(project, where)
        shown = sorted((t for t in themes if t.people >= threshold), key=lambda t: (-t.people, t.key))[:3]
        found.append(PublicArea(area, people, [t.name for t in shown]))
    actions = list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.project_id == project.id, ActionItem.status != ActionStatus.rejected)
            .options(selectinload(ActionItem.area))
            .order_by(ActionItem.status, ActionItem.id)
        )
    )
    return found, actions
