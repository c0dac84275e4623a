"""How an interview was taken: in talk (the interviewer asks), filled in by the resident alone on the
tablet (self-completion), or typed in afterwards from a paper form.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mode", sa.String(length=10), nullable=False, server_default="talk"))
        batch_op.create_check_constraint(batch_op.f("ck_interviews_interview_mode"), "mode IN ('talk', 'self', 'paper')")


def downgrade():
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_interviews_interview_mode"), type_="check")
        batch_op.drop_column("mode")
