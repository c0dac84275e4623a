"""Projects, their areas and who takes part in them."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow
from .users import User

DEFAULT_RESPONDENTS = ("resident", "entrepreneur", "passer_by")


class Role(str, enum.Enum):
    """A person's role in one project."""

    coordinator = "coordinator"
    interviewer = "interviewer"
    viewer = "viewer"


class AreaLevel(str, enum.Enum):
    stadsdeel = "stadsdeel"
    wijk = "wijk"
    buurt = "buurt"


def new_public_key() -> str:
    """The unguessable part of a project's public information page address."""
    return secrets.token_urlsafe(12)


class Project(db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    sponsor: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    resident_text: Mapped[str] = mapped_column(sa.Text, default="")
    # How long the raw input is kept, and (shorter) the personal data in it: contact details,
    # personal details in free text, exact GPS points. Counted from the day it was recorded.
    retention_months: Mapped[int] = mapped_column(default=24)
    personal_retention_months: Mapped[int] = mapped_column(default=12, server_default="12")
    # How residents reach the municipality about this project (public page and information card).
    contact_info: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    public_key: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_key)
    # The kinds of respondent an interview offers (RespondentType values, in order); None: the
    # first three (resident, entrepreneur, passer-by), as before projects chose their own.
    respondent_types: Mapped[list[str] | None] = mapped_column(sa.JSON)
    # Whether an interview may record who was heard by name (initiators, organisations).
    named_contacts: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    archived: Mapped[bool] = mapped_column(default=False)
    # Interviewers may code their own input on the workbench.
    interviewers_may_code: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Dashboard cells based on fewer people than this show as "< n" to viewers.
    small_numbers: Mapped[int] = mapped_column(default=3, server_default="3")
    # The public information page shows what was heard per area (themes only, small numbers hidden)
    # and what the municipality does with it: only once the coordinator publishes it.
    publish_results: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="project", cascade="all, delete-orphan")
    areas: Mapped[list[Area]] = relationship(back_populates="project", cascade="all, delete-orphan", order_by="Area.path")

    @property
    def offered_respondents(self) -> list[str]:
        """The respondent types this project's interviews offer, in its order."""
        return list(self.respondent_types or DEFAULT_RESPONDENTS)

    __table_args__ = (
        sa.CheckConstraint("retention_months > 0", name="retention_positive"),
        sa.CheckConstraint(
            "personal_retention_months > 0 AND personal_retention_months <= retention_months", name="personal_retention_range"
        ),
        sa.CheckConstraint("small_numbers BETWEEN 1 AND 100", name="small_numbers_range"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period_order"),
    )

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.name}>"


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20, create_constraint=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    project: Mapped[Project] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "project_id"),)


class Invitation(db.Model):
    """A colleague invited by e-mail into a project with a role. The link's token is kept only as
    its SHA-256 digest; it sets a password once, before ``expires_at``."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20, create_constraint=True))
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped[Project] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class Area(db.Model):
    """A stadsdeel, wijk or buurt of one project; ``path`` ("Almere Stad/Filmwijk") is unique."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    level: Mapped[AreaLevel] = mapped_column(sa.Enum(AreaLevel, native_enum=False, length=20, create_constraint=True))
    name: Mapped[str] = mapped_column(sa.String(120))
    path: Mapped[str] = mapped_column(sa.String(400))
    kind: Mapped[str] = mapped_column(sa.String(40), default="")
    # No longer offered for new records (renamed away, split, left the project's scope); what was
    # recorded in it stays and counts.
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    cbs_code: Mapped[str | None] = mapped_column(sa.String(10))
    cbs_year: Mapped[int | None]
    # Its shape: a GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude), as imported.
    outline: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The same shape with fewer points (about 2 m), made on import: what maps on a page draw.
    outline_simple: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # A digest of the outline: each server keeps its index of outlines until a digest changes.
    outline_key: Mapped[str | None] = mapped_column(sa.String(16))

    project: Mapped[Project] = relationship(back_populates="areas")
    parent: Mapped[Area | None] = relationship(remote_side=[id])

    __table_args__ = (
        sa.UniqueConstraint("project_id", "path"),
        sa.CheckConstraint("cbs_year IS NULL OR cbs_code IS NOT NULL", name="year_needs_code"),
    )

    @property
    def depth(self) -> int:
        return self.path.count("/")

    @property
    def label(self) -> str:
        """The path as people read it, the one notation everywhere: "Almere Haven › De Werven"."""
        return self.path.replace("/", " › ")
