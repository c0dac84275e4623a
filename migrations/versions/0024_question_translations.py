"""Guides in more than one language: per question, its text, help and options in other languages
({"en": {"label": ..., "help": ..., "options": {value: label}}}); Dutch stays the question itself.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.drop_column("translations")
