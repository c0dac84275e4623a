"""The areas (stadsdeel → wijk → buurt) a project works in, with their outlines."""

from typing import Any

import shapely
from flask import Blueprint, g
from shapely.geometry import box, shape

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
    """The outlines a location picker draws for a round, built once per request: the round's areas and
    the buurten in them (all for a round that names none), marked ``in_round``, and for orientation the
    stadsdelen and wijken around them (within about a kilometre)."""
    if round_ is None:
        return []
    cache = g.setdefault("round_outlines", {})
    if round_.id not in cache:
        areas = [a for a in services.area_tree(db.session.get(Project, round_.project_id)) if a.outline]
        inside = services.within(areas, list(round_.areas))
        ids = {a.id for a in inside}
        around = [a for a in areas if a.id not in ids and a.depth <= 1]
        if inside and around:
            near = box(*shapely.total_bounds([shape(maps.simplified(a)) for a in inside])).buffer(0.015)
            around = [a for a in around if near.intersects(shape(maps.simplified(a)))]
        shown = [a for a in areas if a.id in ids or a in around]
        cache[round_.id] = maps.features(shown, lambda area: {"in_round": area.id in ids})
    return cache[round_.id]
