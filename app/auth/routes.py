"""Login, logout, language and the user's own account page."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import audit
from ..access import get_owned, login_required, public, two_factor_required
from ..extensions import db, limiter
from ..models import ApiToken, User
from ..models.types import utcnow
from ..projects import invitations
from ..qr import svg
from ..redirects import local_path
from . import bp, services, sessions, two_factor
from .forms import AccountForm, CodeForm, InvitationForm, LanguageForm, LoginForm, PasswordForm, TokenForm


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
        if user is not None and user.has_two_factor:
            session.clear()
            session.update(tf_user=user.id, tf_since=time.time(), tf_next=_safe_next(request.args.get("next")))
            return redirect(url_for("auth.login_code"))
        if user is not None:
            return _sign_in(user, _safe_next(request.args.get("next")))
        g.login_failed = True
        form.password.errors.append(_("Email address or password is incorrect."))
    elif request.method == "POST":
        g.login_failed = True
    return render_template("auth/login.html", form=form, language_form=LanguageForm(language=str(get_locale())))


def _sign_in(user: User, target: str) -> Any:
    session.clear()  # a fresh session on login: no fixation
    login_user(user)
    sessions.start(user)
    session.permanent = True
    return redirect(target)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str) -> Any:
    """An invited colleague chooses a name and password, joins the project and is signed in (and
    sets up two-factor sign-in next where their role requires it)."""
    try:
        found = invitations.find(token)
    except invitations.InvitationGone as gone:
        return render_template("auth/invitation_gone.html", reason=str(gone)), 410
    if current_user.is_authenticated and current_user.email != found.email:
        return render_template("auth/invitation_gone.html", reason="other_user"), 409
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(found, form.name.data, form.new.data, str(get_locale()))
        except invitations.InvitationGone as gone:
            return render_template("auth/invitation_gone.html", reason=str(gone)), 410
        services.complete_login(user)
        response = _sign_in(user, url_for("projects.show", project_id=found.project_id))
        flash(_("Welcome to %(project)s.", project=found.project.name), "success")  # after the session was renewed
        return response
    return render_template("auth/invitation.html", form=form, invitation=found), 422 if form.errors else 200


def _pending_user() -> User | None:
    """Who gave the right password a moment ago and owes the code."""
    since = session.get("tf_since")
    if not isinstance(since, (int, float)) or time.time() - since > two_factor.PENDING_SECONDS:
        return None
    user = db.session.get(User, session.get("tf_user") or 0)
    return user if user is not None and user.active and user.has_two_factor else None


def _code_key() -> str:
    return f"two-factor:{session.get('tf_user')}"


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_code_key, methods=["POST"], deduct_when=_login_failed)
def login_code() -> Any:
    """The second step: the code from the authenticator app."""
    user = _pending_user()
    if user is None:
        session.pop("tf_user", None)
        flash(_("Log in again: the code has to follow the password within five minutes."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.accept_login_code(user, form.code.data):
            services.complete_login(user, two_factor=True)
            return _sign_in(user, session.get("tf_next") or url_for("main.index"))
        g.login_failed = True
        audit.record("login", user, actor=user, result="failure", details={"step": "two_factor"})
        form.code.errors.append(_("This code is not right, or was already used. Wait for the next code and try again."))
    elif request.method == "POST":
        g.login_failed = True
    # 200 even for a wrong code, as the password step does: the failure's audit row must be committed.
    return render_template("auth/login_code.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    audit.record("logout", current_user._get_current_object())
    sessions.end_current()  # a copy of this cookie is worth nothing from now on
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
        sessions=sessions.of(user),
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


@bp.route("/account/sessions/end", methods=["POST"])
@login_required
def end_other_sessions() -> Any:
    """Sign out everywhere else: every other browser or tablet this account is signed in on."""
    ended = sessions.end_all(current_user._get_current_object(), keep_current=True, reason="by the user")
    flash(ngettext("%(num)s other session is ended.", "%(num)s other sessions are ended.", ended), "success")
    return redirect(url_for("auth.account"))


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


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> Any:
    """Set up two-factor sign-in: scan the QR code (or type the key), then prove it with a code."""
    user = current_user._get_current_object()
    form = CodeForm()
    if user.has_two_factor:
        return render_template("auth/two_factor.html", form=form, user=user, required=two_factor_required(user))
    secret = session.get("tf_setup")
    if not secret:  # kept while setting up: a reload does not invalidate what was scanned
        secret = session["tf_setup"] = two_factor.new_secret()
    if form.validate_on_submit():
        if two_factor.enable(user, secret, form.code.data):
            session.pop("tf_setup", None)
            flash(_("Two-factor sign-in is on. From now on you also give a code from your app when you log in."), "success")
            return redirect(url_for("auth.account"))
        form.code.errors.append(_("This code is not right. Check the time on your phone and try the next code."))
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/two_factor.html",
        form=form,
        user=user,
        secret=two_factor.grouped(secret),
        required=two_factor_required(user),
        qr=svg(uri, _("QR code to scan with your authenticator app"), scale=4),
    ), 422 if form.errors else 200


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
def two_factor_off() -> Any:
    user = current_user._get_current_object()
    form = CodeForm()
    if two_factor_required(user):
        flash(_("Two-factor sign-in is required for your role; it cannot be switched off."), "error")
    elif form.validate_on_submit() and two_factor.accept_login_code(user, form.code.data):
        two_factor.disable(user)
        flash(_("Two-factor sign-in is off."), "success")
        return redirect(url_for("auth.account"))
    else:
        flash(_("This code is not right, or was already used. Wait for the next code and try again."), "error")
    return redirect(url_for("auth.two_factor_setup"))
