"""Creating and changing projects and their membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from .. import audit
from ..codebook import services as codebook
from ..elements import services as elements
from ..extensions import db
from ..guides.services import guides_of, published_of
from ..models import Area, Membership, Project, Role, Round, User

PROJECT_FIELDS = (
    "name",
    "purpose",
    "sponsor",
    "starts_on",
    "ends_on",
    "resident_text",
    "contact_info",
    "retention_months",
    "personal_retention_months",
    "interviewers_may_code",
    "small_numbers",
    "publish_results",
    "archived",
    "respondent_types",
    "named_contacts",
)


class MembershipError(ValueError):
    """A membership change that would leave the project in a bad state."""


@dataclass
class ProjectData:
    name: str
    purpose: str = ""
    sponsor: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    resident_text: str = ""
    contact_info: str = ""
    retention_months: int = 24
    personal_retention_months: int = 12
    interviewers_may_code: bool = False
    small_numbers: int = 3
    publish_results: bool = False
    archived: bool = False
    respondent_types: list[str] | None = None  # None: the default three
    named_contacts: bool = False


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def create_project(data: ProjectData, creator: User, codebook_rows: list[dict[str, Any]] | None = None) -> Project:
    """A new project; its creator becomes its first coordinator. Its codebook: the given rows
    (a template's, another project's), else the default public-space codebook."""
    project = Project(**{f: getattr(data, f) for f in PROJECT_FIELDS})
    db.session.add(project)
    db.session.flush()
    db.session.add(Membership(project_id=project.id, user_id=creator.id, role=Role.coordinator))
    if codebook_rows is not None:
        codebook.seed(project, codebook_rows)
    else:
        codebook.seed_default(project)
    elements.seed_catalogue(project)
    audit.record("project.create", project, details={"name": project.name})
    db.session.flush()
    return project


def update_project(project: Project, data: ProjectData) -> dict[str, Any]:
    """Apply the changed fields and return them, old and new, as written to the audit log."""
    changes: dict[str, Any] = {}
    for field in PROJECT_FIELDS:
        new = getattr(data, field)
        old = getattr(project, field)
        if new != old:
            changes[field] = [_json_value(old), _json_value(new)]
            setattr(project, field, new)
    if changes:
        audit.record("project.update", project, details={"changes": changes})
        db.session.flush()
    return changes


def members_of(project: Project) -> list[Membership]:
    """The team with each member's account loaded in the same query."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(User)
            .options(contains_eager(Membership.user))
            .where(Membership.project_id == project.id)
            .order_by(Membership.role, User.name)
        )
    )


def area_count(project: Project) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Area).where(Area.project_id == project.id)) or 0


@dataclass
class SetupStep:
    """One step of setting a project up, in the order the work goes: areas, team, guide, round."""

    key: str
    count: int

    @property
    def done(self) -> bool:
        return self.count > 0


def setup_steps(project: Project) -> list[SetupStep]:
    interviewers = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.project_id == project.id, Membership.role == Role.interviewer)
        )
        or 0
    )
    rounds = db.session.scalar(sa.select(sa.func.count()).select_from(Round).where(Round.project_id == project.id)) or 0
    published = sum(1 for guide in guides_of(project) if published_of(guide) is not None and not guide.archived)
    return [
        SetupStep("areas", area_count(project)),
        SetupStep("team", interviewers),
        SetupStep("guide", published),
        SetupStep("round", rounds),
    ]


def _coordinator_count(project: Project) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.project_id == project.id, Membership.role == Role.coordinator)
        )
        or 0
    )


def add_member(project: Project, user: User, role: Role) -> Membership:
    existing = db.session.scalar(sa.select(Membership).where(Membership.project_id == project.id, Membership.user_id == user.id))
    if existing is not None:
        raise MembershipError("already_member")
    membership = Membership(project_id=project.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record("membership.create", membership, details={"user": user.email, "role": role.value})
    return membership


def change_role(membership: Membership, role: Role) -> None:
    if membership.role == role:
        return
    if membership.role == Role.coordinator and _coordinator_count(membership.project) <= 1:
        raise MembershipError("last_coordinator")
    old = membership.role
    membership.role = role
    audit.record(
        "membership.update",
        membership,
        details={"user": membership.user.email, "role": [old.value, role.value]},
    )
    db.session.flush()


def remove_member(membership: Membership) -> None:
    if membership.role == Role.coordinator and _coordinator_count(membership.project) <= 1:
        raise MembershipError("last_coordinator")
    audit.record("membership.delete", membership, details={"user": membership.user.email, "role": membership.role.value})
    db.session.delete(membership)
    db.session.flush()
