"""A project's elements (a copy of CROW's catalogue, editable) and its target levels per area.

A target set on an area holds for the areas inside it, unless one of them sets its own; without
any, the project's target for the element holds.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .. import audit
from ..extensions import db
from ..models import Area, AreaTarget, Element, Project
from ..questions.quality import QUALITY_SCORES

CATALOGUE = Path(__file__).resolve().parent.parent / "domain_data" / "crow_elements.csv"
LEVELS = list(QUALITY_SCORES)  # A+ … D, best first


def catalogue() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def seed_catalogue(project: Project) -> list[Element]:
    """Give a new project CROW's elements, without target levels (the coordinator sets those)."""
    made = [
        Element(project_id=project.id, key=row["key"], name=row["name"], group=row["group"], aspects=row["aspects"], position=n)
        for n, row in enumerate(catalogue())
    ]
    db.session.add_all(made)
    db.session.flush()
    return made


def elements_of(project: Project, archived: bool = True) -> list[Element]:
    query = sa.select(Element).where(Element.project_id == project.id)
    if not archived:
        query = query.where(Element.archived.is_(False))
    return list(db.session.scalars(query.order_by(Element.position, Element.name)))


def resolve(elements: list[Element], named: str) -> Element | None:
    """The element a perceived-quality question names: by key, else by name (older guides named it in words)."""
    named = (named or "").strip()
    by_key = next((e for e in elements if e.key == named), None)
    return by_key or next((e for e in elements if e.name.casefold() == named.casefold()), None)


def key_for(project: Project, name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:56] or "element"
    taken = set(db.session.scalars(sa.select(Element.key).where(Element.project_id == project.id)))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def add_element(project: Project, name: str, group: str, aspects: str) -> Element:
    position = db.session.scalar(sa.select(sa.func.max(Element.position)).where(Element.project_id == project.id))
    element = Element(
        project_id=project.id, key=key_for(project, name), name=name, group=group, aspects=aspects, position=(position or 0) + 1
    )
    db.session.add(element)
    db.session.flush()
    audit.record("elements.add", element, details={"key": element.key, "name": name})
    return element


def update_element(element: Element, name: str, group: str, aspects: str, archived: bool) -> None:
    before = {"name": element.name, "group": element.group, "aspects": element.aspects, "archived": element.archived}
    element.name, element.group, element.aspects, element.archived = name, group, aspects, archived
    after = {"name": name, "group": group, "aspects": aspects, "archived": archived}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit.record("elements.change", element, details={"key": element.key, "changed": changed})


# -- target levels ---------------------------------------------------------------------------------


@dataclass
class Targets:
    """Who sets which target: the project (per element) and areas (per element and area)."""

    project: dict[int, str]  # element id → level
    areas: dict[tuple[int, int], str]  # (element id, area id) → level
    paths: dict[int, str]  # area id → path
    by_path: dict[str, int]  # path → area id

    def own(self, element_id: int, area_id: int | None) -> str | None:
        """The level set on exactly this area (or the project, for None)."""
        return self.project.get(element_id) if area_id is None else self.areas.get((element_id, area_id))

    def source(self, element_id: int, area_id: int | None) -> int | None:
        """The area whose target holds here (the nearest one up the tree that sets one), None: the project's."""
        path = self.paths.get(area_id) if area_id else None
        while path:
            found = self.by_path.get(path)
            if found is not None and (element_id, found) in self.areas:
                return found
            path = path.rpartition("/")[0]
        return None

    def level(self, element_id: int, area_id: int | None) -> str | None:
        """The target level that holds for the element in this area (None: all areas)."""
        source = self.source(element_id, area_id)
        return self.areas[(element_id, source)] if source is not None else self.project.get(element_id)


def targets_of(project: Project) -> Targets:
    areas = dict(db.session.execute(sa.select(Area.id, Area.path).where(Area.project_id == project.id)).tuples().all())
    own = dict(
        db.session.execute(sa.select(Element.id, Element.target).where(Element.project_id == project.id, Element.target.is_not(None)))
        .tuples()
        .all()
    )
    by_area = {
        (element_id, area_id): level
        for element_id, area_id, level in db.session.execute(
            sa.select(AreaTarget.element_id, AreaTarget.area_id, AreaTarget.level)
            .join(Element, Element.id == AreaTarget.element_id)
            .where(Element.project_id == project.id)
        ).tuples()
    }
    return Targets(own, by_area, areas, {path: area_id for area_id, path in areas.items()})


def set_targets(project: Project, area: Area | None, levels: dict[int, str | None]) -> dict[str, list[str | None]]:
    """Set the target level of each element (None: none of its own) for the project or one area;
    returns what changed (by element key), audited as one event."""
    elements = {e.id: e for e in elements_of(project)}
    existing = {t.element_id: t for t in db.session.scalars(sa.select(AreaTarget).where(AreaTarget.area_id == area.id))} if area else {}
    changed: dict[str, list[str | None]] = {}
    for element_id, level in levels.items():
        element = elements.get(element_id)
        if element is None or (level is not None and level not in LEVELS):
            raise ValueError(f"no element {element_id} or level {level!r} in this project")
        if area is None:
            before = element.target
            element.target = level
        else:
            row = existing.get(element_id)
            before = row.level if row else None
            if level is None and row is not None:
                db.session.delete(row)
            elif level is not None and row is None:
                db.session.add(AreaTarget(element_id=element_id, area_id=area.id, level=level))
            elif row is not None and level is not None:
                row.level = level
        if before != level:
            changed[element.key] = [before, level]
    if changed:
        audit.record(
            "elements.targets",
            project,
            details={"area": area.path if area else None, "changed": changed},
        )
    db.session.flush()
    return changed
