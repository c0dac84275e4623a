"""Account administration."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from .. import audit
from ..auth import services as auth_services
from ..extensions import db
from ..models import Project, User

USER_FIELDS = ("name", "email", "language", "is_admin", "active")


class SelfLockoutError(ValueError):
    """An admin tried to remove their own admin right or deactivate themselves."""


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


def list_projects() -> list[Project]:
    return list(db.session.scalars(sa.select(Project).order_by(Project.archived, Project.name)))


def update_user(user: User, values: dict[str, Any], acting: User, password: str | None = None) -> list[str]:
    """Apply changed fields; returns their names. An admin cannot lock themselves out."""
    if user.id == acting.id and (not values["is_admin"] or not values["active"]):
        raise SelfLockoutError()
    values = {**values, "email": auth_services.normalise_email(values["email"]), "name": values["name"].strip()}
    changed = [f for f in USER_FIELDS if getattr(user, f) != values[f]]
    for field in changed:
        setattr(user, field, values[field])
    if changed:
        audit.record("user.update", user, details={"fields": changed})
    if password:
        auth_services.set_password(user, password)
        changed.append("password")
    db.session.flush()
    return changed
