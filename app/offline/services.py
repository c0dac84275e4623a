"""Importing a device's backup file: the same ingest as the sync API, for each item."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_login import current_user

from .. import audit
from ..access import Permission, permissions_in
from ..auth.services import normalise_email
from ..extensions import db
from ..inputs import storable
from ..models import Project, User
from ..sync.services import KINDS, NO_KIND, ingest, invalid, message

BACKUP_FORMAT = "buitenbinnen-outbox"


def _recorder(project: Project, document: dict[str, Any]) -> User:
    """Who recorded the items: the device's user when they still record in this project."""
    user_info = document.get("user")
    email = user_info.get("email") if isinstance(user_info, dict) else None
    email = normalise_email(email) if isinstance(email, str) and storable(email) else ""
    user = db.session.scalar(sa.select(User).where(User.email == email)) if email else None
    if user is not None and user.active and Permission.capture in permissions_in(project, user):
        return user
    return current_user._get_current_object()


def import_backup(project: Project, document: Any) -> list[dict[str, Any]] | None:
    """A result per item (status and body, as the API gives); None when this is no backup file."""
    if not isinstance(document, dict) or document.get("format") != BACKUP_FORMAT or not isinstance(document.get("items"), list):
        return None
    recorder = _recorder(project, document)
    results = []
    for item in document["items"]:
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            outcome = invalid({"kind": [message(NO_KIND)]})
            results.append({"uuid": None, "kind": None, "status": outcome.status, "body": outcome.body})
            continue
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        item_uuid = item.get("uuid") if isinstance(item.get("uuid"), str) and storable(item["uuid"]) else None
        if payload.get("project_id") != project.id:
            results.append({"uuid": item_uuid, "kind": item["kind"], "status": 409, "body": {"error": "other_project"}})
            continue
        # ingest writes nothing until every check has passed, so one bad item spoils nothing
        outcome = ingest(item["kind"], item.get("uuid"), payload, recorder)
        results.append({"uuid": item_uuid, "kind": item["kind"], "status": outcome.status, "body": outcome.body})
    audit.record(
        "sync.import",
        project,
        details={"items": len(results), "stored": sum(1 for r in results if r["status"] in (200, 201)), "recorded_by": recorder.id},
    )
    return results
