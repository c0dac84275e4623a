"""Project pages: create, show, edit, and the team."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from .. import mail
from ..access import Permission, can, get_in_project, may_capture_in, project_creator_required, project_required
from ..auth.services import get_user_by_email
from ..i18n import ROLE_LABELS
from ..models import Invitation, Membership, Project, Role
from ..rounds.services import rounds_of
from . import bp, invitations, services, starting
from .forms import MemberForm, NewProjectForm, ProjectForm, RoleForm
from .navigation import project_nav

MEMBERSHIP_ERRORS = {
    "already_member": lambda: _("This person is already a member of the project."),
    "last_coordinator": lambda: _("A project needs at least one coordinator. Appoint another coordinator first."),
}


def _new_form() -> NewProjectForm:
    form = NewProjectForm()
    sources = starting.copy_sources(current_user._get_current_object())
    form.start.choices = [SelectChoice("empty", _("Empty, with the public-space codebook"))]
    form.start.choices += [SelectChoice(f"template:{t.key}", t.name) for t in starting.templates().values()]
    if sources:
        form.start.choices.append(SelectChoice("copy", _("The set-up of another project")))
    form.copy_from.choices = [SelectChoice(str(p.id), p.name) for p in sources]
    return form


@bp.route("/new", methods=["GET", "POST"])
@project_creator_required
def create() -> Any:
    """A new project: empty, from a template, or as a copy of another project's set-up."""
    form = _new_form()
    creator = current_user._get_current_object()
    if form.validate_on_submit():
        start = form.start.data or "empty"
        template = starting.templates().get(start.removeprefix("template:")) if start.startswith("template:") else None
        source = next((p for p in starting.copy_sources(creator) if str(p.id) == form.copy_from.data), None)
        if start == "copy" and source is None:
            form.copy_from.errors.append(_("Choose a project from the list."))
        elif start not in ("empty", "copy") and template is None:
            form.start.errors.append(_("Choose how the project starts."))
        else:
            if template is not None:
                project = starting.create_from_template(form.to_data(), template, creator)
                flash(
                    _(
                        "Project created from the template %(name)s: its guide, codebook and rounds are ready. Next: its areas and the team.",
                        name=template.name,
                    ),
                    "success",
                )
            elif source is not None and start == "copy":
                project = starting.create_as_copy(form.to_data(), source, creator)
                flash(
                    _("Project created with the set-up of %(name)s. Next: the team and the dates of the rounds.", name=source.name),
                    "success",
                )
            else:
                project = services.create_project(form.to_data(), creator)
                flash(_("Project created. Next: import its areas and add the team."), "success")
            return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None, templates=starting.templates()), 422 if form.errors else 200


@bp.route("/<int:project_id>")
@project_required(Permission.view)
def show(project: Project) -> Any:
    my_rounds = [r for r in rounds_of(project) if may_capture_in(r)] if can(Permission.capture, project) else []
    return render_template(
        "projects/show.html",
        project=project,
        members=services.members_of(project),
        area_count=services.area_count(project),
        steps=services.setup_steps(project) if can(Permission.manage, project) else [],
        my_rounds=my_rounds,
    )


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit(project: Project) -> Any:
    form = ProjectForm(obj=project)
    if not form.is_submitted():
        form.respondent_types.data = project.offered_respondents
    if form.validate_on_submit():
        services.update_project(project, form.to_data())
        flash(_("Project saved."), "success")
        return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project), 422 if form.errors else 200


def _render_members(project: Project, form: MemberForm | None = None, status: int = 200) -> Any:
    members = services.members_of(project)
    role_forms = {m.id: RoleForm(prefix=f"m{m.id}", role=m.role.value) for m in members}
    return render_template(
        "projects/members.html",
        project=project,
        members=members,
        form=form or MemberForm(),
        role_forms=role_forms,
        invitations=invitations.pending_of(project),
        mail_configured=mail.configured(),
    ), status


@bp.route("/<int:project_id>/members", methods=["GET", "POST"])
@project_required(Permission.manage_members)
def members(project: Project) -> Any:
    form = MemberForm()
    if not form.validate_on_submit():
        return _render_members(project, form, 422 if form.errors else 200)
    user = get_user_by_email(form.email.data)
    if user is None:
        return _invite(project, form.email.data, Role(form.role.data))
    if not user.active:
        form.email.errors.append(_("This account is switched off. Ask an administrator to switch it on again."))
        return _render_members(project, form, 422)
    try:
        services.add_member(project, user, Role(form.role.data))
    except services.MembershipError as error:
        form.email.errors.append(MEMBERSHIP_ERRORS[str(error)]())
        return _render_members(project, form, 422)
    flash(_("%(name)s is added to the team.", name=user.name), "success")
    return redirect(url_for("projects.members", project_id=project.id))


def _invite(project: Project, email: str, role: Role) -> Any:
    """A colleague without an account gets an invitation: by e-mail, or as a link to pass on."""
    inviter = current_user._get_current_object()
    invitation, token = invitations.invite(project, email, role, inviter)
    link = url_for("auth.invitation", token=token, _external=True)
    until = format_date(invitation.expires_at, "long")
    body = _(
        '%(inviter)s invites you to the project "%(project)s" in Buitenbinnen, as %(role)s.\n\n'
        "With this link you choose your password and join the project:\n%(link)s\n\n"
        "The link works once, until %(until)s. If you did not expect this invitation, you can ignore this e-mail.",
        inviter=inviter.name,
        project=project.name,
        role=str(ROLE_LABELS[role]).lower(),
        link=link,
        until=until,
    )
    try:
        sent = mail.send(invitation.email, _("Invitation to %(project)s in Buitenbinnen", project=project.name), body)
    except mail.MailError as error:
        return render_template(
            "projects/invitation_link.html", project=project, invitation=invitation, link=link, until=until, failed=str(error)
        )
    if not sent:
        return render_template("projects/invitation_link.html", project=project, invitation=invitation, link=link, until=until, failed=None)
    flash(_("An invitation is sent to %(email)s. The link works until %(until)s.", email=invitation.email, until=until), "success")
    return redirect(url_for("projects.members", project_id=project.id))


@bp.route("/<int:project_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@project_required(Permission.manage_members)
def revoke_invitation(project: Project, invitation_id: int) -> Any:
    invitations.revoke(get_in_project(Invitation, project, invitation_id))
    flash(_("The invitation is withdrawn: its link no longer works."), "success")
    return redirect(url_for("projects.members", project_id=project.id))


@bp.route("/<int:project_id>/members/<int:membership_id>/role", methods=["POST"])
@project_required(Permission.manage_members)
def change_role(project: Project, membership_id: int) -> Any:
    membership = get_in_project(Membership, project, membership_id)
    form = RoleForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        try:
            services.change_role(membership, Role(form.role.data))
            flash(_("Role changed."), "success")
        except services.MembershipError as error:
            flash(MEMBERSHIP_ERRORS[str(error)](), "error")
            return _render_members(project, status=422)
    else:
        return _render_members(project, status=422)
    return redirect(url_for("projects.members", project_id=project.id))


@bp.route("/<int:project_id>/members/<int:membership_id>/remove", methods=["POST"])
@project_required(Permission.manage_members)
def remove_member(project: Project, membership_id: int) -> Any:
    membership = get_in_project(Membership, project, membership_id)
    try:
        services.remove_member(membership)
    except services.MembershipError as error:
        flash(MEMBERSHIP_ERRORS[str(error)](), "error")
        return _render_members(project, status=422)
    flash(_("Removed from the team."), "success")
    return redirect(url_for("projects.members", project_id=project.id))


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    return {"project_nav": project_nav}
