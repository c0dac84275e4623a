"""Photos taken in the field: on an interview's photo question, on a contribution or observation, or
on an information round's session.

A photo is declared by the record it belongs to (the record lists the UUIDs its device gave its
photos), so its row exists from the moment the record is stored; the file follows in its own upload
(``received_at`` set). What is kept is the image as the server re-encoded it, without metadata, and a
thumbnail, in ``app.storage`` under the project's folder.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Photo(db.Model):
    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # Exactly one owner: an interview (its photo question), a contribution, or a round's session.
    interview_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("guide_questions.id", ondelete="SET NULL"))
    contribution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # its place among the record's photos
    # The upload: a hash of the bytes as sent (a repeat must match it), and what was kept of them.
    digest: Mapped[str | None] = mapped_column(sa.String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    size: Mapped[int | None]  # bytes of the stored image
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Marked by a coordinator as showing no people and no number plates: only then do policy makers see it.
    cleared: Mapped[bool] = mapped_column(default=False)
    cleared_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN interview_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    @property
    def key(self) -> str:
        return photo_key(self.project_id, self.uuid)


def photo_key(project_id: int, photo_uuid: uuid.UUID) -> str:
    """Where a photo's files are kept (``app.storage``): the project's folder and the UUID."""
    return f"{project_id}/{photo_uuid}"
