"""Public-space elements per project (from CROW's catalogue) with target levels for the project and per area.

Every project gets the catalogue's elements; a perceived-quality question whose element matches
none of them (by key or name) gets an element of its own, so every rating has an element.

Revision ID: 0014
Revises: 0013
"""

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# domain_data/crow_elements.csv as it was when this migration was written: (key, name, group, aspects)
CATALOGUE = [
    (
        "verharding-elementen",
        "Elementenverharding (tegels en klinkers)",
        "Verharding",
        "oneffenheden, losliggende elementen, verzakking, scheuren",
    ),
    ("verharding-asfalt", "Asfaltverharding", "Verharding", "gaten, scheuren, rafeling, oneffenheden"),
    ("onkruid-verharding", "Onkruid op verharding", "Reiniging", "bedekking met onkruid"),
    ("zwerfafval", "Zwerfafval", "Reiniging", "grof en fijn zwerfvuil op verharding en in groen"),
    ("hondenpoep", "Hondenpoep", "Reiniging", "aantal hoopjes"),
    ("afvalbakken", "Afvalbakken", "Reiniging", "vulling, beschadiging, vervuiling rondom"),
    ("bijplaatsingen", "Bijplaatsingen bij containers", "Reiniging", "afval naast ondergrondse containers"),
    ("gras", "Gazon en bermen", "Groen", "graslengte, kale plekken, vervuiling"),
    ("beplanting", "Heesters en bodembedekkers", "Groen", "bedekking, onkruid, overhangend groen, kale plekken"),
    ("bomen", "Bomen", "Groen", "dood hout, schade, opdruk, vrije doorgang"),
    ("water-oevers", "Water en oevers", "Groen", "drijfvuil, beschoeiing, oeverbegroeiing"),
    ("meubilair", "Straatmeubilair (banken, hekken, paaltjes)", "Meubilair", "beschadiging, scheefstand, vervuiling"),
    ("speelvoorzieningen", "Speelvoorzieningen", "Meubilair", "beschadiging, ondergrond, vervuiling"),
    ("verlichting", "Openbare verlichting", "Verlichting", "defecte lampen, scheefstand, beschadiging"),
    ("verkeersborden", "Verkeersborden en bebording", "Meubilair", "scheefstand, leesbaarheid, vervuiling"),
    ("graffiti", "Graffiti en aanplakbiljetten", "Reiniging", "oppervlak met graffiti of plakwerk"),
]


def slug(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:64] or "element"


def upgrade():
    op.create_table(
        "elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("group", sa.String(length=60), nullable=False),
        sa.Column("aspects", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.CheckConstraint("target IS NULL OR target IN ('A+', 'A', 'B', 'C', 'D')", name=op.f("ck_elements_target_level")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_elements_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elements")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_elements_project_id_key")),
    )
    with op.batch_alter_table("elements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_elements_project_id"), ["project_id"], unique=False)
    op.create_table(
        "area_targets",
        sa.Column("element_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=2), nullable=False),
        sa.CheckConstraint("level IN ('A+', 'A', 'B', 'C', 'D')", name=op.f("ck_area_targets_target_level")),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_area_targets_area_id_areas"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["element_id"], ["elements.id"], name=op.f("fk_area_targets_element_id_elements"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("element_id", "area_id", name=op.f("pk_area_targets")),
    )
    with op.batch_alter_table("area_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_targets_area_id"), ["area_id"], unique=False)

    bind = op.get_bind()
    elements = sa.table(
        "elements",
        sa.column("project_id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("group", sa.String),
        sa.column("aspects", sa.String),
        sa.column("position", sa.Integer),
        sa.column("archived", sa.Boolean),
    )
    rated = {}  # project → element names its quality questions use
    for project_id, config in bind.execute(
        sa.text(
            "SELECT g.project_id, q.config FROM guide_questions q JOIN guide_versions v ON v.id = q.version_id "
            "JOIN guides g ON g.id = v.guide_id WHERE q.type = 'quality'"
        )
    ):
        config = json.loads(config) if isinstance(config, str) else (config or {})
        name = str(config.get("element", "")).strip()
        if name:
            rated.setdefault(project_id, set()).add(name)
    rows = []
    for (project_id,) in bind.execute(sa.text("SELECT id FROM projects")):
        keys = {key for key, *_ in CATALOGUE}
        names = {name.casefold() for _, name, *_ in CATALOGUE}
        own = []
        for name in sorted(rated.get(project_id, ())):
            if name in keys or name.casefold() in names:
                continue
            key = slug(name)
            while key in keys:
                key = f"{key}-x"
            keys.add(key)
            own.append((key, name[:120], "", ""))
        for position, (key, name, group, aspects) in enumerate([*CATALOGUE, *own]):
            rows.append(
                {
                    "project_id": project_id,
                    "key": key,
                    "name": name,
                    "group": group,
                    "aspects": aspects,
                    "position": position,
                    "archived": False,
                }
            )
    if rows:
        op.bulk_insert(elements, rows)


def downgrade():
    with op.batch_alter_table("area_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_targets_area_id"))
    op.drop_table("area_targets")
    with op.batch_alter_table("elements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_elements_project_id"))
    op.drop_table("elements")
