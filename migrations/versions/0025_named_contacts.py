"""Named contacts: where a project allows it (talks with initiators or organisations), the name and
organisation of who was heard, kept apart from the answers like contact details.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("named_contacts", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "named_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("interview_id"),
    )


def downgrade():
    op.drop_table("named_contacts")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("named_contacts")
