"""Inviting a colleague into a project by e-mail: the link sets a password once, before it expires.

Only the token's SHA-256 digest is stored; the link itself exists in the e-mail (or on the
coordinator's screen when no SMTP server is configured) and nowhere else.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .. import audit
from ..auth import services as auth
from ..extensions import db
from ..models import Invitation, Membership, Project, Role, User
from ..models.types import utcnow


class InvitationGone(ValueError):
    """The link was used, withdrawn, or has expired (the reason: "used", "revoked", "expired")."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(project: Project, email: str, role: Role, inviter: User) -> tuple[Invitation, str]:
    """A new invitation and its token (shown or mailed once). An open invitation of the same
    address to the same project is withdrawn: only the newest link works."""
    email = auth.normalise_email(email)
    for earlier in pending_of(project):
        if earlier.email == email:
            earlier.revoked_at = utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        project_id=project.id,
        email=email,
        role=role,
        token_digest=_digest(token),
        invited_by_id=inviter.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.create", invitation, details={"email": email, "role": role.value})
    return invitation, token


def pending_of(project: Project) -> list[Invitation]:
    """Invitations not yet used nor withdrawn (expired ones too: the team page says so)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.project_id == project.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc())
        )
    )


def find(token: str) -> Invitation:
    """The open invitation of a link, or InvitationGone saying why it no longer works."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_digest == _digest(token))) if token else None
    if invitation is None:
        raise InvitationGone("unknown")
    if invitation.accepted_at is not None:
        raise InvitationGone("used")
    if invitation.revoked_at is not None:
        raise InvitationGone("revoked")
    if invitation.expires_at <= utcnow():
        raise InvitationGone("expired")
    return invitation


def accept(invitation: Invitation, name: str, password: str, language: str) -> User:
    """Make the account (or use the one that exists since) and its membership; the link is used."""
    user = auth.get_user_by_email(invitation.email)
    if user is None:
        user = auth.create_user(invitation.email, name, password, language=language)
    elif not user.active:
        raise InvitationGone("inactive")
    else:
        auth.set_password(user, password)
    member = db.session.scalar(sa.select(Membership).where(Membership.project_id == invitation.project_id, Membership.user_id == user.id))
    if member is None:
        db.session.add(Membership(project_id=invitation.project_id, user_id=user.id, role=invitation.role))
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("invitation.accept", invitation, actor=user, details={"email": invitation.email, "role": invitation.role.value})
    return user


def revoke(invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    audit.record("invitation.revoke", invitation, details={"email": invitation.email})
