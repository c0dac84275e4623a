"""Login, logout, language and the user's own account page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_user, logout_user

from .. import audit
from ..access import login_required, public
from ..extensions import db, limiter
from ..models import ApiToken
from ..models.types import utcnow
from . import bp, services
from .forms import AccountForm, LanguageForm, LoginForm, PasswordForm, TokenForm


def _login_failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def _login_email_key() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_login_email_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        g.login_failed = True
        form.password.errors.append(_("Email address or password is incorrect."))
    elif request.method == "POST":
        g.login_failed = True
    return render_template("auth/login.html", form=form, language_form=LanguageForm(language=str(get_locale())))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    audit.record("logout", current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language() -> Any:
    form = LanguageForm()
    if form.validate_on_submit():
        session["language"] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Any:
    user = current_user._get_current_object()
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        changes = {f: getattr(form, f).data for f in ("name", "language") if getattr(form, f).data != getattr(user, f)}
        form.populate_obj(user)
        audit.record("user.update", user, details={"fields": sorted(changes)})
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        form=form,
        password_form=PasswordForm(prefix="pw"),
        token_form=TokenForm(prefix="tok"),
        tokens=_tokens_of(user.id),
    )


def _tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
        )
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> Any:
    user = current_user._get_current_object()
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if services.check_password(user, form.current.data):
            services.set_password(user, form.new.data)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
        form.current.errors.append(_("This is not your current password."))
    return render_template(
        "auth/account.html",
        form=AccountForm(obj=user),
        password_form=form,
        token_form=TokenForm(prefix="tok"),
        tokens=_tokens_of(user.id),
    ), 422


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token() -> Any:
    user = current_user._get_current_object()
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        expires = utcnow() + timedelta(days=form.days.data) if form.days.data else None
        _token, plain = services.create_token(user, form.name.data, expires)
        return render_template("auth/token_created.html", plain=plain, token=_token)
    return render_template(
        "auth/account.html",
        form=AccountForm(obj=user),
        password_form=PasswordForm(prefix="pw"),
        token_form=form,
        tokens=_tokens_of(user.id),
    ), 422


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Any:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.account"))
