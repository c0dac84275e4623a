"""Action items for the plan: planned year, estimated cost, CROW element and an object reference.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("estimated_cost", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("element_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("object_ref", sa.String(length=200), server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_action_items_element_id"), ["element_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_action_items_element_id_elements"), "elements", ["element_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_action_items_planned_year_range"), "planned_year IS NULL OR planned_year BETWEEN 2000 AND 2100"
        )
        batch_op.create_check_constraint(batch_op.f("ck_action_items_cost_not_negative"), "estimated_cost IS NULL OR estimated_cost >= 0")


def downgrade():
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_action_items_cost_not_negative"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_action_items_planned_year_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_action_items_element_id_elements"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_items_element_id"))
        batch_op.drop_column("object_ref")
        batch_op.drop_column("element_id")
        batch_op.drop_column("estimated_cost")
        batch_op.drop_column("planned_year")
