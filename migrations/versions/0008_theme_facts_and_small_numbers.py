"""Theme facts (the dashboards' pre-aggregated coding), an index for quotes per theme, and each project's small-number threshold.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=True),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "respondent_type",
            sa.Enum("resident", "entrepreneur", "passer_by", name="respondenttype", native_enum=False, create_constraint=True, length=20),
            nullable=True,
        ),
        sa.Column(
            "age_band",
            sa.Enum(
                "under_18",
                "18_29",
                "30_44",
                "45_64",
                "65_79",
                "80_plus",
                name="ageband",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("guide_version_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("inputs", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("suggestion", sa.Integer(), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.CheckConstraint("(interview_id IS NULL) <> (contribution_id IS NULL)", name=op.f("ck_theme_facts_one_source")),
        sa.CheckConstraint("code_id IS NULL OR group_id IS NULL", name=op.f("ck_theme_facts_one_theme")),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_theme_facts_area_id_areas"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_theme_facts_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_theme_facts_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["group_id"], ["code_groups.id"], name=op.f("fk_theme_facts_group_id_code_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["guide_version_id"], ["guide_versions.id"], name=op.f("fk_theme_facts_guide_version_id_guide_versions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_theme_facts_interview_id_interviews"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_theme_facts_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_theme_facts_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["worker_id"], ["users.id"], name=op.f("fk_theme_facts_worker_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_facts")),
    )
    with op.batch_alter_table("theme_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_facts_contribution_id"), ["contribution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_facts_interview_id"), ["interview_id"], unique=False)
        batch_op.create_index(
            "ix_theme_facts_theme",
            [
                "project_id",
                "scope",
                "code_id",
                "group_id",
                "inputs",
                "positive",
                "negative",
                "suggestion",
                "interview_id",
                "contribution_id",
                "round_id",
                "area_id",
                "day",
                "respondent_type",
                "age_band",
                "guide_version_id",
                "worker_id",
            ],
            unique=False,
        )

    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_code_quote", ["code_id", "is_quote", "id"], unique=False)

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("small_numbers", sa.Integer(), server_default="3", nullable=False))
        batch_op.create_check_constraint(op.f("ck_projects_small_numbers_range"), "small_numbers BETWEEN 1 AND 100")

    # Existing coding becomes facts (derived data; the same code keeps them up to date later on).
    from app.facts import rebuild

    rebuild(op.get_bind())


def downgrade():
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_projects_small_numbers_range"), type_="check")
        batch_op.drop_column("small_numbers")

    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index("ix_codings_code_quote")

    with op.batch_alter_table("theme_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_theme_facts_theme")
        batch_op.drop_index(batch_op.f("ix_theme_facts_interview_id"))
        batch_op.drop_index(batch_op.f("ix_theme_facts_contribution_id"))

    op.drop_table("theme_facts")
