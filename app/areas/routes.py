"""Area list and CSV import."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..access import Permission, project_required
from ..i18n import N_
from ..models import Project
from . import bp, services
from .forms import AreaImportForm


@bp.route("/")
@project_required(Permission.view)
def index(project: Project) -> Any:
    return render_template("areas/index.html", project=project, areas=services.area_tree(project))


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
