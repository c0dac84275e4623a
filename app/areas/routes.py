"""Area list with the outlines, the CSV import of the tree and the GeoJSON import of the outlines."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..access import Permission, project_required
from ..i18n import N_
from ..models import Project
from . import bp, locate, maps, outlines, services
from .forms import AreaImportForm, OutlineImportForm


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    areas = services.area_tree(project)
    return render_template("areas/index.html", project=project, areas=areas, drawn=maps.svg_map(areas))


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
