"""Respondent types per project: each project offers its own kinds of respondent from a wider list
(resident, entrepreneur, passer-by, organisation, professional, initiator, partner).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD = ("resident", "entrepreneur", "passer_by")
NEW = (*OLD, "organisation", "professional", "initiator", "partner")
TABLES = ("interviews", "theme_facts")


def _retype(values: tuple[str, ...], before: tuple[str, ...]) -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"ck_{table}_respondenttype"), type_="check")
            batch_op.alter_column(
                "respondent_type",
                existing_type=sa.Enum(*before, name="respondenttype", native_enum=False, length=20),
                type_=sa.String(length=20),
                existing_nullable=True,
            )
            batch_op.create_check_constraint(
                batch_op.f(f"ck_{table}_respondenttype"),
                "respondent_type IN (" + ", ".join(f"'{v}'" for v in values) + ")",
            )


def upgrade():
    _retype(NEW, OLD)
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respondent_types", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("respondent_types")
    op.execute(
        sa.text("UPDATE interviews SET respondent_type = NULL WHERE respondent_type NOT IN ('resident', 'entrepreneur', 'passer_by')")
    )
    op.execute(sa.text("DELETE FROM theme_facts WHERE respondent_type NOT IN ('resident', 'entrepreneur', 'passer_by')"))
    _retype(OLD, NEW)
