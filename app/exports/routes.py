"""Export pages: choose what to export (with the dashboard's filters), wait for a big one, download."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from flask import abort, current_app, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..access import Permission, project_required
from ..database import writes
from ..errors import render_error
from ..filters import SHARED_FILTERS
from ..guides.services import published_versions
from ..inputs import database_id
from ..models import JobStatus, Project
from . import bp, jobs, services
from .forms import ExportForm
from .sheets import Scope


def send_export(project: Project, options: services.ExportOptions, language: str, expected: int) -> Any:
    """Write the export while the request waits and send it (small exports, and the token URL).

    A small file is made in memory; a big one (only the token URL makes those) in a temporary
    file that goes when the response is done."""
    actor = current_user._get_current_object()
    if expected <= current_app.config["EXPORT_SYNC_ROWS"]:
        buffer = io.BytesIO()
        result = services.write(project, options, buffer, actor=actor, language=language)
        return send_file(
            io.BytesIO(buffer.getvalue()), mimetype=result.mimetype, as_attachment=True, download_name=result.filename, max_age=0
        )
    handle, name = tempfile.mkstemp(dir=jobs.export_dir(), suffix=".tmp")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            result = services.write(project, options, out, actor=actor, language=language)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    response = send_file(path, mimetype=result.mimetype, as_attachment=True, download_name=result.filename, max_age=0)
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response


def _filters_from(values: Any) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in SHARED_FILTERS and v}


def _form_page(project: Project, form: ExportForm, args: dict[str, str], status: int = 200, problem: str | None = None) -> Any:
    options = services.ExportOptions(args=dict(args))
    services.check(options, Permission.see_people in g.permissions)
    scope = Scope(project, options.filters())
    form.version.choices = [SelectChoice("", "—")] + [SelectChoice(str(vid), name) for vid, name in published_versions(project)]
    return render_template(
        "exports/index.html",
        project=project,
        form=form,
        args=options.args,
        described=services.describe_filters(scope),
        may_include_personal=Permission.see_people in g.permissions,
        recent=jobs.recent(project, current_user),
        problem=problem,
        JobStatus=JobStatus,
    ), status


@bp.route("/", methods=["GET", "POST"])
@writes  # expired files go, a dead job is marked failed, also on GET
@project_required(Permission.read_all)
def index(project: Project) -> Any:
    form = ExportForm()
    if request.method == "GET":
        jobs.sweep()  # files whose time is up go, also when nobody starts a new export
        level = request.args.get("level", "")
        form.level.data = level if level in services.LEVELS else ""
        return _form_page(project, form, _filters_from(request.args))
    args = _filters_from(request.form)
    if not form.validate_on_submit():
        return _form_page(project, form, args, 400)
    version = form.version.data
    options = services.ExportOptions(
        format=form.format.data,
        args=args,
        personal=bool(form.personal.data),
        reason=form.reason.data or "",
        version_id=database_id(version),
        level=form.level.data or None,
        delimiter=form.delimiter.data,
        base_url=request.host_url.rstrip("/"),
    )
    try:
        options = services.check(options, Permission.see_people in g.permissions)
    except services.ExportError as error:
        return _form_page(project, form, args, 422, str(error))
    language = str(get_locale() or "nl")
    expected = services.expected_rows(project, options.filters())
    if expected <= current_app.config["EXPORT_SYNC_ROWS"]:
        return send_export(project, options, language, expected)
    job = jobs.start(project, current_user._get_current_object(), options, language, expected)
    return redirect(url_for("exports.job", project_id=project.id, key=str(job.uuid)), 303)


def _job_or_404(project: Project, key: str) -> Any:
    job = jobs.for_owner(project, current_user, key)
    if job is None:
        abort(404)
    return jobs.current(job)


@bp.route("/jobs/<key>")
@writes  # expired files go, a dead job is marked failed, also on GET
@project_required(Permission.read_all)
def job(project: Project, key: str) -> Any:
    found = _job_or_404(project, key)
    return render_template(
        "exports/job.html",
        project=project,
        job=found,
        JobStatus=JobStatus,
        status_url=url_for("exports.job_status", project_id=project.id, key=key),
        download_url=url_for("exports.download", project_id=project.id, key=key),
    )


@bp.route("/jobs/<key>/status")
@writes  # expired files go, a dead job is marked failed, also on GET
@project_required(Permission.read_all)
def job_status(project: Project, key: str) -> Any:
    found = _job_or_404(project, key)
    return jsonify(jobs.status_json(found, url_for("exports.download", project_id=project.id, key=key)))


@bp.route("/jobs/<key>/download")
@writes  # expired files go, a dead job is marked failed, also on GET
@project_required(Permission.read_all)
def download(project: Project, key: str) -> Any:
    found = _job_or_404(project, key)
    if found.status == JobStatus.expired:
        return render_error(
            410, _("Export files are kept for %(hours)s hours. Make the export again.", hours=current_app.config["EXPORT_KEEP_HOURS"])
        )
    path = jobs.file_of(found)
    if found.status != JobStatus.done or not path.exists():
        abort(404)
    return send_file(path, mimetype=services.FORMATS[found.format][1], as_attachment=True, download_name=found.filename, max_age=0)
