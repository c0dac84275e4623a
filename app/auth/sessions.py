"""Server-side session records: which signed-in browsers a person has, and ending them.

The session cookie is signed, so it cannot be forged, but a copy of it stays valid until it
expires unless the server can say no. Each sign-in gets a random key in the cookie and a row
here (the key's hash); the user loader accepts a session only while its row exists. Reading a
page writes nothing here: a session's lifetime runs from its sign-in (SESSION_HOURS).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request, session

from .. import audit
from ..extensions import db
from ..models import User, UserSession
from ..models.types import utcnow

KEY = "sid"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User) -> None:
    """Record a new session for ``user`` and put its key in the (fresh) session cookie."""
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_digest(key),
            created_at=now,
            expires_at=now + timedelta(hours=int(current_app.config["SESSION_HOURS"])),
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    session[KEY] = key


def user_of_session(user_id: str) -> User | None:
    """The user whose session this cookie is, if the session has not ended (one query)."""
    key = session.get(KEY)
    if not isinstance(key, str) or not user_id.isdigit() or len(user_id) > 10:
        return None
    return db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _digest(key), User.id == int(user_id), UserSession.expires_at > utcnow())
    )


def current_id() -> int | None:
    key = session.get(KEY)
    if not isinstance(key, str):
        return None
    return db.session.scalar(sa.select(UserSession.id).where(UserSession.key_hash == _digest(key)))


def end_current() -> None:
    key = session.get(KEY)
    if isinstance(key, str):
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == _digest(key)))


def end_all(user: User, keep_current: bool = False, reason: str = "") -> int:
    """End every session of ``user`` (but this request's own, with keep_current); how many ended."""
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    keep = current_id() if keep_current else None
    if keep is not None:
        query = query.where(UserSession.id != keep)
    ended = db.session.execute(query).rowcount or 0
    if reason:
        audit.record("user.sessions_ended", user, details={"reason": reason, "sessions": ended})
    return ended


def of(user: User) -> list[Any]:
    """The user's sessions that have not ended, newest first, with which one is this browser's."""
    here = current_id()
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        .order_by(UserSession.created_at.desc())
    ).all()
    return [(row, row.id == here) for row in rows]


def end_after_change(user: User, reason: str) -> int:
    """A credential of ``user`` changed: end their other sessions (all of them when someone else,
    an administrator, made the change)."""
    from flask_login import current_user

    own = has_request_context() and current_user.is_authenticated and current_user.id == user.id
    return end_all(user, keep_current=own, reason=reason)


PLATFORMS = (
    ("iPad", "iPad"),
    ("iPhone", "iPhone"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))


def device_label(user_agent: str) -> str:
    """ "Chrome, Windows" from a browser's user agent: enough to recognise one's own devices."""
    platform = next((name for marker, name in PLATFORMS if marker in user_agent), "")
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    return ", ".join(part for part in (browser, platform) if part) or user_agent[:60]


def prune(now: Any = None, dry_run: bool = False) -> int:
    """Forget sessions that ended by themselves (run by purge-expired); how many."""
    expired = UserSession.expires_at <= (now or utcnow())
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(expired)) or 0
    return db.session.execute(sa.delete(UserSession).where(expired)).rowcount or 0
