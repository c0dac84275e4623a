"""A project's audit log, for its coordinators (the administrator's is under /admin/audit).

Not imported by the package itself: everything writes audit rows, so the package stays free of
the web layer; the app factory registers this blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from ..access import Permission, project_required
from ..database import writes
from ..models import Project
from . import labels, views

bp = Blueprint("audit", __name__, url_prefix="/projects/<int:project_id>/audit")


@bp.route("/")
@writes  # downloading the log is itself logged
@project_required(Permission.manage)
def project_log(project: Project) -> Any:
    return views.show("audit/project.html", project_id=project.id, project=project)


@bp.app_context_processor
def audit_words() -> dict[str, Any]:
    return {"audit_labels": labels}
