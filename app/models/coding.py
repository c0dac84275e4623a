"""Codings: a code applied to a whole input (an answer or a contribution) or to a fragment of it."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .codebook import Code
from .exports import JobStatus
from .fieldwork import Answer, Contribution
from .types import UTCDateTime, enum_column, utcnow
from .users import User


class Sentiment(str, enum.Enum):
    positive = "positive"  # positief
    negative = "negative"  # negatief
    suggestion = "suggestion"  # suggestie


class CodingSource(str, enum.Enum):
    manual = "manual"
    suggestion = "suggestion"  # a keyword rule suggested it and a person accepted it
    quick_tag = "quick_tag"  # a theme tag from the field, confirmed by a person
    model = "model"  # learned from the project's earlier codings (coding.learning), accepted by a person


class Coding(db.Model):
    """Offsets count characters (Unicode code points) of the input's normalised text (NFC, \\n line
    ends), as REFI-QDA does; the fragment's text is stored too, so it survives later corrections."""

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(sa.ForeignKey("codes.id", ondelete="RESTRICT"), index=True)
    coder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    start: Mapped[int | None]
    end: Mapped[int | None]
    fragment: Mapped[str] = mapped_column(sa.Text, default="")
    sentiment: Mapped[Sentiment | None] = mapped_column(enum_column(Sentiment))
    is_quote: Mapped[bool] = mapped_column(default=False)
    source: Mapped[CodingSource] = mapped_column(enum_column(CodingSource), default=CodingSource.manual)
    # Set for a second coder's blind coding of a sample; the project's own coding has none.
    sample_id: Mapped[int | None] = mapped_column(sa.ForeignKey("coding_samples.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    code: Mapped[Code] = relationship()
    coder: Mapped[User | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()
    memos: Mapped[list[Memo]] = relationship(order_by="Memo.id", viewonly=True)

    __table_args__ = (
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name="one_input"),
        sa.CheckConstraint('(start IS NULL AND "end" IS NULL) OR (start >= 0 AND "end" > start)', name="fragment_range"),
        # "Is this input coded (by the project, not a sample)?" answered from the index alone.
        sa.Index("ix_codings_answer_sample", "answer_id", "sample_id"),
        sa.Index("ix_codings_contribution_sample", "contribution_id", "sample_id"),
        # A theme's quotes first, then its latest codings (the dashboards' quotes).
        sa.Index("ix_codings_code_quote", "code_id", "is_quote", "id"),
    )


class CodingSample(db.Model):
    """Inputs drawn at random for a second coder, who codes them blind (double coding)."""

    __tablename__ = "coding_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    coder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    drawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    coder: Mapped[User | None] = relationship(foreign_keys=[coder_id])
    drawn_by: Mapped[User | None] = relationship(foreign_keys=[drawn_by_id])
    items: Mapped[list[SampleItem]] = relationship(back_populates="sample", cascade="all, delete-orphan", order_by="SampleItem.id")


class SampleItem(db.Model):
    """One input of a sample; ``done_at`` is when the second coder finished it."""

    __tablename__ = "sample_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(sa.ForeignKey("coding_samples.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    sample: Mapped[CodingSample] = relationship(back_populates="items")
    answer: Mapped[Answer | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()
    resolutions: Mapped[list[SampleResolution]] = relationship(back_populates="item", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name="one_input"),
        sa.UniqueConstraint("sample_id", "answer_id"),
        sa.UniqueConstraint("sample_id", "contribution_id"),
    )


class SampleResolution(db.Model):
    """A disagreement settled after discussion: whether the code belongs to the input.

    What each coder had is kept, so the agreement report still shows the agreement before the
    discussion, while the project's own coding now follows the decision."""

    __tablename__ = "sample_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("sample_items.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(sa.ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    first_had: Mapped[bool]
    second_had: Mapped[bool]
    applies: Mapped[bool]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[SampleItem] = relationship(back_populates="resolutions")
    code: Mapped[Code] = relationship()

    __table_args__ = (sa.UniqueConstraint("item_id", "code_id"),)


class SuggestionRejection(db.Model):
    """A person said no to a suggested code (a keyword rule or a field tag) for one input."""

    __tablename__ = "suggestion_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    code_id: Mapped[int] = mapped_column(sa.ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    rejected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name="one_input"),
        sa.UniqueConstraint("answer_id", "code_id"),
        sa.UniqueConstraint("contribution_id", "code_id"),
    )


class SuggestionModel(db.Model):
    """What a project's own codings taught: the model behind its learned suggestions (one per project).

    Trained in the background (``coding.learning``); ``status`` is that of the latest training, while
    ``data`` and the counts beside it describe the last finished model, which keeps serving while a new
    one is trained. ``data`` holds numbers only (an .npz read without pickle), never code."""

    __tablename__ = "suggestion_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.queued)
    # Codings and rejections the project had when the latest training started: how "new" is measured.
    basis: Mapped[int] = mapped_column(default=0)
    statements: Mapped[int] = mapped_column(default=0)  # coded statements the model learned from
    codes: Mapped[int] = mapped_column(default=0)  # codes it learned (each with enough examples)
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    trained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Memo(db.Model):
    """A coder's note, as researchers keep them: on the project as a whole, on a code, on a statement
    (an answer or a contribution) or on one coding. Author and dates are kept; it is the team's, so
    it is listed, searched and exported with the project (never shown to residents)."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # What it is about: none of these (the project), or exactly one.
    code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codes.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    coding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    author: Mapped[User | None] = relationship()
    code: Mapped[Code | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()
    coding: Mapped[Coding | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name="one_subject",
        ),
    )
