"""Learned suggestions: a model per project trained on its own codings, and a coding's source
"model" for a learned suggestion a person accepted.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

OLD_SOURCES = "'manual', 'suggestion', 'quick_tag'"
NEW_SOURCES = "'manual', 'suggestion', 'quick_tag', 'model'"


def set_sources(old: str, new: str) -> None:
    """Change the values the CHECK on ``codings.source`` allows."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        # SQLite's documented way to change a CHECK in place (lang_altertable.html, "simpler procedure"):
        # rewrite the table's schema text and bump the schema version. A batch copy of the table would
        # create its indexes again in an arbitrary order, and with it the planner's pick between two equal
        # indexes (see 0026). Every stored row passes the new CHECK: it allows a value more, or (downgrade)
        # the rows with that value were changed first.
        table_sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'codings'").scalar()
        if f"IN ({old})" not in table_sql:
            raise RuntimeError("codings.source has an unexpected CHECK; not changed")
        version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
        connection.exec_driver_sql("PRAGMA writable_schema = ON")
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'codings'", (table_sql.replace(f"IN ({old})", f"IN ({new})"),)
        )
        connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    else:
        op.drop_constraint(op.f("ck_codings_codingsource"), "codings", type_="check")
        op.create_check_constraint(op.f("ck_codings_codingsource"), "codings", sa.text(f"source IN ({new})"))


def upgrade():
    op.create_table(
        "suggestion_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued", "running", "done", "failed", "expired", name="jobstatus", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("basis", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("codes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_suggestion_models_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_models")),
        sa.UniqueConstraint("project_id", name=op.f("uq_suggestion_models_project_id")),
    )
    set_sources(OLD_SOURCES, NEW_SOURCES)


def downgrade():
    op.execute("UPDATE codings SET source = 'suggestion' WHERE source = 'model'")
    set_sources(NEW_SOURCES, OLD_SOURCES)
    op.drop_table("suggestion_models")
