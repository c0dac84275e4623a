"""Action items (actiepunten) for the maintenance or policy plan, resting on what residents said."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .codebook import Code
from .elements import Element
from .fieldwork import Answer, Contribution
from .projects import Area
from .types import UTCDateTime, enum_column, utcnow
from .users import User


class ActionStatus(str, enum.Enum):
    new = "new"  # nieuw
    planned = "planned"  # in plan
    done = "done"  # uitgevoerd
    rejected = "rejected"  # afgewezen (with a reason)


class Priority(str, enum.Enum):
    high = "high"
    medium = "medium"
    low = "low"


class ActionItem(db.Model):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codes.id", ondelete="SET NULL"), index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.medium)
    department: Mapped[str] = mapped_column(sa.String(200), default="")
    # For the plan: when it is planned, what it is estimated to cost (whole euros), which CROW element
    # it is about, and the object in the municipality's own registers (a BGT or asset id, free text).
    planned_year: Mapped[int | None]
    estimated_cost: Mapped[int | None]
    element_id: Mapped[int | None] = mapped_column(sa.ForeignKey("elements.id", ondelete="SET NULL"), index=True)
    object_ref: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), default=ActionStatus.new, index=True)
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_given: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    code: Mapped[Code | None] = relationship()
    area: Mapped[Area | None] = relationship()
    element: Mapped[Element | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    links: Mapped[list[ActionInput]] = relationship(back_populates="action", cascade="all, delete-orphan", order_by="ActionInput.id")

    __table_args__ = (
        sa.CheckConstraint("status <> 'rejected' OR rejection_reason <> ''", name="rejection_has_reason"),
        sa.CheckConstraint("planned_year IS NULL OR planned_year BETWEEN 2000 AND 2100", name="planned_year_range"),
        sa.CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_not_negative"),
    )


class ActionInput(db.Model):
    """An input (answer or contribution) an action item rests on."""

    __tablename__ = "action_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)

    action: Mapped[ActionItem] = relationship(back_populates="links")
    answer: Mapped[Answer | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name="one_input"),
        sa.UniqueConstraint("action_id", "answer_id"),
        sa.UniqueConstraint("action_id", "contribution_id"),
    )
