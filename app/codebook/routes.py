"""The codebook editor and its downloads."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..access import Permission, get_in_project, project_required
from ..areas.services import decode
from ..inputs import database_id
from ..models import Code, CodeGroup, Project
from . import bp, services
from .forms import CodebookImportForm, CodeForm, GroupForm, MergeForm
from .qdc import to_qdc


def _slug(project: Project) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", project.name).strip("-").lower() or "codeboek"


def _page(project: Project, status: int = 200, **forms: Any) -> Any:
    groups = services.groups_with_codes(project)
    code_form = forms.get("code_form") or CodeForm(prefix="code")
    code_form.group.choices = [SelectChoice(str(g.id), g.name) for g in groups]
    return render_template(
        "codebook/index.html",
        project=project,
        groups=groups,
        group_form=forms.get("group_form") or GroupForm(prefix="group"),
        code_form=code_form,
        import_form=forms.get("import_form") or CodebookImportForm(prefix="import"),
    ), status


def _problem(error: services.CodebookError) -> str:
    return _(error.message, **error.params)


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    return _page(project)


@bp.route("/groups", methods=["POST"])
@project_required(Permission.manage)
def add_group(project: Project) -> Any:
    form = GroupForm(prefix="group")
    if form.validate_on_submit():
        try:
            services.add_group(project, form.key.data or "", form.name.data or "", form.colour.data)
        except services.CodebookError as error:
            form.key.errors = [_problem(error)]
            return _page(project, 422, group_form=form)
        flash(_("Group added."), "success")
        return redirect(url_for("codebook.index", project_id=project.id))
    return _page(project, 422, group_form=form)


@bp.route("/codes", methods=["POST"])
@project_required(Permission.manage)
def add_code(project: Project) -> Any:
    form = CodeForm(prefix="code")
    if form.validate_on_submit():
        group = get_in_project(CodeGroup, project, database_id(form.group.data) or 0)
        try:
            services.add_code(project, group, form.key.data or "", form.name.data or "", form.description.data or "", form.colour.data)
        except services.CodebookError as error:
            form.key.errors = [_problem(error)]
            return _page(project, 422, code_form=form)
        flash(_("Code added."), "success")
        return redirect(url_for("codebook.index", project_id=project.id))
    return _page(project, 422, code_form=form)


@bp.route("/codes/<int:code_id>", methods=["GET", "POST"])
@project_required(Permission.manage)
def edit_code(project: Project, code_id: int) -> Any:
    code = get_in_project(Code, project, code_id)
    groups = services.groups_with_codes(project)
    form = CodeForm(prefix="edit", obj=code if request.method == "GET" else None)
    form.group.choices = [SelectChoice(str(g.id), g.name) for g in groups]
    merge = MergeForm(prefix="merge")
    merge.target.choices = [
        SelectChoice(str(c.id), f"{c.key} {c.name}") for g in groups for c in g.codes if c.id != code.id and not c.archived
    ]
    if request.method == "GET":
        form.group.data = str(code.group_id)
    elif form.validate_on_submit():
        group = get_in_project(CodeGroup, project, database_id(form.group.data) or 0)
        try:
            services.update_code(code, group, form.name.data or "", form.description.data or "", form.colour.data, form.keywords.data or "")
        except services.CodebookError as error:
            form.name.errors = [_problem(error)]
        else:
            flash(_("Code saved. Its UUID stays the same, so earlier codings and exports keep pointing at it."), "success")
            return redirect(url_for("codebook.index", project_id=project.id))
    status = 422 if form.errors else 200
    return render_template("codebook/code.html", project=project, code=code, form=form, merge_form=merge), status


@bp.route("/codes/<int:code_id>/archive", methods=["POST"])
@project_required(Permission.manage)
def archive_code(project: Project, code_id: int) -> Any:
    code = get_in_project(Code, project, code_id)
    services.set_archived(code, request.form.get("archived") == "1")
    return redirect(url_for("codebook.index", project_id=project.id))


@bp.route("/codes/<int:code_id>/merge", methods=["POST"])
@project_required(Permission.manage)
def merge_code(project: Project, code_id: int) -> Any:
    source = get_in_project(Code, project, code_id)
    form = MergeForm(prefix="merge")
    target_id = database_id(form.target.data)
    if not form.validate_on_submit() or target_id is None:
        abort(400)
    target = get_in_project(Code, project, target_id)
    try:
        moved = services.merge_codes(source, target)
    except services.CodebookError as error:
        flash(_problem(error), "error")
        return redirect(url_for("codebook.edit_code", project_id=project.id, code_id=source.id))
    flash(_("%(source)s is merged into %(target)s (%(moved)s tags moved).", source=source.name, target=target.name, moved=moved), "success")
    return redirect(url_for("codebook.index", project_id=project.id))


@bp.route("/export.csv")
@project_required(Permission.view)
def export_csv(project: Project) -> Any:
    return Response(
        services.export_csv(project),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="codeboek-{_slug(project)}.csv"'},
    )


@bp.route("/import", methods=["POST"])
@project_required(Permission.manage)
def import_csv(project: Project) -> Any:
    form = CodebookImportForm(prefix="import")
    if form.validate_on_submit():
        try:
            counts = services.import_csv(project, decode(form.file.data.read()))
        except (services.CodebookError, UnicodeDecodeError) as error:
            message = _problem(error) if isinstance(error, services.CodebookError) else _("This is not a text (CSV) file.")
            form.file.errors = [message]
            return _page(project, 422, import_form=form)
        flash(_("Codebook imported: %(created)s new, %(updated)s changed.", **counts), "success")
        return redirect(url_for("codebook.index", project_id=project.id))
    return _page(project, 422, import_form=form)


@bp.route("/export.qdc")
@project_required(Permission.view)
def export_qdc(project: Project) -> Any:
    return Response(
        to_qdc(services.groups_with_codes(project)),
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="codeboek-{_slug(project)}.qdc"'},
    )
