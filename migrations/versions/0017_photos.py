"""Photos: on an interview's photo question, a contribution or observation, or a round's session.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("cleared_by", sa.Integer(), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN interview_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN round_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_photos_one_owner"),
        ),
        sa.ForeignKeyConstraint(["cleared_by"], ["users.id"], name=op.f("fk_photos_cleared_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_photos_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"], name=op.f("fk_photos_interview_id_interviews"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_photos_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["question_id"], ["guide_questions.id"], name=op.f("fk_photos_question_id_guide_questions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_photos_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_photos_uploaded_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("uuid", name=op.f("uq_photos_uuid")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_contribution_id"), ["contribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_interview_id"), ["interview_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_round_id"), ["round_id"], unique=False)


def downgrade():
    op.drop_table("photos")
