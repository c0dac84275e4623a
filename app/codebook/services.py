"""Seeding and reading a project's codebook."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Code, CodeGroup, Project

DEFAULT_CODEBOOK = Path(__file__).resolve().parent.parent / "domain_data" / "default_codebook.csv"
# Distinct, dark enough for white text (contrast ≥ 4.5:1) on chips.
PALETTE = ["#2e7d32", "#1565c0", "#6d4c41", "#c62828", "#6a1b9a", "#00838f", "#b34d00", "#37474f"]


def seed_default(project: Project) -> list[CodeGroup]:
    """Give a new project the default public-space codebook."""
    with DEFAULT_CODEBOOK.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    groups: dict[str, CodeGroup] = {}
    for position, row in enumerate(rows):
        group = groups.get(row["group"])
        if group is None:
            group = CodeGroup(
                project_id=project.id,
                key=row["group"],
                name=row["group_name"],
                colour=PALETTE[len(groups) % len(PALETTE)],
                position=len(groups),
            )
            db.session.add(group)
            groups[row["group"]] = group
        db.session.add(
            Code(
                project_id=project.id,
                group=group,
                key=row["code"],
                name=row["name"],
                description=row["description"],
                colour=group.colour,
                position=position,
            )
        )
    db.session.flush()
    return list(groups.values())


def groups_with_codes(project: Project) -> list[CodeGroup]:
    """Groups in order, each with its codes loaded (archived codes included)."""
    return list(
        db.session.scalars(
            sa.select(CodeGroup)
            .where(CodeGroup.project_id == project.id)
            .options(selectinload(CodeGroup.codes))
            .order_by(CodeGroup.position)
        )
    )


def active_codes(project: Project) -> list[Code]:
    return list(
        db.session.scalars(
            sa.select(Code)
            .join(CodeGroup)
            .where(Code.project_id == project.id, Code.archived.is_(False))
            .order_by(CodeGroup.position, Code.position)
        )
    )
