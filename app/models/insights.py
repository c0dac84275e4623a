"""Theme facts: the project's coding, pre-aggregated per person heard and theme, for the dashboards.

One row per (source, theme, scope): the source is an interview or a contribution (one person heard),
the theme a code, a code group or neither (the source's coding as a whole: "coded at all"), the scope
a question key or "" for all questions. The dimensions
the dashboards filter on are copied from the source, so an aggregate reads one narrow table instead
of joining a million codings to their answers and interviews. Rows are derived data: they are
rebuilt from the codings by ``app.facts`` whenever a source's coding or details change.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .fieldwork import AgeBand, RespondentType
from .types import enum_column


class ThemeFact(db.Model):
    __tablename__ = "theme_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codes.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("code_groups.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(sa.String(64), default="")  # a question key, "" for all questions
    interview_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    # The source's dimensions (a contribution has no profile, guide version or question).
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="SET NULL"))
    day: Mapped[date]  # local date of the interview or contribution
    respondent_type: Mapped[RespondentType | None] = mapped_column(enum_column(RespondentType))
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand))
    guide_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("guide_versions.id", ondelete="CASCADE"))
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # interviewer or author
    # Inputs of this source coded with the theme, in all and with each sentiment; quote codings.
    inputs: Mapped[int]
    positive: Mapped[int]
    negative: Mapped[int]
    suggestion: Mapped[int]
    quotes: Mapped[int]

    __table_args__ = (
        sa.CheckConstraint("code_id IS NULL OR group_id IS NULL", name="one_theme"),
        sa.CheckConstraint("(interview_id IS NULL) <> (contribution_id IS NULL)", name="one_source"),
        # The dashboards read the codes, the groups or the totals of one scope. The measures and every
        # dimension ride along, so a filtered aggregate reads the index alone (no row lookups).
        sa.Index(
            "ix_theme_facts_theme",
            "project_id",
            "scope",
            "code_id",
            "group_id",
            "inputs",
            "positive",
            "negative",
            "suggestion",
            "interview_id",
            "contribution_id",
            "round_id",
            "area_id",
            "day",
            "respondent_type",
            "age_band",
            "guide_version_id",
            "worker_id",
        ),
    )
