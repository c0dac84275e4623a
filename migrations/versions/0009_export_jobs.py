"""Export jobs: workbooks built in the background, with their progress and when their file expires.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued", "running", "done", "failed", "expired", name="jobstatus", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_expected", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("rows_done >= 0 AND rows_expected >= 0", name=op.f("ck_export_jobs_rows_not_negative")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_export_jobs_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_export_jobs_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
        sa.UniqueConstraint("uuid", name=op.f("uq_export_jobs_uuid")),
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_jobs_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_jobs_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_jobs_user_id"))
        batch_op.drop_index(batch_op.f("ix_export_jobs_project_id"))

    op.drop_table("export_jobs")
