"""The append-only audit log. The database itself refuses UPDATE and DELETE on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # No foreign keys: the log must outlive what it describes and is never rewritten.
    actor_id: Mapped[int | None]
    actor_email: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[str] = mapped_column(sa.String(64), default="")
    project_id: Mapped[int | None] = mapped_column(index=True)
    result: Mapped[str] = mapped_column(sa.String(20), default="success")
    origin: Mapped[str] = mapped_column(sa.String(20), default="web")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
