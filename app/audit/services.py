"""Writing audit rows. A row joins the caller's transaction, so it lands with the change."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user

from ..database import insert_rows
from ..extensions import db
from ..models import AuditEvent, User
from ..models.types import utcnow

INSERT_EVENT = sa.insert(AuditEvent.__table__)


def _origin() -> tuple[str, str]:
    if not has_request_context():
        return "cli", ""
    return g.get("auth_origin", "web"), (request.remote_addr or "")[:45]


def record(
    action: str,
    obj: Any = None,
    *,
    project_id: int | None = None,
    result: str = "success",
    details: dict[str, Any] | None = None,
    actor: User | None = None,
    object_type: str | None = None,
    immediate: bool = False,
    origin: str | None = None,
) -> AuditEvent | None:
    """Add an audit row for ``action`` on ``obj`` (any model, or a record with an ``id``).

    ``immediate`` writes it with a plain INSERT at once (the sync hot path) instead of adding
    an object for the next flush; it lands in the same transaction either way."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if project_id is None and obj is not None:
        project_id = getattr(obj, "project_id", None)
        if project_id is None and type(obj).__name__ == "Project":
            project_id = obj.id
    found_origin, ip_address = _origin()
    origin = origin or found_origin
    values = dict(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        project_id=project_id,
        result=result,
        origin=origin,
        ip_address=ip_address,
        details=details or {},
    )
    if immediate:
        insert_rows(INSERT_EVENT, [{"occurred_at": utcnow(), **values}])
        return None
    event = AuditEvent(**values)
    db.session.add(event)
    return event
