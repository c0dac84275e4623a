"""Question types are checked by the application's registry of kinds (app/questions), not by a
CHECK constraint: a new kind of question needs no schema change.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TYPES = ("short_text", "long_text", "single_choice", "multi_choice", "scale", "yes_no", "number", "date", "area", "gps", "quality")


def upgrade():
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_guide_questions_questiontype"), type_="check")
        batch_op.alter_column(
            "type",
            existing_type=sa.Enum(*TYPES, name="questiontype", native_enum=False, length=20),
            type_=sa.String(length=20),
            existing_nullable=False,
        )


def downgrade():
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.alter_column(
            "type",
            existing_type=sa.String(length=20),
            type_=sa.Enum(*TYPES, name="questiontype", native_enum=False, length=20, create_constraint=True),
            existing_nullable=False,
        )
