"""Area list with the outlines, the area editor, the CSV import of the tree and the GeoJSON import of the outlines."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms import SelectChoice

from ..access import Permission, can, get_in_project, project_required
from ..i18n import N_
from ..models import Area, AreaLevel, Project
from . import bp, editing, locate, maps, outlines, services
from .forms import AreaAddForm, AreaImportForm, AreaMergeForm, AreaMoveForm, AreaRenameForm, OutlineImportForm


def _add_form(areas: list[Area], form: AreaAddForm | None = None) -> AreaAddForm:
    form = form or AreaAddForm()
    form.parent.choices = [SelectChoice("", _("— a new stadsdeel —"))] + [
        SelectChoice(str(a.id), a.label) for a in areas if a.level != AreaLevel.buurt and not a.archived
    ]
    return form


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    areas = services.area_tree(project)
    add_form = _add_form(areas) if can(Permission.manage, project) else None
    return render_template("areas/index.html", project=project, areas=areas, drawn=maps.svg_map(areas), add_form=add_form)


@bp.route("/new", methods=["POST"])
@project_required(Permission.manage)
def add(project: Project) -> Any:
    areas = services.area_tree(project)
    form = _add_form(areas, AreaAddForm())
    parent = next((a for a in areas if str(a.id) == form.parent.data), None)
    if form.validate_on_submit() and (parent is not None or not form.parent.data):
        try:
            area = editing.add_area(project, parent, form.name.data, form.kind.data or "")
        except editing.AreaEditError as error:
            form.name.errors.append(_(str(error), **error.params))
        else:
            flash(_("%(area)s is added.", area=area.label), "success")
            return redirect(url_for("areas.index", project_id=project.id) + f"#area-{area.id}")
    elif form.parent.data and parent is None:
        form.parent.errors.append(_("Choose an area from the list."))
    return render_template("areas/index.html", project=project, areas=areas, drawn=maps.svg_map(areas), add_form=form), 422


def _forms(areas: list[Area], area: Area, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """The editor's forms (``sent``: the one just sent, as it came), each with its choices: another
    area one level up to move into (not archived), or another area of the same level to merge into."""
    forms = {
        "rename": AreaRenameForm(prefix="rename", name=area.name),
        "move": AreaMoveForm(prefix="move"),
        "merge": AreaMergeForm(prefix="merge"),
    }
    forms.update(sent or {})
    parents = [a for a in areas if editing.CHILD_LEVEL.get(a.level) == area.level and a.id != area.parent_id and not a.archived]
    forms["move"].parent.choices = [SelectChoice(str(a.id), a.label) for a in parents]
    forms["merge"].into.choices = [SelectChoice(str(a.id), a.label) for a in areas if a.level == area.level and a.id != area.id]
    return forms


def _edit_page(project: Project, area: Area, forms: dict[str, Any], status: int = 200) -> Any:
    areas = services.area_tree(project)
    return render_template(
        "areas/edit.html",
        project=project,
        area=area,
        recorded=editing.recorded_in(area),
        inside=[a for a in areas if a.path.startswith(area.path + "/")],
        forms=forms,
    ), status


@bp.route("/<int:area_id>")
@project_required(Permission.manage)
def edit(project: Project, area_id: int) -> Any:
    area = get_in_project(Area, project, area_id)
    return _edit_page(project, area, _forms(services.area_tree(project), area))


@bp.route("/<int:area_id>/<any(rename, move, merge, archive, restore):change>", methods=["POST"])
@project_required(Permission.manage)
def change(project: Project, area_id: int, change: str) -> Any:
    """Rename, move, merge, archive or restore an area; what was recorded in it moves along."""
    area = get_in_project(Area, project, area_id)
    done = url_for("areas.index", project_id=project.id) + f"#area-{area.id}"
    if change in ("archive", "restore"):
        editing.set_archived(area, change == "archive")
        flash(
            _("%(area)s is archived: it is no longer offered for new interviews and rounds.", area=area.label)
            if change == "archive"
            else _("%(area)s is in use again.", area=area.label),
            "success",
        )
        return redirect(done)
    areas = services.area_tree(project)
    form = {"rename": AreaRenameForm, "move": AreaMoveForm, "merge": AreaMergeForm}[change](prefix=change)
    forms = _forms(areas, area, {change: form})
    if not form.validate_on_submit():
        return _edit_page(project, area, forms, 422)
    try:
        if change == "rename":
            editing.rename(area, form.name.data)
            flash(_("Renamed: %(area)s.", area=area.label), "success")
        else:
            field = form.parent if change == "move" else form.into
            offered = {c.value for c in field.choices}
            target = next((a for a in areas if str(a.id) == field.data and str(a.id) in offered), None)
            if target is None:
                field.errors.append(_("Choose an area from the list."))
                return _edit_page(project, area, forms, 422)
            if change == "move":
                editing.move(area, target)
                flash(_("Moved: %(area)s.", area=area.label), "success")
            else:
                label = area.label
                moved = editing.merge(area, target)
                flash(
                    _("%(area)s is merged into %(into)s: %(n)s records moved along.", area=label, into=target.label, n=moved.total),
                    "success",
                )
                return redirect(url_for("areas.index", project_id=project.id) + f"#area-{target.id}")
    except editing.AreaEditError as error:
        form.form_errors.append(_(str(error), **error.params))
        return _edit_page(project, area, forms, 422)
    return redirect(done)


@bp.route("/import", methods=["GET", "POST"])
@project_required(Permission.manage)
def import_csv(project: Project) -> Any:
    form = AreaImportForm()
    errors: list[services.LineError] = []
    if form.validate_on_submit():
        try:
            text = services.decode(form.file.data.read())
            rows = services.parse(text, current_app.config["AREA_IMPORT_MAX_ROWS"])
        except UnicodeDecodeError:
            errors = [services.LineError(1, N_("The file cannot be read as text (save it as CSV UTF-8)."))]
        except services.AreaImportError as error:
            errors = error.errors
        else:
            result = services.import_areas(project, rows)
            flash(
                _(
                    "Areas imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
                    created=result.created,
                    updated=result.updated,
                    unchanged=result.unchanged,
                ),
                "success",
            )
            return redirect(url_for("areas.index", project_id=project.id))
    status = 422 if (errors or form.errors) else 200
    return render_template("areas/import.html", project=project, form=form, errors=errors), status


@bp.route("/outlines", methods=["GET", "POST"])
@project_required(Permission.manage)
def import_outlines(project: Project) -> Any:
    form = OutlineImportForm()
    errors: list[outlines.FeatureError] = []
    if form.validate_on_submit():
        raw = form.file.data.read(current_app.config["AREA_OUTLINE_MAX_BYTES"] + 1)
        try:
            if len(raw) > current_app.config["AREA_OUTLINE_MAX_BYTES"]:
                raise outlines.OutlineImportError(
                    [
                        outlines.FeatureError(
                            0, "", N_("The file is larger than %(max)s MB."), {"max": current_app.config["AREA_OUTLINE_MAX_BYTES"] // 2**20}
                        )
                    ]
                )
            matched, skipped = outlines.check(project, raw, form.crs.data, form.skip_unmatched.data)
        except outlines.OutlineImportError as error:
            errors = error.errors
        else:
            result = outlines.import_outlines(project, matched, skipped)
            located = locate.locate_records(project)
            said = [ngettext("Outlines imported for %(num)s area.", "Outlines imported for %(num)s areas.", result.outlined)]
            if skipped:
                said.append(
                    ngettext(
                        "%(num)s feature matched no area and was left out.", "%(num)s features matched no area and were left out.", skipped
                    )
                )
            if located:
                said.append(
                    ngettext(
                        "%(num)s interview or contribution with a location got its area.",
                        "%(num)s interviews and contributions with a location got their area.",
                        located,
                    )
                )
            flash(" ".join(said), "success")
            return redirect(url_for("areas.index", project_id=project.id))
    status = 422 if (errors or form.errors) else 200
    return render_template("areas/outlines.html", project=project, form=form, errors=errors), status
