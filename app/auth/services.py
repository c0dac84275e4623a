"""Passwords (Argon2id), logins and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import audit
from ..database import write_aside
from ..extensions import db
from ..models import ApiToken, User
from ..models.types import utcnow
from . import sessions

TOKEN_PREFIX = "bb_"
MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    """Argon2id with the library's RFC 9106 defaults; tests may lower the cost in config."""
    params = current_app.config.get("ARGON2_PARAMETERS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password(user: User | None, password: str) -> bool:
    """Verify a password; also spends the hashing time for unknown users (no enumeration)."""
    hasher = _hasher()
    if user is None or not user.password_hash:
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Writes an audit row either way."""
    user = get_user_by_email(email)
    ok = check_password(user, password) and user is not None and user.active
    if not ok:
        audit.record(
            "login",
            user,
            result="failure",
            details={"email": normalise_email(email)[:254]},
            actor=user,
        )
        return None
    assert user is not None
    if user.has_two_factor:  # half-way: the code comes next
        audit.record("login.password", user, actor=user)
        return user
    complete_login(user)
    return user


def complete_login(user: User, two_factor: bool = False) -> None:
    user.last_login_at = utcnow()
    audit.record("login", user, actor=user, details={"two_factor": True} if two_factor else None)


def create_user(
    email: str,
    name: str,
    password: str | None = None,
    *,
    language: str = "nl",
    is_admin: bool = False,
) -> User:
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password) if password else None,
        language=language,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, details={"email": user.email, "is_admin": is_admin})
    return user


def update_account(user: User, name: str, language: str) -> list[str]:
    """A person's own settings; returns the names of the fields that changed."""
    values = {"name": name.strip(), "language": language}
    changed = [field for field, value in values.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, values[field])
    if changed:
        audit.record("user.update", user, details={"fields": changed})
    return changed


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    audit.record("user.password", user)
    sessions.end_after_change(user, "password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new API token; the plain text is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=_token_digest(plain),
        prefix=plain[:10],
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", token, actor=user, details={"name": token.name})
    return token, plain


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    )


def revoke_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    audit.record("token.revoke", token)


def user_for_token(plain: str) -> User | None:
    """The active owner of a valid, unexpired, unrevoked token, or None."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _token_digest(plain)).options(joinedload(ApiToken.user)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    # Written at most once a minute, so a busy script does not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        write_aside(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))  # a read stays a read
        set_committed_value(token, "last_used_at", now)
    return token.user
