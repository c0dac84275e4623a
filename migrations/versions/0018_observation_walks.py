"""Observation walks: a contribution may be an observation with a point, a CROW element and its
perceived quality; the walked route is kept in stretches.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gps_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("gps_lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("gps_accuracy", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("element_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quality", sa.String(length=2), nullable=True))
        batch_op.create_index(batch_op.f("ix_contributions_element_id"), ["element_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_contributions_element_id_elements"), "elements", ["element_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_contributions_quality_level"), "quality IS NULL OR quality IN ('A+', 'A', 'B', 'C', 'D', '?')"
        )
    op.create_table(
        "walk_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("walker_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ended_at >= started_at", name=op.f("ck_walk_routes_time_order")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_walk_routes_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_walk_routes_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["walker_id"], ["users.id"], name=op.f("fk_walk_routes_walker_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_walk_routes")),
        sa.UniqueConstraint("uuid", name=op.f("uq_walk_routes_uuid")),
    )
    with op.batch_alter_table("walk_routes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_walk_routes_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_walk_routes_round_id"), ["round_id"], unique=False)


def downgrade():
    op.drop_table("walk_routes")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contributions_quality_level"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_contributions_element_id_elements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_contributions_element_id"))
        batch_op.drop_column("quality")
        batch_op.drop_column("element_id")
        batch_op.drop_column("gps_accuracy")
        batch_op.drop_column("gps_lon")
        batch_op.drop_column("gps_lat")
