"""Field work: codebook, interview guides, rounds, interviews, answers, contributions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

"""

import csv
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "code_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_code_groups_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_groups")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_code_groups_project_id_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_code_groups_uuid")),
    )
    with op.batch_alter_table("code_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_code_groups_project_id"), ["project_id"], unique=False)

    op.create_table(
        "guides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_guides_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
    )
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guides_project_id"), ["project_id"], unique=False)

    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["code_groups.id"], name=op.f("fk_codes_group_id_code_groups"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_codes_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        sa.UniqueConstraint("project_id", "key", name=op.f("uq_codes_project_id_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_codes_uuid")),
    )
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_codes_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_codes_project_id"), ["project_id"], unique=False)

    op.create_table(
        "guide_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", name="versionstatus", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["guide_id"], ["guides.id"], name=op.f("fk_guide_versions_guide_id_guides"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_guide_versions_published_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_versions")),
        sa.UniqueConstraint("guide_id", "number", name=op.f("uq_guide_versions_guide_id_number")),
    )
    with op.batch_alter_table("guide_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_versions_guide_id"), ["guide_id"], unique=False)

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("street", "info", name="roundkind", native_enum=False, create_constraint=True, length=20), nullable=False
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column(
            "info_format",
            sa.Enum("resident_evening", "drop_in", "walk", name="infoformat", native_enum=False, create_constraint=True, length=20),
            nullable=True,
        ),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendee_count", sa.Integer(), nullable=True),
        sa.Column("session_notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("attendee_count IS NULL OR attendee_count >= 0", name=op.f("ck_rounds_attendees_not_negative")),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name=op.f("ck_rounds_period_order")),
        sa.ForeignKeyConstraint(["guide_id"], ["guides.id"], name=op.f("fk_rounds_guide_id_guides"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_rounds_project_id_projects"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
    )
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rounds_project_id"), ["project_id"], unique=False)

    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("street", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_contributions_area_id_areas"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_contributions_author_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_contributions_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_contributions_round_id_rounds"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_contributions_uuid")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contributions_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_round_id"), ["round_id"], unique=False)

    op.create_table(
        "guide_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["guide_versions.id"], name=op.f("fk_guide_sections_version_id_guide_versions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_sections")),
    )
    with op.batch_alter_table("guide_sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_sections_version_id"), ["version_id"], unique=False)

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("guide_version_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("street", sa.String(length=120), nullable=False),
        sa.Column("gps_lat", sa.Float(), nullable=True),
        sa.Column("gps_lon", sa.Float(), nullable=True),
        sa.Column("gps_accuracy", sa.Float(), nullable=True),
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
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("receipt_code", sa.String(length=9), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("consent", name=op.f("ck_interviews_consent_given")),
        sa.CheckConstraint("ended_at >= started_at", name=op.f("ck_interviews_time_order")),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_interviews_area_id_areas"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["guide_version_id"], ["guide_versions.id"], name=op.f("fk_interviews_guide_version_id_guide_versions"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["interviewer_id"], ["users.id"], name=op.f("fk_interviews_interviewer_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_interviews_project_id_projects"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_interviews_round_id_rounds"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("project_id", "receipt_code", name=op.f("uq_interviews_project_id_receipt_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_interviews_uuid")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviews_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_guide_version_id"), ["guide_version_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_interviewer_id"), ["interviewer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_round_id"), ["round_id"], unique=False)

    op.create_table(
        "round_areas",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_round_areas_area_id_areas"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_areas_round_id_rounds"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "area_id", name=op.f("pk_round_areas")),
    )
    op.create_table(
        "round_interviewers",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=op.f("fk_round_interviewers_round_id_rounds"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_round_interviewers_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_round_interviewers")),
    )
    op.create_table(
        "contact_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_contact_details_interview_id_interviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_details")),
        sa.UniqueConstraint("interview_id", name=op.f("uq_contact_details_interview_id")),
    )
    op.create_table(
        "contribution_tags",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_contribution_tags_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["contribution_id"], ["contributions.id"], name=op.f("fk_contribution_tags_contribution_id_contributions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contribution_id", "code_id", name=op.f("pk_contribution_tags")),
    )
    op.create_table(
        "guide_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "short_text",
                "long_text",
                "single_choice",
                "multi_choice",
                "scale",
                "yes_no",
                "number",
                "date",
                "area",
                "gps",
                "quality",
                name="questiontype",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("show_if", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["section_id"], ["guide_sections.id"], name=op.f("fk_guide_questions_section_id_guide_sections"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["guide_versions.id"], name=op.f("fk_guide_questions_version_id_guide_versions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_questions")),
        sa.UniqueConstraint("version_id", "key", name=op.f("uq_guide_questions_version_id_key")),
    )
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_questions_section_id"), ["section_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guide_questions_version_id"), ["version_id"], unique=False)

    op.create_table(
        "interview_tags",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_interview_tags_code_id_codes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_interview_tags_interview_id_interviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("interview_id", "code_id", name=op.f("pk_interview_tags")),
    )
    op.create_table(
        "reflections",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("surprised", sa.Text(), nullable=False),
        sa.Column("resident_words", sa.Text(), nullable=False),
        sa.Column(
            "listening_level",
            sa.Enum(
                "downloading",
                "factual",
                "empathic",
                "generative",
                name="listeninglevel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_reflections_interview_id_interviews"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_reflections")),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["interview_id"], ["interviews.id"], name=op.f("fk_answers_interview_id_interviews"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["question_id"], ["guide_questions.id"], name=op.f("fk_answers_question_id_guide_questions"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("interview_id", "question_id", name=op.f("uq_answers_interview_id_question_id")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_question_id"), ["question_id"], unique=False)

    _seed_codebooks_of_existing_projects()


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_question_id"))

    op.drop_table("answers")
    op.drop_table("reflections")
    op.drop_table("interview_tags")
    with op.batch_alter_table("guide_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_questions_version_id"))
        batch_op.drop_index(batch_op.f("ix_guide_questions_section_id"))

    op.drop_table("guide_questions")
    op.drop_table("contribution_tags")
    op.drop_table("contact_details")
    op.drop_table("round_interviewers")
    op.drop_table("round_areas")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviews_round_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_project_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_interviewer_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_guide_version_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_area_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("guide_sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_sections_version_id"))

    op.drop_table("guide_sections")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_round_id"))
        batch_op.drop_index(batch_op.f("ix_contributions_project_id"))
        batch_op.drop_index(batch_op.f("ix_contributions_author_id"))
        batch_op.drop_index(batch_op.f("ix_contributions_area_id"))

    op.drop_table("contributions")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rounds_project_id"))

    op.drop_table("rounds")
    with op.batch_alter_table("guide_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_versions_guide_id"))

    op.drop_table("guide_versions")
    with op.batch_alter_table("codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_codes_project_id"))
        batch_op.drop_index(batch_op.f("ix_codes_group_id"))

    op.drop_table("codes")
    with op.batch_alter_table("guides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guides_project_id"))

    op.drop_table("guides")
    with op.batch_alter_table("code_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_code_groups_project_id"))

    op.drop_table("code_groups")


# The default codebook as it stood when this migration was written; new projects get theirs
# from app/codebook/services.py.
CODEBOOK_CSV = Path(__file__).resolve().parents[2] / "app" / "domain_data" / "default_codebook.csv"
PALETTE = ["#2e7d32", "#1565c0", "#6d4c41", "#c62828", "#6a1b9a", "#00838f", "#b34d00", "#37474f"]


def _seed_codebooks_of_existing_projects():
    bind = op.get_bind()
    project_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM projects"))]
    if not project_ids:
        return
    with CODEBOOK_CSV.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))

    def table(name, *columns):
        return sa.table(name, sa.column("uuid", sa.Uuid), *(sa.column(c) for c in columns))

    groups = table("code_groups", "project_id", "key", "name", "description", "colour", "position")
    codes = table("codes", "project_id", "group_id", "key", "name", "description", "colour", "position", "archived")
    for project_id in project_ids:
        group_ids = {}
        for position, row in enumerate(rows):
            if row["group"] not in group_ids:
                colour = PALETTE[len(group_ids) % len(PALETTE)]
                bind.execute(
                    groups.insert().values(
                        project_id=project_id,
                        uuid=uuid.uuid4(),
                        key=row["group"],
                        name=row["group_name"],
                        description="",
                        colour=colour,
                        position=len(group_ids),
                    )
                )
                group_id = bind.execute(
                    sa.text("SELECT id FROM code_groups WHERE project_id = :p AND key = :k"),
                    {"p": project_id, "k": row["group"]},
                ).scalar_one()
                group_ids[row["group"]] = (group_id, colour)
            group_id, colour = group_ids[row["group"]]
            bind.execute(
                codes.insert().values(
                    project_id=project_id,
                    group_id=group_id,
                    uuid=uuid.uuid4(),
                    key=row["code"],
                    name=row["name"],
                    description=row["description"],
                    colour=colour,
                    position=position,
                    archived=False,
                )
            )
