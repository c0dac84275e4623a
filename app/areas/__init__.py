"""The areas (stadsdeel → wijk → buurt) a project works in, with their outlines."""

from typing import Any

from flask import Blueprint, g

bp = Blueprint("areas", __name__, url_prefix="/projects/<int:project_id>/areas")

from . import locate, maps, routes  # noqa: E402,F401


@bp.app_template_global()
def outside_round(record: Any) -> bool:
    """An interview's or contribution's point lies outside its round's areas (the coordinator checks it)."""
    return locate.outside_round(record.round, record.gps_lat, record.gps_lon)


@bp.app_template_global()
def round_outlines(round_: Any) -> list[dict[str, Any]]:
    """The outlines a location picker draws for a round (``maps.round_features``), once per request."""
    if round_ is None:
        return []
    cache = g.setdefault("round_outlines", {})
    if round_.id not in cache:
        cache[round_.id] = maps.round_features(round_)
    return cache[round_.id]
