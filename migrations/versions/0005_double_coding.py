"""Double coding (samples for a blind second coder, resolutions of disagreements), rejected
suggestions, and whether interviewers may code their own input.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coding_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coder_id"], ["users.id"], name=op.f("fk_coding_samples_coder_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["users.id"], name=op.f("fk_coding_samples_drawn_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_coding_samples_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_samples")),
    )
    with op.batch_alter_table("coding_samples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coding_samples_coder_id"), ["coder_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coding_samples_project_id"), ["project_id"], unique=False)

    op.create_table(
        "sample_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name=op.f("ck_sample_items_one_input")),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_sample_items_answer_id_answers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_sample_items_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"], ["coding_samples.id"], name=op.f("fk_sample_items_sample_id_coding_samples"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_items")),
        sa.UniqueConstraint("sample_id", "answer_id", name=op.f("uq_sample_items_sample_id_answer_id")),
        sa.UniqueConstraint("sample_id", "contribution_id", name=op.f("uq_sample_items_sample_id_contribution_id")),
    )
    with op.batch_alter_table("sample_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_items_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_items_contribution_id"), ["contribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_items_sample_id"), ["sample_id"], unique=False)

    op.create_table(
        "suggestion_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("rejected_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(answer_id IS NULL) <> (contribution_id IS NULL)", name=op.f("ck_suggestion_rejections_one_input")),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_suggestion_rejections_answer_id_answers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_suggestion_rejections_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_suggestion_rejections_contribution_id_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_suggestion_rejections_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rejected_by_id"], ["users.id"], name=op.f("fk_suggestion_rejections_rejected_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_rejections")),
        sa.UniqueConstraint("answer_id", "code_id", name=op.f("uq_suggestion_rejections_answer_id_code_id")),
        sa.UniqueConstraint("contribution_id", "code_id", name=op.f("uq_suggestion_rejections_contribution_id_code_id")),
    )
    with op.batch_alter_table("suggestion_rejections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_rejections_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_rejections_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_rejections_contribution_id"), ["contribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_rejections_project_id"), ["project_id"], unique=False)

    op.create_table(
        "sample_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("first_had", sa.Boolean(), nullable=False),
        sa.Column("second_had", sa.Boolean(), nullable=False),
        sa.Column("applies", sa.Boolean(), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_sample_resolutions_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["sample_items.id"], name=op.f("fk_sample_resolutions_item_id_sample_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_sample_resolutions_resolved_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_resolutions")),
        sa.UniqueConstraint("item_id", "code_id", name=op.f("uq_sample_resolutions_item_id_code_id")),
    )
    with op.batch_alter_table("sample_resolutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sample_resolutions_code_id"), ["code_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sample_resolutions_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sample_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_codings_sample_id"), ["sample_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_codings_sample_id_coding_samples"), "coding_samples", ["sample_id"], ["id"], ondelete="CASCADE"
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interviewers_may_code", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("interviewers_may_code")

    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_codings_sample_id_coding_samples"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_codings_sample_id"))
        batch_op.drop_column("sample_id")

    with op.batch_alter_table("sample_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sample_resolutions_item_id"))
        batch_op.drop_index(batch_op.f("ix_sample_resolutions_code_id"))

    op.drop_table("sample_resolutions")
    with op.batch_alter_table("suggestion_rejections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_rejections_project_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_rejections_contribution_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_rejections_code_id"))
        batch_op.drop_index(batch_op.f("ix_suggestion_rejections_answer_id"))

    op.drop_table("suggestion_rejections")
    with op.batch_alter_table("sample_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sample_items_sample_id"))
        batch_op.drop_index(batch_op.f("ix_sample_items_contribution_id"))
        batch_op.drop_index(batch_op.f("ix_sample_items_answer_id"))

    op.drop_table("sample_items")
    with op.batch_alter_table("coding_samples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coding_samples_project_id"))
        batch_op.drop_index(batch_op.f("ix_coding_samples_coder_id"))

    op.drop_table("coding_samples")
