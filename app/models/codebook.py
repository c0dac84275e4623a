"""A project's codebook: groups of codes (themes), each with a stable UUID."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class CodeGroup(db.Model):
    __tablename__ = "code_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    colour: Mapped[str] = mapped_column(sa.String(7))
    position: Mapped[int] = mapped_column(default=0)

    codes: Mapped[list[Code]] = relationship(back_populates="group", order_by="Code.position")

    __table_args__ = (sa.UniqueConstraint("project_id", "key"),)


class Code(db.Model):
    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("code_groups.id", ondelete="CASCADE"), index=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    colour: Mapped[str] = mapped_column(sa.String(7))
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)
    # Words that suggest this code, "lantaarn*|verlichting|donker" (a * ends a word stem).
    keywords: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    group: Mapped[CodeGroup] = relationship(back_populates="codes")

    __table_args__ = (sa.UniqueConstraint("project_id", "key"),)
