"""Keyword rules: words per code that suggest it to a coder.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keywords", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_column("keywords")
