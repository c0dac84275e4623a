"""Action items for the maintenance or policy plan, linked to the inputs they rest on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column(
            "priority",
            sa.Enum("high", "medium", "low", name="priority", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("new", "planned", "done", "rejected", name="actionstatus", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("feedback_given", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status <> 'rejected' OR rejection_reason <> ''", name=op.f("ck_action_items_rejection_has_reason")),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_action_items_area_id_areas"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_action_items_code_id_codes"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_action_items_created_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_action_items_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
        sa.UniqueConstraint("uuid", name=op.f("uq_action_items_uuid")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_status"), ["status"], unique=False)

    op.create_table(
        "action_inputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name=op.f("ck_action_inputs_one_input")),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action_items.id"], name=op.f("fk_action_inputs_action_id_action_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_action_inputs_answer_id_answers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_action_inputs_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_inputs")),
        sa.UniqueConstraint("action_id", "answer_id", name=op.f("uq_action_inputs_action_id_answer_id")),
        sa.UniqueConstraint("action_id", "contribution_id", name=op.f("uq_action_inputs_action_id_contribution_id")),
    )
    with op.batch_alter_table("action_inputs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_inputs_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_inputs_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_inputs_contribution_id"), ["contribution_id"], unique=False)


def downgrade():
    with op.batch_alter_table("action_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_inputs_contribution_id"))
        batch_op.drop_index(batch_op.f("ix_action_inputs_answer_id"))
        batch_op.drop_index(batch_op.f("ix_action_inputs_action_id"))

    op.drop_table("action_inputs")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_project_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_code_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_area_id"))

    op.drop_table("action_items")
