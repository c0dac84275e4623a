"""Privacy: retention of personal data, the public information page, contributions' receipt codes,
and the UUIDs of erased records.

Revision ID: 0010
Revises: 0009
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erased_records",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_erased_records_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_erased_records")),
    )
    with op.batch_alter_table("erased_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erased_records_project_id"), ["project_id"], unique=False)

    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_code", sa.String(length=9), nullable=True))
        batch_op.create_index("ix_contributions_project_receipt", ["project_id", "receipt_code"], unique=False)

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_retention_months", sa.Integer(), server_default="12", nullable=False))
        batch_op.add_column(sa.Column("contact_info", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("public_key", sa.String(length=32), nullable=True))

    # Existing projects: personal data kept no longer than the input itself, and a page address each.
    connection = op.get_bind()
    projects = sa.table(
        "projects",
        sa.column("id", sa.Integer),
        sa.column("public_key", sa.String),
        sa.column("retention_months", sa.Integer),
        sa.column("personal_retention_months", sa.Integer),
    )
    connection.execute(
        projects.update().where(projects.c.retention_months < 12).values(personal_retention_months=projects.c.retention_months)
    )
    for (project_id,) in connection.execute(sa.select(projects.c.id)).all():
        connection.execute(projects.update().where(projects.c.id == project_id).values(public_key=secrets.token_urlsafe(12)))

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.alter_column("public_key", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_projects_public_key"), ["public_key"])
        batch_op.create_check_constraint(
            "personal_retention_range", "personal_retention_months > 0 AND personal_retention_months <= retention_months"
        )


def downgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_projects_personal_retention_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_projects_public_key"), type_="unique")
        batch_op.drop_column("public_key")
        batch_op.drop_column("contact_info")
        batch_op.drop_column("personal_retention_months")

    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_project_receipt")
        batch_op.drop_column("receipt_code")

    with op.batch_alter_table("erased_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erased_records_project_id"))

    op.drop_table("erased_records")
