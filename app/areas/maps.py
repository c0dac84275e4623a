"""Area outlines drawn without a map service: as SVG paths made on the server (the area tree, the printed
report) and as simplified GeoJSON for the pages that draw them with Leaflet (the location picker on the
tablet, the theme maps). Nothing is fetched from anywhere: the outlines are the map."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import box, shape

from ..extensions import db
from ..models import Area, Project
from .outlines import SIMPLIFY_DEGREES, as_geojson, geometry_of, simplify
from .services import area_tree, within

SVG_SIZE = 600


@dataclass
class Drawn:
    area: Area
    d: str  # the SVG path
    label_at: tuple[float, float]  # where its name can go, inside the shape


@dataclass
class SvgMap:
    width: int
    height: int
    shapes: list[Drawn]


def simplified(area: Area) -> dict[str, Any] | None:
    """The outline with fewer points, for a page (never for deciding where a point lies): as made on import."""
    if area.outline_simple is not None:
        return area.outline_simple
    found = geometry_of(area)
    return None if found is None else as_geojson(simplify(found))


def features(areas: list[Area], properties: Any = lambda area: {}) -> list[dict[str, Any]]:
    """GeoJSON features of the outlined areas, with their id, name, level and the given properties."""
    found = []
    for area in areas:
        outline = simplified(area)
        if outline is None:
            continue
        found.append(
            {
                "type": "Feature",
                "id": area.id,
                "geometry": outline,
                "properties": {"id": area.id, "name": area.name, "label": area.label, "level": area.level.value, **properties(area)},
            }
        )
    return found


def round_features(round_: Any) -> list[dict[str, Any]]:
    """What a location picker draws for a round: the round's areas and the buurten in them (all for a
    round that names none), marked ``in_round``, and for orientation the stadsdelen and wijken around
    them (within about a kilometre)."""
    areas = [a for a in area_tree(db.session.get(Project, round_.project_id)) if a.outline]
    ids = {a.id for a in within(areas, list(round_.areas))}
    around = [a for a in areas if a.id not in ids and a.depth <= 1]
    if ids and around:
        near = box(*shapely.total_bounds([shape(simplified(a)) for a in areas if a.id in ids])).buffer(0.015)
        around = [a for a in around if near.intersects(shape(simplified(a)))]
    nearby = {a.id for a in around}
    return features([a for a in areas if a.id in ids or a.id in nearby], lambda area: {"in_round": area.id in ids})


def svg_map(areas: list[Area], size: int = SVG_SIZE) -> SvgMap | None:
    """The outlined areas as SVG paths in one frame (a plane projection fine for a town: longitudes
    shrunk by the cosine of the middle latitude)."""
    shapes = [(a, shapely.simplify(shape(simplified(a)), SIMPLIFY_DEGREES * 4, preserve_topology=True)) for a in areas if a.outline]
    if not shapes:
        return None
    low_x, low_y, high_x, high_y = shapely.total_bounds([s for _a, s in shapes])
    squeeze = math.cos(math.radians((low_y + high_y) / 2))
    span_x, span_y = max((high_x - low_x) * squeeze, 1e-9), max(high_y - low_y, 1e-9)
    scale = size / max(span_x, span_y)
    width, height = max(round(span_x * scale), 1), max(round(span_y * scale), 1)

    def at(x: float, y: float) -> tuple[float, float]:
        return round((x - low_x) * squeeze * scale, 1), round((high_y - y) * scale, 1)

    drawn = []
    for area, found in shapes:
        parts = []
        for polygon in getattr(found, "geoms", [found]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [at(x, y) for x, y in ring.coords]
                parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
        inside = found.representative_point()
        drawn.append(Drawn(area, " ".join(parts), at(inside.x, inside.y)))
    return SvgMap(width, height, drawn)
