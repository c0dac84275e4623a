"""The GeoJSON of the areas: each outlined stadsdeel, wijk and buurt (inside the area filter) with its
figures as properties, ready for a choropleth in QGIS or ArcGIS: people heard, people whose input was
coded, per theme the people who raised it and their share, and per element the median perceived
quality, the target level and the share of ratings below it. The same queries as the dashboards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _

from ...areas.services import area_tree
from ...filters import area_ids
from ...insights import queries
from ...models import AreaLevel
from .base import Scope


def _level_figures(scope: Scope, level: str) -> dict[int, dict[str, Any]]:
    """Per area of one level: its figures as properties."""
    project, f = scope.project, scope.filters
    found: dict[int, dict[str, Any]] = {}
    records, columns = queries.participation(project, f, level)
    for area in columns.columns:
        found[area.id] = {_("people_heard"): sum(r.per_area.get(area.id, 0) for r in records)}
    theme_, share_, quality_ = _("theme"), _("share"), _("quality")
    ratings_, median_, target_, below_ = _("ratings"), _("median"), _("target"), _("below_target")
    table = queries.area_table(project, f, level)
    for area in columns.columns:
        properties = found[area.id]
        properties[_("people_coded")] = table.bases.get(area.id, 0)
        for theme in sorted(table.themes, key=lambda t: t.key):
            cell = table.cells.get((theme.id, area.id))
            share = table.shares.get((theme.id, area.id))
            properties[f"{theme_}_{theme.key}"] = cell.value if cell else 0
            heard = properties[_("people_coded")]
            properties[f"{theme_}_{theme.key}_{share_}"] = (
                round(share.value, 4) if share and share.value is not None else (0.0 if heard else None)
            )
    elements, _columns = queries.quality(project, f, level)
    for element in elements:
        key = element.keys[0] if len(element.keys) == 1 else element.element
        rows = {row.column_id: row for row in element.rows if row.column_id and row.column_id > 0}
        for area in columns.columns:
            row = rows.get(area.id)
            properties = found[area.id]
            properties[f"{quality_}_{key}_{ratings_}"] = row.rated.value if row else 0
            properties[f"{quality_}_{key}_{median_}"] = row.median.value if row else None
            properties[f"{quality_}_{key}_{target_}"] = (row.target or None) if row else None
            properties[f"{quality_}_{key}_{below_}"] = round(row.below.value, 4) if row and row.below.value is not None else None
    return found


def area_features(scope: Scope) -> Iterator[dict[str, Any]]:
    """A feature per outlined area in tree order, its outline as imported (WGS 84)."""
    within = set(area_ids(scope.project, scope.filters.area_id)) if scope.filters.area_id else None
    areas = [a for a in area_tree(scope.project) if a.outline and (within is None or a.id in within)]
    figures: dict[int, dict[str, Any]] = {}
    for level in AreaLevel:
        if any(a.level == level for a in areas):
            figures |= _level_figures(scope, level.value)
    for area in areas:
        yield {
            "type": "Feature",
            "id": area.id,
            "geometry": area.outline,
            "properties": {
                _("name"): area.name,
                _("path"): area.label,
                _("level"): area.level.value,
                _("cbs_code"): area.cbs_code,
                **figures.get(area.id, {}),
            },
        }
