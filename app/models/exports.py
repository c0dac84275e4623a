"""Export jobs: a workbook (or CSV zip, GeoJSON) built in the background, with its progress."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, enum_column, utcnow


class JobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    expired = "expired"  # the file was removed after its time


class ExportJob(db.Model):
    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # Only the person who asked for the file may download it.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(sa.String(10))
    # What to export: the filters as URL arguments and the export's own options.
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    language: Mapped[str] = mapped_column(sa.String(5), default="nl")
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.queued)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_expected: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (sa.CheckConstraint("rows_done >= 0 AND rows_expected >= 0", name="rows_not_negative"),)

    @property
    def progress(self) -> float:
        """Done so far, 0–1 (an estimate: the expected rows are counted before the export starts)."""
        if self.status == JobStatus.done:
            return 1.0
        return min(0.99, self.rows_done / self.rows_expected) if self.rows_expected else 0.0
