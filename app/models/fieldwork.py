"""Field work: rounds, interviews with their answers, and information-round contributions.

Interviews and contributions carry a UUID made on the device that recorded them, so that a
device can send the same record again without it being stored twice.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .codebook import Code
from .elements import Element
from .guides import Guide, GuideVersion, Question
from .projects import Area
from .types import UTCDateTime, enum_column, utcnow
from .users import User


class RoundKind(str, enum.Enum):
    street = "street"  # street interviews
    info = "info"  # information round: an evening, a drop-in or a neighbourhood walk


class InfoFormat(str, enum.Enum):
    resident_evening = "resident_evening"
    drop_in = "drop_in"
    walk = "walk"  # wijkschouw


class RespondentType(str, enum.Enum):
    """Who was heard. Each project offers its own choice of these (``Project.respondent_types``)."""

    resident = "resident"
    entrepreneur = "entrepreneur"
    passer_by = "passer_by"
    organisation = "organisation"
    professional = "professional"
    initiator = "initiator"
    partner = "partner"


class AgeBand(str, enum.Enum):
    under_18 = "under_18"
    age_18_29 = "18_29"
    age_30_44 = "30_44"
    age_45_64 = "45_64"
    age_65_79 = "65_79"
    age_80_plus = "80_plus"


class ListeningLevel(str, enum.Enum):
    downloading = "downloading"
    factual = "factual"
    empathic = "empathic"
    generative = "generative"


round_areas = sa.Table(
    "round_areas",
    db.metadata,
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)
round_interviewers = sa.Table(
    "round_interviewers",
    db.metadata,
    sa.Column("round_id", sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
interview_tags = sa.Table(
    "interview_tags",
    db.metadata,
    sa.Column("interview_id", sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_id", sa.ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True),
)
contribution_tags = sa.Table(
    "contribution_tags",
    db.metadata,
    sa.Column("contribution_id", sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_id", sa.ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True),
)


class Round(db.Model):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    guide_id: Mapped[int | None] = mapped_column(sa.ForeignKey("guides.id", ondelete="RESTRICT"))
    # street interviews
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # information round
    info_format: Mapped[InfoFormat | None] = mapped_column(enum_column(InfoFormat))
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendee_count: Mapped[int | None]
    session_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    guide: Mapped[Guide | None] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=round_areas, order_by=Area.path)
    interviewers: Mapped[list[User]] = relationship(secondary=round_interviewers, order_by=User.name)

    __table_args__ = (
        sa.CheckConstraint("attendee_count IS NULL OR attendee_count >= 0", name="attendees_not_negative"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period_order"),
    )


class Interview(db.Model):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    guide_version_id: Mapped[int] = mapped_column(sa.ForeignKey("guide_versions.id", ondelete="RESTRICT"), index=True)
    interviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    street: Mapped[str] = mapped_column(sa.String(120), default="")
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    gps_accuracy: Mapped[float | None]
    respondent_type: Mapped[RespondentType | None] = mapped_column(enum_column(RespondentType))
    # How it was taken: "talk" (asked by the interviewer), "self" (the resident filled it in alone on
    # the tablet) or "paper" (typed in afterwards from a paper form).
    mode: Mapped[str] = mapped_column(sa.String(10), default="talk", server_default="talk")
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand))
    consent: Mapped[bool]
    receipt_code: Mapped[str] = mapped_column(sa.String(9))
    # Hash of the content as first submitted: a replay with the same UUID must match it.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    guide_version: Mapped[GuideVersion] = relationship()
    interviewer: Mapped[User | None] = relationship()
    area: Mapped[Area | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="interview", cascade="all, delete-orphan")
    tags: Mapped[list[Code]] = relationship(secondary=interview_tags, order_by=Code.key)
    reflection: Mapped[Reflection | None] = relationship(cascade="all, delete-orphan", uselist=False)
    contact: Mapped[ContactDetails | None] = relationship(cascade="all, delete-orphan", uselist=False)
    named: Mapped[NamedContact | None] = relationship(cascade="all, delete-orphan", uselist=False)

    __table_args__ = (
        sa.UniqueConstraint("project_id", "receipt_code"),
        sa.CheckConstraint("consent", name="consent_given"),
        sa.CheckConstraint("ended_at >= started_at", name="time_order"),
        sa.CheckConstraint("mode IN ('talk', 'self', 'paper')", name="interview_mode"),
        sa.Index("ix_interviews_project_started", "project_id", "started_at"),  # lists and the coding queue, newest first
    )


class Answer(db.Model):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("guide_questions.id", ondelete="RESTRICT"), index=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    # Normalised text of open answers: what coders code, with character offsets into it.
    text: Mapped[str] = mapped_column(sa.Text, default="")

    interview: Mapped[Interview] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()

    __table_args__ = (sa.UniqueConstraint("interview_id", "question_id"),)

    @property
    def project_id(self) -> int:
        return self.interview.project_id


class Reflection(db.Model):
    """The interviewer's own learning; employee data, never in resident exports."""

    __tablename__ = "reflections"

    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True)
    surprised: Mapped[str] = mapped_column(sa.Text, default="")
    resident_words: Mapped[str] = mapped_column(sa.Text, default="")
    listening_level: Mapped[ListeningLevel | None] = mapped_column(enum_column(ListeningLevel))


class ContactDetails(db.Model):
    """Given only when a resident asks for feedback; kept apart from the answers."""

    __tablename__ = "contact_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NamedContact(db.Model):
    """Who was heard, by name, where the project allows it (an initiator, an organisation): personal
    data kept apart from the answers, seen only by who may see people, removed with the personal data."""

    __tablename__ = "named_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Contribution(db.Model):
    """One short remark from an information round ("sticky note")."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(sa.Text)
    # The code on the card a resident got, if any: several contributions of one resident (and
    # their interview) can share it, so they can see or withdraw all of it.
    receipt_code: Mapped[str | None] = mapped_column(sa.String(9))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    street: Mapped[str] = mapped_column(sa.String(120), default="")
    # An observation on a walk (wijkschouw): where it was seen, the CROW element and how it looks.
    gps_lat: Mapped[float | None]
    gps_lon: Mapped[float | None]
    gps_accuracy: Mapped[float | None]
    element_id: Mapped[int | None] = mapped_column(sa.ForeignKey("elements.id", ondelete="SET NULL"), index=True)
    quality: Mapped[str | None] = mapped_column(sa.String(2))  # A+ … D, or ? (don't know)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    author: Mapped[User | None] = relationship()
    element: Mapped[Element | None] = relationship()
    area: Mapped[Area | None] = relationship()
    tags: Mapped[list[Code]] = relationship(secondary=contribution_tags, order_by=Code.key)

    __table_args__ = (
        sa.Index("ix_contributions_project_recorded", "project_id", "recorded_at"),
        sa.Index("ix_contributions_project_receipt", "project_id", "receipt_code"),
        sa.CheckConstraint("quality IS NULL OR quality IN ('A+', 'A', 'B', 'C', 'D', '?')", name="quality_level"),
    )


class WalkRoute(db.Model):
    """A stretch of a walk's route, as the tablet recorded it while the walk page was open (between
    starting or resuming and pausing). Points are [latitude, longitude, accuracy in metres, time in ms
    since 1970]. Where the walkers went: kept with the round's input and purged with it."""

    __tablename__ = "walk_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    walker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    points: Mapped[list[list[float]]] = mapped_column(sa.JSON)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (sa.CheckConstraint("ended_at >= started_at", name="time_order"),)


class ErasedRecord(db.Model):
    """The UUID of an interview or contribution that was erased (on request or after its retention).

    A device that still holds the record and sends it again is told it is gone, instead of the
    record coming back. Only the UUID is kept: nothing of what was said."""

    __tablename__ = "erased_records"

    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # interview or contribution
    reason: Mapped[str] = mapped_column(sa.String(20))  # request or retention
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
