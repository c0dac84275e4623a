"""The sync API: devices send what they recorded, and fetch what they need offline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..access import login_required, public
from ..inputs import JSONRefused, parse_json
from ..photos import services as photos
from ..security import body_limit
from ..sync import services
from ..sync.bundle import offline_bundle
from . import bp
from .openapi import document

MAX_RECORD_BYTES = 2 * 1024 * 1024
MAX_BATCH_BYTES = 16 * 1024 * 1024
MAX_PHOTO_BYTES = 12 * 1024 * 1024  # Defaults.PHOTO_MAX_BYTES; a setting can only lower it


def _json_body() -> Any:
    """The request's JSON, or a clear 4xx (never a 500) for anything else. Values inside it
    (text no database can store, numbers beyond range) are each record's own 422."""
    if not request.is_json:
        abort(415, description=_("Send JSON (Content-Type: application/json)."))
    try:
        return parse_json(request.get_data(cache=False))
    except JSONRefused:
        abort(400, description=_("The body is not valid JSON."))


def _reply(outcome: services.Outcome) -> Any:
    return jsonify(outcome.body), outcome.status


@bp.route("/csrf")
@login_required
def csrf_token() -> Any:
    """A fresh CSRF token for a sync with the session cookie (also tells the device it is logged in)."""
    return jsonify(csrf_token=generate_csrf(), user_id=current_user.id)


@bp.route("/interviews/<uuid:interview_uuid>", methods=["PUT"])
@login_required
@body_limit(MAX_RECORD_BYTES)
def put_interview(interview_uuid: UUID) -> Any:
    return _put("interview", interview_uuid)


@bp.route("/contributions/<uuid:contribution_uuid>", methods=["PUT"])
@login_required
@body_limit(MAX_RECORD_BYTES)
def put_contribution(contribution_uuid: UUID) -> Any:
    return _put("contribution", contribution_uuid)


def _put(kind: str, record_uuid: UUID) -> Any:
    user = current_user._get_current_object()
    if services.owned_elsewhere(kind, record_uuid, user):  # before reading the body: reveal nothing
        return _reply(services.not_found())
    return _reply(services.ingest(kind, record_uuid, _json_body(), user))


@bp.route("/photos/<uuid:photo_uuid>", methods=["PUT"])
@login_required
@body_limit(MAX_PHOTO_BYTES)
def put_photo(photo_uuid: UUID) -> Any:
    """The file of a photo its record declared, as the bytes of the body (any Content-Type: the file's
    own first bytes say what it is)."""
    if (request.content_length or 0) > current_app.config["PHOTO_MAX_BYTES"]:
        abort(413)
    outcome = photos.receive(photo_uuid, request.get_data(cache=False), current_user._get_current_object())
    return jsonify(outcome.body), outcome.status


@bp.route("/batch", methods=["POST"])
@login_required
@body_limit(MAX_BATCH_BYTES)
def batch() -> Any:
    body = _json_body()
    problem, results = services.ingest_batch(body.get("items") if isinstance(body, dict) else None, current_user._get_current_object())
    if problem is not None:
        return _reply(problem)
    return jsonify(results=results), 200


@bp.route("/bundle")
@login_required
def bundle() -> Any:
    data = offline_bundle(current_user._get_current_object())
    response = jsonify(data)
    response.headers["ETag"] = f'"{data["etag"]}"'
    return response


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(document())
