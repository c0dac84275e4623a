"""Indexes for the coding queue: interviews and contributions newest first (it reads each kind
in this order and merges them), and whether an input has a coding of the project's own.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_answer_sample", ["answer_id", "sample_id"], unique=False)
        batch_op.create_index("ix_codings_contribution_sample", ["contribution_id", "sample_id"], unique=False)

    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index("ix_contributions_project_recorded", ["project_id", "recorded_at"], unique=False)

    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index("ix_interviews_project_started", ["project_id", "started_at"], unique=False)


def downgrade():
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index("ix_codings_contribution_sample")
        batch_op.drop_index("ix_codings_answer_sample")

    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index("ix_interviews_project_started")

    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_project_recorded")
