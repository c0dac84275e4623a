"""Codings: codes applied to answers and contributions, whole or as a fragment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("fragment", sa.Text(), nullable=False),
        sa.Column(
            "sentiment",
            sa.Enum("positive", "negative", "suggestion", name="sentiment", native_enum=False, create_constraint=True, length=20),
            nullable=True,
        ),
        sa.Column("is_quote", sa.Boolean(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("manual", "suggestion", "quick_tag", name="codingsource", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name=op.f("ck_codings_one_input")),
        sa.CheckConstraint('(start IS NULL AND "end" IS NULL) OR (start >= 0 AND "end" > start)', name=op.f("ck_codings_fragment_range")),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_codings_answer_id_answers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_codings_code_id_codes"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["coder_id"], ["users.id"], name=op.f("fk_codings_coder_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_codings_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_codings_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codings")),
        sa.UniqueConstraint("uuid", name=op.f("uq_codings_uuid")),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codings_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_contribution_id"), ["contribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codings_project_id"), ["project_id"], unique=False)


def downgrade():
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codings_project_id"))
        batch_op.drop_index(batch_op.f("ix_codings_contribution_id"))
        batch_op.drop_index(batch_op.f("ix_codings_coder_id"))
        batch_op.drop_index(batch_op.f("ix_codings_code_id"))
        batch_op.drop_index(batch_op.f("ix_codings_answer_id"))

    op.drop_table("codings")
