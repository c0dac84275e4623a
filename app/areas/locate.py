"""Which area a point lies in, by the areas' outlines: a record with a GPS point and no area gets the
most precise area around it (a buurt before its wijk), and a point outside its round's areas is
flagged for the coordinator.

A point on the border of two areas counts as in both; the deeper, then the smaller, wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shapely
import sqlalchemy as sa
from flask import g, has_app_context
from shapely import STRtree

from .. import facts
from ..extensions import db
from ..models import Area, Contribution, Interview, Project, Round
from .outlines import geometry_of
from .services import within


@dataclass(frozen=True)
class Place:
    """An outlined area as the locator keeps it: plain values, valid beyond the request that read them."""

    id: int
    path: str

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass
class Locator:
    """The project's outlined areas in an R-tree, deepest first."""

    areas: list[Any]  # Place, or anything with id, path, depth
    shapes: list[Any]
    tree: STRtree | None
    regions: dict[tuple[int, ...], list[Any]] = field(default_factory=dict)  # a round's area ids → their shapes

    @classmethod
    def of(cls, areas: list[Any]) -> Locator:
        outlined = [a for a in areas if a.outline]
        shapes = [geometry_of(a) for a in outlined]
        order = sorted(range(len(outlined)), key=lambda i: (-outlined[i].depth, shapes[i].area))
        outlined, shapes = [outlined[i] for i in order], [shapes[i] for i in order]
        for found in shapes:
            shapely.prepare(found)
        return cls(outlined, shapes, STRtree(shapes) if shapes else None)

    def area_at(self, lat: float, lon: float) -> Any | None:
        """The deepest (then smallest) outlined area the point lies in."""
        if self.tree is None:
            return None
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.areas[min(hits)] if len(hits) else None

    def inside_round(self, round_: Round, lat: float, lon: float) -> bool | None:
        """Whether the point lies in one of the round's areas' outlines (and their buurten; all outlines
        for a round that names none); None when none of them has one. A round's shapes are picked once."""
        roots = sorted(round_.areas, key=lambda a: a.id)
        key = tuple(a.id for a in roots)
        shapes = self.regions.get(key)
        if shapes is None:
            wanted = {a.id for a in within(self.areas, roots)}
            shapes = self.regions[key] = [s for a, s in zip(self.areas, self.shapes, strict=True) if a.id in wanted]
        if not shapes:
            return None
        point = shapely.Point(lon, lat)
        return any(s.intersects(point) for s in shapes)


# Per process: project id → (what the locator was built from, the locator). Building one reads and
# indexes every outline (some 100 ms for a town of 600 buurten); asking whether it still holds reads
# each outlined area's id, path and digest. Equal answers mean equal outlines, so it is never stale.
_BUILT: dict[int, tuple[tuple[Any, ...], Locator]] = {}


def locator(project_id: int) -> Locator:
    """The project's locator: kept by this process while its areas' paths and outlines stay the same."""
    cache = g.setdefault("area_locators", {}) if has_app_context() else {}
    found = cache.get(project_id)
    if found is None:
        outlined = Area.project_id == project_id, Area.outline.is_not(None)
        signature = tuple(db.session.execute(sa.select(Area.id, Area.path, Area.outline_key).where(*outlined).order_by(Area.id)))
        kept = _BUILT.get(project_id)
        if kept is not None and kept[0] == signature:
            found = kept[1]
        else:
            rows = db.session.execute(sa.select(Area.id, Area.path, Area.outline).where(*outlined))
            found = Locator.of([_Outlined(Place(r.id, r.path), r.outline) for r in rows])
            found.areas = [a.place for a in found.areas]
            _BUILT[project_id] = (signature, found)
        cache[project_id] = found
    return found


@dataclass(frozen=True)
class _Outlined:
    place: Place
    outline: dict[str, Any]

    @property
    def depth(self) -> int:
        return self.place.depth


def forget(project_id: int) -> None:
    """Outlines changed in this request: read them again on the locator's next use."""
    if has_app_context():
        g.setdefault("area_locators", {}).pop(project_id, None)


def area_for(project_id: int, area_id: int | None, gps: dict[str, Any] | None) -> int | None:
    """The area a new record gets: the interviewer's choice, else the one its point lies in."""
    if area_id is not None or not gps:
        return area_id
    found = locator(project_id).area_at(gps["lat"], gps["lon"])
    return found.id if found else None


def outside_round(round_: Round, lat: float | None, lon: float | None) -> bool:
    """True when the point lies outside every outline of the round's areas (and their buurten); a
    round for the whole project is held against all the project's outlines. False when unknown."""
    if lat is None or lon is None:
        return False
    return locator(round_.project_id).inside_round(round_, lat, lon) is False


def locate_records(project: Project) -> int:
    """Give the project's records that have a point but no area the area their point lies in (after
    new outlines); their theme figures move along. Returns how many found one."""
    forget(project.id)
    located = locator(project.id)
    if located.tree is None:
        return 0
    moved = 0
    for model, touched in ((Interview, "interviews"), (Contribution, "contributions")):
        rows = db.session.execute(
            sa.select(model.id, model.gps_lat, model.gps_lon).where(
                model.project_id == project.id, model.area_id.is_(None), model.gps_lat.is_not(None), model.gps_lon.is_not(None)
            )
        ).all()
        found = {row.id: located.area_at(row.gps_lat, row.gps_lon) for row in rows}
        changes = [{"record_id": record_id, "new_area": area.id} for record_id, area in found.items() if area is not None]
        if changes:
            db.session.execute(
                sa.update(model.__table__)
                .where(model.__table__.c.id == sa.bindparam("record_id"))
                .values(area_id=sa.bindparam("new_area")),
                changes,
            )
            facts.touch(db.session, **{touched: [c["record_id"] for c in changes]})
            moved += len(changes)
    return moved
