"""Codebook downloads."""

from __future__ import annotations

import re
from typing import Any

from flask import Response

from ..access import Permission, project_required
from ..models import Project
from . import bp, services
from .qdc import to_qdc


@bp.route("/export.qdc")
@project_required(Permission.view)
def export_qdc(project: Project) -> Any:
    name = re.sub(r"[^A-Za-z0-9]+", "-", project.name).strip("-").lower() or "codeboek"
    return Response(
        to_qdc(services.groups_with_codes(project)),
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="codeboek-{name}.qdc"'},
    )
