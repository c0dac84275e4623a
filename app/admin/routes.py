"""User administration, the list of all projects, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import admin_required
from ..audit import views as audit_views
from ..auth import services as auth_services
from ..auth import sessions, two_factor
from ..database import writes
from ..extensions import db
from ..models import User
from . import bp, services
from .forms import UserForm


@bp.route("/users")
@admin_required
def users() -> Any:
    return render_template("admin/users.html", users=services.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def create_user() -> Any:
    form = UserForm()
    if form.validate_on_submit():
        user = auth_services.create_user(
            form.email.data,
            form.name.data,
            form.password.data or None,
            language=form.language.data,
            is_admin=form.is_admin.data,
        )
        user.active = form.active.data
        flash(_("Account created for %(name)s.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user, user_id=user.id)
    if form.validate_on_submit():
        values = {f: getattr(form, f).data for f in services.USER_FIELDS}
        try:
            services.update_user(user, values, current_user._get_current_object(), form.password.data or None)
        except services.SelfLockoutError:
            form.is_admin.errors.append(_("You cannot remove your own administrator right or deactivate yourself."))
        else:
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, session_count=len(sessions.of(user))), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@admin_required
def reset_two_factor(user_id: int) -> Any:
    """For a person who lost their phone: they set it up again (when required, at their next login)."""
    user = db.session.get(User, user_id) or abort(404)
    if user.has_two_factor:
        two_factor.disable(user, reason="reset by an administrator")
        flash(_("Two-factor sign-in is off for %(name)s.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@admin_required
def end_sessions(user_id: int) -> Any:
    """Sign a person out everywhere: a lost tablet, an account in the wrong hands."""
    user = db.session.get(User, user_id) or abort(404)
    ended = sessions.end_all(user, keep_current=user.id == current_user.id, reason="by an administrator")
    flash(ngettext("%(num)s session of %(name)s is ended.", "%(num)s sessions of %(name)s are ended.", ended, name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/projects")
@admin_required
def projects() -> Any:
    return render_template("admin/projects.html", projects=services.list_projects())


@bp.route("/audit")
@writes  # downloading the log is itself logged
@admin_required
def audit_log() -> Any:
    return audit_views.show("admin/audit.html")
