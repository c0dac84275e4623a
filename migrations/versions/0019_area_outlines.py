"""Area outlines: the shape of a stadsdeel, wijk or buurt (GeoJSON geometry in WGS 84), imported from
a GeoJSON file, so points find their area and themes can be drawn on a map; the same shape simplified
for the pages that draw it; and a digest of the shape, so a server knows when to build its index again.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outline", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("outline_simple", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("outline_key", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("outline_key")
        batch_op.drop_column("outline_simple")
        batch_op.drop_column("outline")
