"""Importing a REFI-QDA project (.qdpx) as a new project: the page a coordinator uploads it on."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import project_creator_required
from ..extensions import db
from .forms import QdpxImportForm
from .qdpx_import import MAX_FILE, QdpxError, import_project, read_qdpx

bp = Blueprint("imports", __name__, url_prefix="/projects/import")


@bp.route("/qdpx", methods=["GET", "POST"])
@project_creator_required
def qdpx() -> Any:
    form = QdpxImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE + 1)
        try:
            project = import_project(read_qdpx(data), current_user._get_current_object(), form.name.data or "")
        except QdpxError as error:
            db.session.rollback()
            form.file.errors = [_(error.message, **error.params)]
        else:
            flash(_("Project imported: its codebook, texts, codings and memos are here."), "success")
            return redirect(url_for("coding.index", project_id=project.id))
    return render_template("exports/import_qdpx.html", form=form), 422 if form.errors else 200
