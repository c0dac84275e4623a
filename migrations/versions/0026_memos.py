"""Memos as objects: a coder's note on the project, a code, a statement or a coding, with its author
and dates. A coding's memo (a text column until now) becomes a memo on that coding, by its coder.

Revision ID: 0026
Revises: 0025
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

ONE_SUBJECT = (
    "(CASE WHEN code_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN coding_id IS NULL THEN 0 ELSE 1 END) <= 1"
)


def upgrade():
    memos = op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("coding_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ONE_SUBJECT, name=op.f("ck_memos_one_subject")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_memos_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_memos_author_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_memos_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answer_id"], ["answers.id"], name=op.f("fk_memos_answer_id_answers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_memos_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], name=op.f("fk_memos_coding_id_codings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
        sa.UniqueConstraint("uuid", name=op.f("uq_memos_uuid")),
    )
    for column in ("project_id", "author_id", "code_id", "answer_id", "contribution_id", "coding_id"):
        op.create_index(op.f(f"ix_memos_{column}"), "memos", [column])
    connection = op.get_bind()
    codings = sa.table(
        "codings",
        sa.column("id", sa.Integer),
        sa.column("project_id", sa.Integer),
        sa.column("coder_id", sa.Integer),
        sa.column("memo", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(sa.select(codings).where(codings.c.memo != "")).all()
    if rows:
        op.bulk_insert(
            memos,
            [
                {
                    "uuid": uuid.uuid4(),
                    "project_id": row.project_id,
                    "author_id": row.coder_id,
                    "coding_id": row.id,
                    "text": row.memo,
                    "created_at": row.created_at,
                    "updated_at": row.created_at,
                }
                for row in rows
            ],
        )
    if connection.dialect.name == "sqlite":
        # SQLite drops a plain column in place (3.35+); a batch copy of the table would create its indexes
        # again in an arbitrary order, and the planner's choice between two equal indexes with them.
        op.execute("ALTER TABLE codings DROP COLUMN memo")
    else:
        op.drop_column("codings", "memo")


def downgrade():
    op.add_column("codings", sa.Column("memo", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    memos = sa.table("memos", sa.column("coding_id", sa.Integer), sa.column("text", sa.Text), sa.column("id", sa.Integer))
    codings = sa.table("codings", sa.column("id", sa.Integer), sa.column("memo", sa.Text))
    for coding_id, text in connection.execute(
        sa.select(memos.c.coding_id, memos.c.text).where(memos.c.coding_id.is_not(None)).order_by(memos.c.id)
    ):
        connection.execute(codings.update().where(codings.c.id == coding_id, codings.c.memo == "").values(memo=text))
    op.drop_table("memos")
