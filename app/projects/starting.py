"""Starting a project in minutes: from a template (a guide, a codebook, a text for residents, the
kinds of respondent and the usual rounds of one kind of assignment), or from another project's
set-up (its areas, codebook, guides, elements and rounds; nothing that was recorded).

Templates are JSON files in ``app/domain_data/templates``; each is checked when it is read (its
guide by the same rules as an imported guide), so a broken template never reaches a coordinator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .. import audit
from ..access import Permission, can, projects_for
from ..codebook.services import groups_with_codes
from ..codebook.services import seed as seed_codebook
from ..extensions import db
from ..guides import services as guides
from ..models import Area, Element, InfoFormat, Project, RespondentType, RoundKind, User
from ..rounds import services as rounds
from . import services

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "domain_data" / "templates"
ORDER = ("onderhoud-openbare-ruimte", "ouderen-en-digitalisering", "duurzame-initiatieven", "een-op-een-gesprekken")


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    description: str
    purpose: str
    resident_text: str
    respondent_types: tuple[str, ...]
    named_contacts: bool
    codebook: tuple[dict[str, str], ...] | None  # None: the default public-space codebook
    guide_name: str
    guide: dict[str, Any]  # the guide's exchange document (app/guides/services.py)
    rounds: tuple[dict[str, str], ...]


def _read(path: Path) -> Template:
    raw = json.loads(path.read_text(encoding="utf-8"))
    document = {"format": guides.EXCHANGE_FORMAT, "format_version": guides.EXCHANGE_VERSION, **raw["guide"]}
    guides.from_document(document)  # raises GuideInvalid for a template that is wrong
    kinds = [RespondentType(k) for k in raw["respondent_types"]]
    for spec in raw["rounds"]:
        RoundKind(spec["kind"])
        if spec.get("info_format"):
            InfoFormat(spec["info_format"])
    codebook = None if raw["codebook"] == "default" else tuple(raw["codebook"])
    return Template(
        key=raw["key"],
        name=raw["name"],
        description=raw["description"],
        purpose=raw["purpose"],
        resident_text=raw["resident_text"],
        respondent_types=tuple(k.value for k in kinds),
        named_contacts=bool(raw.get("named_contacts", False)),
        codebook=codebook,
        guide_name=raw["guide"]["name"],
        guide=document,
        rounds=tuple(raw["rounds"]),
    )


@cache
def templates() -> dict[str, Template]:
    """The templates, in the order a coordinator is offered them."""
    found = {t.key: t for t in (_read(path) for path in sorted(TEMPLATE_DIR.glob("*.json")))}
    return {key: found[key] for key in sorted(found, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))}


def create_from_template(data: services.ProjectData, template: Template, creator: User) -> Project:
    """A new project with the template's set-up: its guide published, its rounds planned (without dates)."""
    data.purpose = data.purpose.strip() or template.purpose  # what the person typed wins
    data.resident_text = data.resident_text.strip() or template.resident_text
    data.respondent_types = list(template.respondent_types)
    data.named_contacts = template.named_contacts
    project = services.create_project(data, creator, list(template.codebook) if template.codebook is not None else None)
    _guide_and_rounds(project, template, creator)
    audit.record("project.from_template", project, details={"template": template.name})
    return project


def apply_template(project: Project, template: Template, creator: User) -> None:
    """Give an existing project without guides or rounds a template's set-up (the demo's projects):
    its text, who is heard, its codebook in place of the default, guide and rounds."""
    project.purpose = project.purpose or template.purpose
    project.resident_text = template.resident_text
    project.respondent_types = list(template.respondent_types)
    project.named_contacts = template.named_contacts
    if template.codebook is not None:
        for group in groups_with_codes(project):
            for code in group.codes:
                db.session.delete(code)
            db.session.delete(group)
        db.session.flush()
        seed_codebook(project, list(template.codebook))
    _guide_and_rounds(project, template, creator)
    audit.record("project.from_template", project, details={"template": template.name})


def _guide_and_rounds(project: Project, template: Template, creator: User) -> None:
    name, sections = guides.from_document(template.guide)
    guide = guides.create_guide(project, name, sections)
    guides.publish(guides.draft_of(guide), creator)
    for spec in template.rounds:
        kind = RoundKind(spec["kind"])
        rounds.create_round(
            project,
            rounds.RoundData(
                kind,
                spec["name"],
                guide_id=guide.id if kind == RoundKind.street else None,
                info_format=InfoFormat(spec["info_format"]) if spec.get("info_format") else None,
            ),
        )


def create_as_copy(data: services.ProjectData, source: Project, creator: User) -> Project:
    """A new project with ``source``'s set-up: areas (with outlines), codebook, elements and their
    target levels, guides (each at its newest version, published where the source's was), and its
    rounds without dates, sessions or interviewers. Nothing recorded in ``source`` is copied."""
    data.respondent_types = list(source.offered_respondents)
    data.named_contacts = source.named_contacts
    rows = [
        {
            "group": group.key,
            "group_name": group.name,
            "group_colour": group.colour,
            "code": code.key,
            "name": code.name,
            "description": code.description,
            "colour": code.colour,
            "keywords": code.keywords,
            "archived": code.archived,
        }
        for group in groups_with_codes(source)
        for code in group.codes
    ]
    project = services.create_project(data, creator, rows)
    areas = _copy_areas(source, project)
    _copy_elements(source, project, areas)
    guide_ids = {}
    for guide in guides.guides_of(source):
        newest = guide.versions[-1]
        copy = guides.create_guide(project, guide.name, guides.definition_of(newest))
        if guides.published_of(guide) is not None:
            copy_version = guides.draft_of(copy)
            if not guides.problems_of(copy_version):
                guides.publish(copy_version, creator)
        guide_ids[guide.id] = copy.id
    for round_ in rounds.rounds_of(source):
        rounds.create_round(
            project,
            rounds.RoundData(
                round_.kind,
                round_.name,
                guide_id=guide_ids.get(round_.guide_id) if round_.guide_id else None,
                info_format=round_.info_format,
                place=round_.place,
                area_ids=[areas[a.id].id for a in round_.areas if a.id in areas],
            ),
        )
    audit.record("project.copy", project, details={"from": source.name})
    return project


def _copy_areas(source: Project, project: Project) -> dict[int, Area]:
    copies: dict[int, Area] = {}
    for area in sorted(source.areas, key=lambda a: a.path.count("/")):
        copies[area.id] = Area(
            project_id=project.id,
            parent=copies.get(area.parent_id) if area.parent_id else None,
            level=area.level,
            name=area.name,
            path=area.path,
            kind=area.kind,
            archived=area.archived,
            cbs_code=area.cbs_code,
            cbs_year=area.cbs_year,
            outline=area.outline,
            outline_simple=area.outline_simple,
            outline_key=area.outline_key,
        )
        db.session.add(copies[area.id])
    db.session.flush()
    return copies


def _copy_elements(source: Project, project: Project, areas: dict[int, Area]) -> None:
    """The catalogue was seeded with the project; the source's own elements and target levels follow."""
    mine = {e.key: e for e in db.session.scalars(sa.select(Element).where(Element.project_id == project.id))}
    for element in db.session.scalars(sa.select(Element).where(Element.project_id == source.id).order_by(Element.position)):
        copy = mine.get(element.key)
        if copy is None:
            copy = Element(
                project_id=project.id,
                key=element.key,
                name=element.name,
                group=element.group,
                aspects=element.aspects,
                position=element.position,
            )
            db.session.add(copy)
        copy.target, copy.archived = element.target, element.archived
        for target in element.targets:
            if target.area_id in areas:
                copy.targets.append(type(target)(area=areas[target.area_id], level=target.level))
    db.session.flush()


def copy_sources(user: User) -> list[Project]:
    """The projects whose set-up this person may copy: those they coordinate."""
    return [p for p, _role in projects_for(user) if can(Permission.manage, p)]
