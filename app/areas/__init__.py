"""The areas (stadsdeel → wijk → buurt) a project works in, with their outlines."""

from typing import Any

from flask import Blueprint, g

from ..extensions import db
from ..models import Project

bp = Blueprint("areas", __name__, url_prefix="/projects/<int:project_id>/areas")

from . import locate, maps, routes, services  # noqa: E402,F401


@bp.app_template_global()
def outside_round(record: Any) -> bool:
    """An interview's or contribution's point lies outside its round's areas (the coordinator checks it)."""
    return locate.outside_round(record.round, record.gps_lat, record.gps_lon)


@bp.app_template_global()
def round_outlines(round_: Any) -> list[dict[str, Any]]:
    """The outlines a location picker draws for a round: every outlined area of the project, those of
    the round (its areas and the buurten in them; all for a round that names none) marked ``in_round``;
    simplified, built once per request."""
    if round_ is None:
        return []
    cache = g.setdefault("round_outlines", {})
    if round_.id not in cache:
        areas = services.area_tree(db.session.get(Project, round_.project_id))
        inside = {a.id for a in services.within(areas, list(round_.areas))}
        cache[round_.id] = maps.features(areas, lambda area: {"in_round": area.id in inside})
    return cache[round_.id]
