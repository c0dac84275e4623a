"""Service worker, offline page, device page and backup import."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, flash, render_template, url_for
from flask_babel import gettext as _

from ..access import Permission, login_required, project_required, public
from ..inputs import JSONRefused, parse_json
from ..models import Project
from . import assets, bp, services
from .forms import BackupForm


@bp.route("/sw.js")
@public
def service_worker() -> Any:
    """Served from the root so it controls every page; never cached by the browser's HTTP cache."""
    build = current_app.config.get("BUILD_LABEL", "")
    source = assets.SW_SOURCE.read_text()
    script = source.replace("__VERSION__", f"{assets.version()}{build}").replace(
        "__SHELL__", json.dumps([url_for("static", filename=name) for name in assets.SHELL_FILES] + [url_for("offline.offline_page")])
    )
    response = Response(script, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@public
def offline_page() -> Any:
    return render_template("offline/offline.html")


@bp.route("/device")
@login_required
def device() -> Any:
    """What this device holds: waiting, sent and problem items, storage, backup."""
    return render_template("offline/device.html")


@bp.route("/projects/<int:project_id>/sync/import", methods=["GET", "POST"])
@project_required(Permission.manage)
def import_backup(project: Project) -> Any:
    form = BackupForm()
    results = None
    if form.validate_on_submit():
        try:
            document = parse_json(form.file.data.read())
        except JSONRefused:
            form.file.errors = [_("This is not a backup file from Buitenbinnen.")]
        else:
            results = services.import_backup(project, document)
            if results is None:
                form.file.errors = [_("This is not a backup file from Buitenbinnen.")]
            else:
                stored = sum(1 for r in results if r["status"] in (200, 201))
                flash(_("%(stored)s of %(total)s items are in the project now.", stored=stored, total=len(results)), "success")
    status = 422 if form.errors else 200
    return render_template("offline/import.html", project=project, form=form, results=results), status
