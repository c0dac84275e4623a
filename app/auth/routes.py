"""Login, logout, language and the user's own account page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user, login_user, logout_user

from .. import audit
from ..access import get_owned, login_required, public
from ..extensions import limiter
from ..models import ApiToken
from ..models.types import utcnow
from ..redirects import local_path
from . import bp, services
from .forms import AccountForm, LanguageForm, LoginForm, PasswordForm, TokenForm


def _login_failed(_response: Any) -> bool:
    return bool(g.get("login_failed"))


def _login_email_key() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    return local_path(target, url_for("main.index"))


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
            user = current_user._get_current_object()
            services.update_account(user, user.name, form.language.data)
    return redirect(_safe_next(request.form.get("next")))


def _render_account(
    form: AccountForm | None = None,
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    status: int = 200,
) -> Any:
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        form=form or AccountForm(obj=user),
        password_form=password_form or PasswordForm(prefix="pw"),
        token_form=token_form or TokenForm(prefix="tok"),
        tokens=services.tokens_of(user),
    ), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Any:
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        services.update_account(current_user._get_current_object(), form.name.data, form.language.data)
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return _render_account(form, status=422 if form.errors else 200)


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
    return _render_account(password_form=form, status=422)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token() -> Any:
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        expires = utcnow() + timedelta(days=form.days.data) if form.days.data else None
        token, plain = services.create_token(current_user._get_current_object(), form.name.data, expires)
        return render_template("auth/token_created.html", plain=plain, token=token)
    return _render_account(token_form=form, status=422)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Any:
    services.revoke_token(get_owned(ApiToken, token_id))
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.account"))
