"""The public-space elements a project rates (from CROW's catalogue) and the target level per element.

A project's elements start as a copy of ``domain_data/crow_elements.csv`` and can be added to,
renamed and archived. Each element may have a target level (ambitieniveau) for the whole project,
and any area may set its own, which holds for the areas inside it too.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .projects import Area

LEVEL_CHECK = "{column} IS NULL OR {column} IN ('A+', 'A', 'B', 'C', 'D')"


class Element(db.Model):
    __tablename__ = "elements"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))  # what a perceived-quality question names
    name: Mapped[str] = mapped_column(sa.String(120))
    group: Mapped[str] = mapped_column(sa.String(60), default="")
    aspects: Mapped[str] = mapped_column(sa.String(300), default="")
    target: Mapped[str | None] = mapped_column(sa.String(2))  # the project's target level, A+ … D
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)

    targets: Mapped[list[AreaTarget]] = relationship(back_populates="element", cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("project_id", "key"),
        sa.CheckConstraint(LEVEL_CHECK.format(column="target"), name="target_level"),
    )


class AreaTarget(db.Model):
    """An area's own target level for an element (it holds for the areas inside it, unless they set one)."""

    __tablename__ = "area_targets"

    element_id: Mapped[int] = mapped_column(sa.ForeignKey("elements.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True, index=True)
    level: Mapped[str] = mapped_column(sa.String(2))

    element: Mapped[Element] = relationship(back_populates="targets")
    area: Mapped[Area] = relationship()

    __table_args__ = (sa.CheckConstraint("level IN ('A+', 'A', 'B', 'C', 'D')", name="target_level"),)
