"""Changing the area tree in the app: add, rename, move, archive and merge areas.

Records point at their area by id, so a renamed or moved area keeps everything recorded in it
(its path, and its descendants' paths, are written again). Merging moves what was recorded in
one area into another (interviews, contributions, action items, theme facts, rounds, target
levels, its own buurten) and then removes it. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..i18n import N_
from ..models import ActionItem, Area, AreaLevel, AreaTarget, Contribution, Interview, Project, ThemeFact
from ..models.fieldwork import round_areas
from . import outlines
from .services import MAX_NAME_LENGTH

CHILD_LEVEL = {None: AreaLevel.stadsdeel, AreaLevel.stadsdeel: AreaLevel.wijk, AreaLevel.wijk: AreaLevel.buurt}


class AreaEditError(ValueError):
    """A change the tree cannot take; the message is a message id, ``params`` fill it in."""

    def __init__(self, message: str, **params: str):
        super().__init__(message)
        self.params = params


@dataclass
class Recorded:
    """What was recorded in an area (itself, not the areas inside it)."""

    interviews: int
    contributions: int
    actions: int

    @property
    def total(self) -> int:
        return self.interviews + self.contributions + self.actions


def recorded_in(area: Area) -> Recorded:
    def count(model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.area_id == area.id)) or 0

    return Recorded(count(Interview), count(Contribution), count(ActionItem))


def _children(area: Area) -> list[Area]:
    return list(db.session.scalars(sa.select(Area).where(Area.parent_id == area.id)))


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise AreaEditError(N_("Give the area a name."))
    if len(name) > MAX_NAME_LENGTH or "/" in name:
        raise AreaEditError(N_("A name has at most %(max)s characters and no slash (/)."), max=str(MAX_NAME_LENGTH))
    return name


def _taken(project_id: int, path: str, other_than: Area | None = None) -> bool:
    found = db.session.scalar(sa.select(Area).where(Area.project_id == project_id, Area.path == path))
    return found is not None and found is not other_than


def _repath(area: Area, path: str) -> None:
    """Give an area a new path, and its descendants theirs."""
    old = area.path
    area.path = path
    for descendant in db.session.scalars(sa.select(Area).where(Area.project_id == area.project_id, Area.path.startswith(old + "/"))):
        descendant.path = path + descendant.path[len(old) :]


def add_area(project: Project, parent: Area | None, name: str, kind: str = "") -> Area:
    if parent is not None and parent.level == AreaLevel.buurt:
        raise AreaEditError(N_("A buurt has no areas inside it."))
    name = _check_name(name)
    path = f"{parent.path}/{name}" if parent else name
    if _taken(project.id, path):
        raise AreaEditError(N_("%(area)s exists already."), area=path.replace("/", " › "))
    level = CHILD_LEVEL[parent.level if parent else None]
    area = Area(project_id=project.id, parent=parent, level=level, name=name, path=path, kind=kind.strip()[:40])
    db.session.add(area)
    db.session.flush()
    audit.record("area.create", area, details={"area": path, "level": level.value})
    return area


def rename(area: Area, name: str) -> None:
    name = _check_name(name)
    if name == area.name:
        return
    parent_path = area.path.rpartition("/")[0]
    _relocate(area, f"{parent_path}/{name}" if parent_path else name, "area.rename", name=name)


def move(area: Area, parent: Area) -> None:
    """Put a wijk in another stadsdeel, or a buurt in another wijk (its level stays)."""
    if parent.project_id != area.project_id or CHILD_LEVEL.get(parent.level) != area.level:
        raise AreaEditError(N_("An area can only move into an area one level up."))
    if parent.id == area.parent_id:
        return
    _relocate(area, f"{parent.path}/{area.name}", "area.move", parent=parent)


def _relocate(area: Area, path: str, action: str, **changes: object) -> None:
    """Give the area (and what lies in it) a new path, unless another area has it; audited."""
    if _taken(area.project_id, path, area):
        raise AreaEditError(N_("%(area)s exists already."), area=path.replace("/", " › "))
    old = area.path
    for attribute, value in changes.items():
        setattr(area, attribute, value)
    _repath(area, path)
    db.session.flush()
    audit.record(action, area, details={"from": old, "into": path})


def set_archived(area: Area, archived: bool) -> None:
    if area.archived == archived:
        return
    area.archived = archived
    db.session.flush()
    audit.record("area.archive" if archived else "area.restore", area, details={"area": area.path})


def merge(area: Area, into: Area) -> Recorded:
    """Move everything recorded in ``area`` into ``into`` (same level, same project) and remove it.
    Its own areas move along; one with the same name as one of ``into``'s is merged into that one."""
    if into.project_id != area.project_id or into.level != area.level or into.id == area.id:
        raise AreaEditError(N_("An area can only be merged into another area of the same level."))
    moved = _merge(area, into)
    audit.record(
        "area.merge",
        into,
        details={
            "from": area.path,
            "into": into.path,
            "interviews": moved.interviews,
            "contributions": moved.contributions,
            "actions": moved.actions,
        },
    )
    db.session.flush()
    return moved


def _merge(area: Area, into: Area) -> Recorded:
    moved = recorded_in(area)
    for model in (Interview, Contribution, ActionItem, ThemeFact):
        db.session.execute(sa.update(model).where(model.area_id == area.id).values(area_id=into.id))
    # Rounds held in the merged area are held in the other one now.
    rounds = set(db.session.scalars(sa.select(round_areas.c.round_id).where(round_areas.c.area_id == area.id)))
    present = set(db.session.scalars(sa.select(round_areas.c.round_id).where(round_areas.c.area_id == into.id)))
    db.session.execute(sa.delete(round_areas).where(round_areas.c.area_id == area.id))
    if rounds - present:
        db.session.execute(sa.insert(round_areas), [{"round_id": r, "area_id": into.id} for r in sorted(rounds - present)])
    # Target levels: the other area keeps its own; one it lacks comes along.
    own = set(db.session.scalars(sa.select(AreaTarget.element_id).where(AreaTarget.area_id == into.id)))
    for target in db.session.scalars(sa.select(AreaTarget).where(AreaTarget.area_id == area.id)).all():
        if target.element_id not in own:
            db.session.add(AreaTarget(element_id=target.element_id, area_id=into.id, level=target.level))
        db.session.delete(target)
    # The outline: both shapes together.
    shapes = [g for g in (outlines.geometry_of(into), outlines.geometry_of(area)) if g is not None]
    if len(shapes) == 2:
        outlines.set_outline(into, shapely.union(*shapes))
    elif shapes and into.outline is None:
        outlines.set_outline(into, shapes[0])
    for child in _children(area):
        namesake = db.session.scalar(sa.select(Area).where(Area.parent_id == into.id, Area.name == child.name))
        if namesake is not None:
            more = _merge(child, namesake)
            moved = Recorded(moved.interviews + more.interviews, moved.contributions + more.contributions, moved.actions + more.actions)
        else:
            child.parent = into
            _repath(child, f"{into.path}/{child.name}")
    db.session.flush()
    db.session.delete(area)
    db.session.flush()
    return moved
