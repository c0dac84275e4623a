from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import get_locale
from flask_login import current_user

from ..access import Permission, login_required, project_required, projects_for
from ..database import writes
from ..errors import render_error
from ..exports import services as exports
from ..exports.routes import send_export
from ..models import Project
from . import bp


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "purpose": project.purpose,
        "starts_on": project.starts_on.isoformat() if project.starts_on else None,
        "ends_on": project.ends_on.isoformat() if project.ends_on else None,
        "archived": project.archived,
    }


@bp.route("/me")
@login_required
def me() -> Any:
    return jsonify(id=current_user.id, email=current_user.email, name=current_user.name, language=current_user.language)


@bp.route("/projects")
@login_required
def projects() -> Any:
    return jsonify(projects=[{**project_json(p), "role": role.value} for p, role in projects_for(current_user)])


@bp.route("/projects/<int:project_id>")
@project_required(Permission.view)
def project(project: Project) -> Any:
    return jsonify(project_json(project))


@bp.route("/projects/<int:project_id>/export.<format>")
@writes  # the export is audited
@project_required(Permission.read_all)
def export(project: Project, format: str) -> Any:
    """The export as a URL a spreadsheet can refresh from (Bearer token): always pseudonymised."""
    options = exports.ExportOptions(
        format=format,
        args=dict(request.args),
        level=request.args.get("level"),
        delimiter=request.args.get("delimiter", ";"),
        base_url=request.host_url.rstrip("/"),
    )  # the wide sheet's guide version is the filter's (``Scope.wide_version``)
    try:
        options = exports.check(options, may_see_people=False)
    except exports.ExportError as error:
        return render_error(422, str(error))
    return send_export(project, options, str(get_locale() or "nl"), exports.expected_rows(project, options.filters()))
