"""A photo and its thumbnail, for whoever may read its record; a coordinator's mark that it shows no one."""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import Permission, project_required
from ..extensions import db
from ..models import Photo, Project
from ..redirects import local_path
from . import bp, services


def _readable(project: Project, photo_uuid: uuid_module.UUID) -> Photo:
    """A received photo of this project that the current user may see, or 404."""
    photo = db.session.scalar(sa.select(Photo).where(Photo.uuid == photo_uuid, Photo.project_id == project.id))
    if photo is None or not services.may_see(photo, g.permissions, current_user.id):
        abort(404)
    return photo


def _send(photo: Photo, thumbnail: bool) -> Any:
    path = services.file_path(photo, thumbnail)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True, etag=True)
    response.headers["Cache-Control"] = "private, no-cache"  # access is checked every time
    return response


@bp.app_template_global()
def record_photos(record: Any, question_id: int | None = None) -> list[Photo]:
    """The photos of an interview (of one question), contribution or round that the current user sees."""
    photos = photos_by_record([record]).get(record.id, [])
    return [photo for photo in photos if question_id is None or photo.question_id == question_id]


@bp.app_template_global()
def photos_by_record(records: list[Any]) -> dict[int, list[Photo]]:
    """The photos the current user sees of each of these records (all of one model), by id: one query for a list."""
    if not records:
        return {}
    found = services.of_records(type(records[0]), [record.id for record in records])
    granted, user_id = g.get("permissions", frozenset()), current_user.id
    return {record_id: services.visible(photos, granted, user_id) for record_id, photos in found.items()}


@bp.route("/projects/<int:project_id>/photos/<uuid:photo_uuid>")
@project_required(Permission.view)
def photo(project: Project, photo_uuid: uuid_module.UUID) -> Any:
    return _send(_readable(project, photo_uuid), thumbnail=False)


@bp.route("/projects/<int:project_id>/photos/<uuid:photo_uuid>/thumbnail")
@project_required(Permission.view)
def thumbnail(project: Project, photo_uuid: uuid_module.UUID) -> Any:
    return _send(_readable(project, photo_uuid), thumbnail=True)


@bp.route("/projects/<int:project_id>/photos/<uuid:photo_uuid>/cleared", methods=["POST"])
@project_required(Permission.manage)
def clear(project: Project, photo_uuid: uuid_module.UUID) -> Any:
    photo = _readable(project, photo_uuid)
    cleared = request.form.get("cleared") == "yes"
    services.set_cleared(photo, cleared, current_user._get_current_object())
    flash(_("Policy makers can see this photo now.") if cleared else _("Policy makers no longer see this photo."), "success")
    back = local_path(request.form.get("next"), url_for("capture.interviews", project_id=project.id))
    return redirect(back, code=303)
