"""The areas (stadsdeel → wijk → buurt) a project works in, with their outlines."""

from typing import Any

from flask import Blueprint

bp = Blueprint("areas", __name__, url_prefix="/projects/<int:project_id>/areas")

from . import locate, routes  # noqa: E402,F401


@bp.app_template_global()
def outside_round(record: Any) -> bool:
    """An interview's or contribution's point lies outside its round's areas (the coordinator checks it)."""
    return locate.outside_round(record.round, record.gps_lat, record.gps_lon)
