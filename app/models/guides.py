"""Interview guides (gespreksleidraad): versions, sections and questions.

A published version never changes; editing makes a new draft version. Interviews pin the
version they were taken with, and answers point at that version's question rows.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import OpenEnum, UTCDateTime, utcnow


class QuestionType(str, enum.Enum):
    short_text = "short_text"
    long_text = "long_text"
    single_choice = "single_choice"
    multi_choice = "multi_choice"
    scale = "scale"
    yes_no = "yes_no"
    number = "number"
    date = "date"
    area = "area"
    gps = "gps"
    quality = "quality"  # CROW beeldkwaliteit A+ .. D for a named public-space element
    photo = "photo"  # photos taken on the tablet (their UUIDs; the files are uploaded apart)


class VersionStatus(str, enum.Enum):
    draft = "draft"
    published = "published"


class Guide(db.Model):
    __tablename__ = "guides"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived: Mapped[bool] = mapped_column(default=False)

    versions: Mapped[list[GuideVersion]] = relationship(
        back_populates="guide", order_by="GuideVersion.number", cascade="all, delete-orphan"
    )


class GuideVersion(db.Model):
    __tablename__ = "guide_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(sa.ForeignKey("guides.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(
        sa.Enum(VersionStatus, native_enum=False, length=20, create_constraint=True), default=VersionStatus.draft
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    guide: Mapped[Guide] = relationship(back_populates="versions")
    sections: Mapped[list[Section]] = relationship(back_populates="version", order_by="Section.position", cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("guide_id", "number"),)

    @property
    def project_id(self) -> int:
        return self.guide.project_id

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.published

    @property
    def questions(self) -> list[Question]:
        """All questions in guide order."""
        return [q for s in self.sections for q in s.questions]


class Section(db.Model):
    __tablename__ = "guide_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("guide_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200), default="")

    version: Mapped[GuideVersion] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(back_populates="section", order_by="Question.position", cascade="all, delete-orphan")

    @property
    def project_id(self) -> int:
        return self.version.guide.project_id


class Question(db.Model):
    __tablename__ = "guide_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("guide_versions.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("guide_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(sa.String(64))
    # One of the kinds in app/questions: the built-in ones are QuestionType members; a kind added
    # since needs no schema change (OpenEnum keeps its name as text).
    type: Mapped[QuestionType] = mapped_column(OpenEnum(QuestionType))
    label: Mapped[str] = mapped_column(sa.Text)
    help: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    # [{"value": "...", "label": "..."}] for choice questions
    options: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    # scale: min, max, min_label, max_label; number: min, max, integer; quality: element
    config: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # {"question": key, "op": "equals" | "includes", "value": "..."} or None
    show_if: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    # The question in other languages: {"en": {"label": ..., "help": ..., "options": {value: label}}}.
    # Answers are the same values whatever language the resident read.
    translations: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    section: Mapped[Section] = relationship(back_populates="questions")
    version: Mapped[GuideVersion] = relationship()

    __table_args__ = (sa.UniqueConstraint("version_id", "key"),)

    @property
    def project_id(self) -> int:
        return self.section.version.guide.project_id
