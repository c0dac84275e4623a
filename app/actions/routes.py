"""Action items: list with filters, create (from selected inputs), change, link inputs."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..areas.services import area_tree
from ..codebook.services import active_codes
from ..coding.services import codings_of
from ..elements.services import elements_of
from ..extensions import db
from ..inputs import page_number, query_id
from ..models import ActionInput, ActionItem, Project
from ..redirects import local_path
from . import bp, services
from .forms import ActionForm


def _choices(form: ActionForm, project: Project) -> None:
    form.code_id.choices = [SelectChoice("", _("none")), *(SelectChoice(str(c.id), f"{c.key} {c.name}") for c in active_codes(project))]
    form.area_id.choices = [SelectChoice("", _("none")), *(SelectChoice(str(a.id), a.label) for a in area_tree(project))]
    form.element_id.choices = [
        SelectChoice("", _("none")),
        *(SelectChoice(str(e.id), e.name) for e in elements_of(project, archived=False)),
    ]


@bp.route("/")
@project_required(Permission.read_all)
def index(project: Project) -> Any:
    filters = services.ActionFilters.from_args(request.args)
    page = services.listing(project, filters, request.args.get("page", 1, type=page_number))
    return render_template(
        "actions/index.html",
        project=project,
        page=page,
        filters=filters,
        args=filters.as_args(),
        codes=active_codes(project),
        areas=area_tree(project),
        departments=services.departments(project),
    )


@bp.route("/new", methods=["GET", "POST"])
@project_required(Permission.manage)
def new(project: Project) -> Any:
    form = ActionForm()
    _choices(form, project)
    keys = request.values.getlist("inputs")
    try:
        inputs = services.inputs_from_keys(project, keys)
    except services.ActionError as error:
        flash(_(error.message, **error.params), "error")
        return redirect(url_for("coding.index", project_id=project.id))
    if request.method == "GET" and inputs:
        codes = {c.code_id for t in inputs for c in codings_of(t)}
        if len(codes) == 1:
            form.code_id.data = str(codes.pop())
        area_id = services.shared_area(inputs)
        if area_id is not None:  # the texts share an area: the action is probably about it
            form.area_id.data = str(area_id)
    if form.validate_on_submit():
        try:
            action = services.create_action(project, current_user._get_current_object(), form.to_data(), inputs)
        except services.ActionError as error:
            form.title.errors = [*form.title.errors, _(error.message, **error.params)]
        else:
            flash(_("Action item created."), "success")
            return redirect(url_for("actions.show", project_id=project.id, action_id=action.id))
    return render_template(
        "actions/form.html", project=project, form=form, action=None, inputs=inputs, keys=keys
    ), 422 if form.errors else 200


@bp.route("/<int:action_id>")
@project_required(Permission.read_all)
def show(project: Project, action_id: int) -> Any:
    action = get_in_project(ActionItem, project, action_id)
    return render_template(
        "actions/show.html",
        project=project,
        action=action,
        evidence=services.evidence(action),
        may_manage=Permission.manage in g.permissions,
    )


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit(project: Project, action_id: int) -> Any:
    action = get_in_project(ActionItem, project, action_id)
    form = ActionForm(obj=action) if request.method == "GET" else ActionForm()
    _choices(form, project)
    if request.method == "GET":
        form.code_id.data = str(action.code_id or "")
        form.area_id.data = str(action.area_id or "")
        form.priority.data, form.status.data = action.priority.value, action.status.value
        form.load(action)
    if form.validate_on_submit():
        try:
            services.update_action(action, form.to_data())
        except services.ActionError as error:
            form.rejection_reason.errors = [*form.rejection_reason.errors, _(error.message, **error.params)]
        else:
            flash(_("Action item saved."), "success")
            return redirect(url_for("actions.show", project_id=project.id, action_id=action.id))
    return render_template("actions/form.html", project=project, form=form, action=action, inputs=[], keys=[]), 422 if form.errors else 200


@bp.route("/<int:action_id>/feedback", methods=["POST"])
@project_required(Permission.manage)
def feedback_given(project: Project, action_id: int) -> Any:
    """Close the loop: the residents who asked have been told what became of this action."""
    action = get_in_project(ActionItem, project, action_id)
    if services.mark_feedback_given(action):
        flash(_("Marked: residents have heard back about %(title)s.", title=action.title), "success")
    return redirect(local_path(request.form.get("back"), url_for("actions.show", project_id=project.id, action_id=action.id)))


@bp.route("/link", methods=["POST"])
@project_required(Permission.manage)
def link(project: Project) -> Any:
    """Link selected inputs (from the queue or an input's page) to an existing action item."""
    back = local_path(request.form.get("back"), url_for("actions.index", project_id=project.id))
    action = db.session.get(ActionItem, request.form.get("action", type=query_id) or 0)
    if action is None or action.project_id != project.id:
        flash(_("Choose an action item."), "error")
        return redirect(back)
    try:
        for target in services.inputs_from_keys(project, request.form.getlist("inputs")):
            services.link_input(action, target)
    except services.ActionError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return redirect(back)
    flash(_("Linked to action item %(title)s.", title=action.title), "success")
    return redirect(back)


@bp.route("/<int:action_id>/links/<int:link_id>/delete", methods=["POST"])
@project_required(Permission.manage)
def unlink(project: Project, action_id: int, link_id: int) -> Any:
    action = get_in_project(ActionItem, project, action_id)
    link = db.session.get(ActionInput, link_id)
    if link is None or link.action_id != action.id:
        abort(404)
    services.unlink_input(link)
    flash(_("Input no longer linked."), "success")
    return redirect(url_for("actions.show", project_id=project.id, action_id=action.id))
