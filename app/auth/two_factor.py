"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238): any authenticator app.

A code is accepted for the current 30-second step or one step either side (clocks drift), and
never twice: the last accepted step is stored, and a code is only accepted for a later step,
claimed with one conditional UPDATE so two requests racing with the same code cannot both win.

The shared secret is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256) with a key from
``DATA_KEY``, or derived from ``SECRET_KEY`` when that is not set: a copy of the database alone (a
backup, a dump) does not give anyone the codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import time

import pyotp
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from .. import audit
from ..extensions import db
from ..models import User
from ..models.types import utcnow
from . import sessions

ISSUER = "Buitenbinnen"
STEP = 30  # seconds per code
DRIFT = 1  # steps either side
PENDING_SECONDS = 300  # between the password and the code


log = logging.getLogger(__name__)


def _box() -> Fernet:
    key = current_app.config.get("DATA_KEY") or current_app.config["SECRET_KEY"]
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"buitenbinnen:totp:{key}".encode()).digest()))


def seal(secret: str) -> str:
    return _box().encrypt(secret.encode()).decode()


def unseal(stored: str | None) -> str | None:
    """The secret, or None when it cannot be read (the data key changed: an admin resets it)."""
    if not stored:
        return None
    try:
        return _box().decrypt(stored.encode()).decode()
    except InvalidToken:
        log.warning("a two-factor secret cannot be decrypted with the current DATA_KEY / SECRET_KEY")
        return None


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=user.email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(raw: str | None) -> str:
    return re.sub(r"\s", "", raw or "")


def matching_step(secret: str, code: str, after: int | None = None, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to (now, or one step either side), if it is later than ``after``."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP)
    current = int((now if now is not None else time.time()) // STEP)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable(user: User, secret: str, code: str) -> bool:
    """Switch two-factor sign-in on once the user proved their app has ``secret``."""
    step = matching_step(secret, clean_code(code))
    if step is None:
        return False
    user.totp_secret = seal(secret)
    user.totp_last_step = step  # the code just used cannot sign in
    user.totp_enabled_at = utcnow()
    audit.record("user.two_factor_on", user)
    sessions.end_after_change(user, "two_factor")
    return True


def disable(user: User, reason: str = "") -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_enabled_at = None
    audit.record("user.two_factor_off", user, details={"reason": reason} if reason else None)
    sessions.end_after_change(user, "two_factor")


def accept_login_code(user: User, code: str) -> bool:
    """Whether ``code`` signs ``user`` in: right, and not used before (also by a request racing this one)."""
    secret = unseal(user.totp_secret) if user.has_two_factor else None
    if secret is None:
        return False
    step = matching_step(secret, clean_code(code), after=user.totp_last_step)
    if step is None:
        return False
    claimed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True
