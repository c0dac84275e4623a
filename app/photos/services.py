"""Photos: declared with their record, received in their own upload, read, cleared and removed.

A record (an interview's photo answer, a contribution's ``photos``) names the UUIDs its device gave its
photos; storing the record declares them (a row without a file). The file follows in an upload, after
the record was acknowledged: the first upload under a UUID is kept, a repeat of the same bytes is
acknowledged again, other bytes under the same UUID are a conflict. Files are removed only once the
deletion of their rows is committed (``remove_files_after_commit``).
"""

from __future__ import annotations

import hashlib
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event

from .. import audit
from ..access import Permission, permissions_in
from ..database import insert_rows
from ..extensions import db
from ..models import Contribution, Interview, Photo, Project, Round, User
from ..models.photos import photo_key
from ..models.types import utcnow
from ..storage import storage
from . import images

INSERT_PHOTOS = sa.insert(Photo.__table__)
IMAGE, THUMBNAIL = ".jpg", "-thumb.jpg"
OWNERS = {"interview": Interview, "contribution": Contribution, "round": Round}


@dataclass
class Outcome:
    status: int
    body: dict[str, Any] = field(default_factory=dict)


def declare(project_id: int, owner: str, owner_id: int, uuids: Iterable[str], question_id: int | None = None, start: int = 0) -> None:
    """Rows for the photos a new record names (buffered within a sync batch)."""
    now = utcnow()
    insert_rows(
        INSERT_PHOTOS,
        [
            {
                "uuid": uuid_module.UUID(text),
                "project_id": project_id,
                f"{owner}_id": owner_id,
                "question_id": question_id,
                "position": start + position,
                "cleared": False,
                "created_at": now,
            }
            for position, text in enumerate(uuids)
        ],
    )


def declare_for_round(project_id: int, round_id: int, uuids: Iterable[str]) -> int:
    """A session's photos (taken at an information round, not of one record): those not declared yet."""
    wanted = [uuid_module.UUID(text) for text in uuids]
    if not wanted:
        return 0
    known = {str(u) for u in db.session.scalars(sa.select(Photo.uuid).where(Photo.uuid.in_(wanted)))}
    new = [str(u) for u in wanted if str(u) not in known]
    start = db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(Photo.round_id == round_id)) or 0
    declare(project_id, "round", round_id, new, start=start)
    return len(new)


def taken_elsewhere(uuids: Iterable[str], record_uuid: uuid_module.UUID) -> bool:
    """Whether any of these photo UUIDs belongs to another record than the one with ``record_uuid``
    (a record sent again names its own photos)."""
    keys = [uuid_module.UUID(text) for text in uuids]
    if not keys:
        return False
    owner_uuid = sa.func.coalesce(Interview.uuid, Contribution.uuid)
    query = (
        sa.select(Photo.id)
        .outerjoin(Interview, Interview.id == Photo.interview_id)
        .outerjoin(Contribution, Contribution.id == Photo.contribution_id)
        .where(Photo.uuid.in_(keys), sa.or_(owner_uuid.is_(None), owner_uuid != record_uuid))
        .limit(1)
    )
    return db.session.scalar(query) is not None


def _owner_row(photo: Photo) -> Any:
    if photo.interview_id is not None:
        return db.session.get(Interview, photo.interview_id)
    if photo.contribution_id is not None:
        return db.session.get(Contribution, photo.contribution_id)
    return db.session.get(Round, photo.round_id)


def recorder_of(photo: Photo) -> int | None:
    """Who recorded the photo's record (an interview's interviewer, a contribution's author), or its uploader."""
    owner = _owner_row(photo)
    if isinstance(owner, Interview):
        return owner.interviewer_id
    if isinstance(owner, Contribution):
        return owner.author_id
    return photo.uploaded_by


def _may_upload(photo: Photo, user: User) -> bool:
    project = db.session.get(Project, photo.project_id)
    granted = permissions_in(project, user) if project is not None else frozenset()
    if Permission.capture not in granted:
        return False
    return Permission.manage in granted or recorder_of(photo) in (None, user.id)


def _not_found() -> Outcome:
    return Outcome(404, {"error": "not_found", "message": _("No stored record holds this photo; send its record first.")})


def receive(photo_uuid: uuid_module.UUID, data: bytes, user: User) -> Outcome:
    """Keep the file of a declared photo. 201: kept; 200: the same file again; 409: other bytes under this
    UUID; 404: no record of the user's holds it; 400/413/415/422: not a photo that can be kept."""
    photo = db.session.scalar(sa.select(Photo).where(Photo.uuid == photo_uuid))
    if photo is None or not _may_upload(photo, user):
        return _not_found()
    digest = hashlib.sha256(data).hexdigest()
    if photo.digest is not None:
        return _settled(photo, digest)
    config = current_app.config
    try:
        kept = images.keep(data, int(config["PHOTO_MAX_SIDE"]), config["PHOTO_MAX_PIXELS"], config["PHOTO_THUMB_SIDE"])
    except images.Refused as refused:
        return Outcome(refused.status, {"error": "refused", "message": _(refused.text, **refused.params)})
    claimed = db.session.execute(
        sa.update(Photo)
        .where(Photo.id == photo.id, Photo.digest.is_(None))
        .values(digest=digest, width=kept.width, height=kept.height, size=len(kept.image), received_at=utcnow(), uploaded_by=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(photo)
    if not claimed:  # another upload of this photo was kept a moment ago
        return _settled(photo, digest)
    store = storage()
    store.put(photo.key + IMAGE, kept.image)  # before the commit: a failed commit leaves a file the next upload replaces
    store.put(photo.key + THUMBNAIL, kept.thumbnail)
    audit.record("photo.upload", photo, object_type="Photo", details={"uuid": str(photo.uuid)}, immediate=True)
    return Outcome(201, acknowledgement(photo))


def _settled(photo: Photo, digest: str) -> Outcome:
    if photo.digest == digest:
        return Outcome(200, acknowledgement(photo))
    return Outcome(
        409, {"error": "conflict", "message": _("Another file was already stored under this photo's UUID; nothing was changed.")}
    )


def acknowledgement(photo: Photo) -> dict[str, Any]:
    return {"uuid": str(photo.uuid), "id": photo.id, "width": photo.width, "height": photo.height}


# -- reading ------------------------------------------------------------------------------------


def of_records(model: Any, ids: Iterable[int]) -> dict[int, list[Photo]]:
    """The received photos of these interviews, contributions or rounds, by record id, in their order."""
    ids = list(ids)
    if not ids:
        return {}
    column = {Interview: Photo.interview_id, Contribution: Photo.contribution_id, Round: Photo.round_id}[model]
    query = sa.select(Photo).where(column.in_(ids), Photo.received_at.is_not(None)).order_by(column, Photo.position, Photo.id)
    found: dict[int, list[Photo]] = {}
    for photo in db.session.scalars(query):
        found.setdefault(getattr(photo, column.key), []).append(photo)
    return found


def may_see(photo: Photo, granted: frozenset[Permission], user_id: int | None) -> bool:
    """Whether a reader with these permissions in the photo's project sees it: as they read its record
    (interviewers: what they recorded themselves), and policy makers, who read everyone's input without
    seeing people, only what a coordinator marked free of people and number plates."""
    if photo.received_at is None:
        return False
    if Permission.read_all not in granted:
        return recorder_of(photo) == user_id
    return Permission.see_people in granted or photo.cleared


def visible(photos: Iterable[Photo], granted: frozenset[Permission], user_id: int | None) -> list[Photo]:
    return [photo for photo in photos if may_see(photo, granted, user_id)]


def file_path(photo: Photo, thumbnail: bool = False) -> Path:
    return storage().path(photo.key + (THUMBNAIL if thumbnail else IMAGE))


def set_cleared(photo: Photo, cleared: bool, user: User) -> None:
    """A coordinator marks a photo as free of people and number plates (or takes the mark back)."""
    if photo.cleared == cleared:
        return
    photo.cleared = cleared
    photo.cleared_by = user.id if cleared else None
    photo.cleared_at = utcnow() if cleared else None
    audit.record("photo.clear" if cleared else "photo.unclear", photo, object_type="Photo", details={"uuid": str(photo.uuid)})


# -- removing -----------------------------------------------------------------------------------

_REMOVALS = "photo_files_to_remove"


def remove_files_after_commit(photos: Iterable[Any]) -> int:
    """Remove these photos' files once the deletion of their rows (or of their records) is committed;
    nothing is removed if it is rolled back. ``photos``: rows with ``project_id`` and ``uuid``."""
    store = storage()
    paths = [store.path(photo_key(p.project_id, p.uuid) + suffix) for p in photos for suffix in (IMAGE, THUMBNAIL)]
    db.session.info.setdefault(_REMOVALS, []).extend(paths)
    return len(paths) // 2


def photos_of(interview_ids: list[int], contribution_ids: list[int]) -> list[Any]:
    """(project_id, uuid) of the photos of these interviews and contributions, to remove their files with them."""
    owned = sa.or_(Photo.interview_id.in_(interview_ids), Photo.contribution_id.in_(contribution_ids))
    return list(db.session.execute(sa.select(Photo.project_id, Photo.uuid).where(owned)))


@event.listens_for(db.session, "after_commit")
def _remove_files(session: Any) -> None:
    for path in session.info.pop(_REMOVALS, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(db.session, "after_soft_rollback")
def _keep_files(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outer transaction was rolled back: its deletions did not happen
        session.info.pop(_REMOVALS, None)
