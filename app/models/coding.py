"""Codings: a code applied to a whole input (an answer or a contribution) or to a fragment of it."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .codebook import Code
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
    memo: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[CodingSource] = mapped_column(enum_column(CodingSource), default=CodingSource.manual)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    code: Mapped[Code] = relationship()
    coder: Mapped[User | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name="one_input"),
        sa.CheckConstraint('(start IS NULL AND "end" IS NULL) OR (start >= 0 AND "end" > start)', name="fragment_range"),
    )
