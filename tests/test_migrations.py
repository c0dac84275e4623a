"""Migrations build the schema the models describe, and go down again cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db

TABLES = {
    "users",
    "projects",
    "areas",
    "memberships",
    "api_tokens",
    "audit_events",
    "code_groups",
    "codes",
    "guides",
    "guide_versions",
    "guide_sections",
    "guide_questions",
    "rounds",
    "round_areas",
    "round_interviewers",
    "interviews",
    "answers",
    "interview_tags",
    "reflections",
    "contact_details",
    "contributions",
    "contribution_tags",
    "codings",
    "coding_samples",
    "sample_items",
    "sample_resolutions",
    "suggestion_rejections",
    "action_items",
    "action_inputs",
    "theme_facts",
    "export_jobs",
    "erased_records",
    "user_sessions",
    "photos",
    "walk_routes",
    "elements",
    "area_targets",
    "invitations",
    "named_contacts",
    "memos",
    "suggestion_models",
}


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_the_models_and_downgrade_removes_everything(databases, make_app):
    app = make_app(databases.new())
    with app.app_context():
        upgrade()
        assert table_names() == TABLES
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], "the models and the migrations differ: run `flask db migrate`"

        downgrade(revision="base")
        assert table_names() == set()

        upgrade()  # and up again, as a rollback and redeploy would
        assert table_names() == TABLES
        db.engine.dispose()


def test_constraint_names_follow_the_naming_convention(app):
    with app.app_context():
        inspector = sa.inspect(db.session.connection())
        assert inspector.get_pk_constraint("users")["name"] == "pk_users"
        assert {u["name"] for u in inspector.get_unique_constraints("memberships")} == {"uq_memberships_user_id_project_id"}
        fk_names = {fk["name"] for fk in inspector.get_foreign_keys("areas")}
        assert fk_names == {"fk_areas_parent_id_areas", "fk_areas_project_id_projects"}


def test_elements_are_added_to_existing_projects_with_the_elements_their_questions_name(databases, make_app):
    """0014 gives every project the CROW catalogue, and an element of its own for a perceived-quality
    question that names one in words the catalogue does not have (as guides did before)."""
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import Project, QuestionType

    app = make_app(databases.new())
    with app.app_context():
        upgrade()
        project = Project(name="Ouder project")
        db.session.add(project)
        db.session.flush()
        guides.create_guide(
            project,
            "Leidraad",
            [
                SectionDef(
                    "Beeld",
                    [
                        QuestionDef("groen", QuestionType.quality, "Het groen?", config={"element": "Groen"}),
                        QuestionDef("gras", QuestionType.quality, "Het gras?", config={"element": "gras"}),
                        QuestionDef(
                            "bank", QuestionType.quality, "De bankjes?", config={"element": "Straatmeubilair (banken, hekken, paaltjes)"}
                        ),
                    ],
                )
            ],
        )
        project_id = project.id
        db.session.commit()
        db.session.remove()
        downgrade(revision="0013")
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT key, name, position FROM elements WHERE project_id = :p ORDER BY position"), {"p": project_id}
            )
            found = [tuple(r) for r in rows]
        assert len(found) == 17 and found[0][0] == "verharding-elementen"
        with db.engine.connect() as connection:
            # Going down past 0016 copies the projects table on SQLite; its field work stays (foreign
            # keys are off during a migration, or the copy's DROP TABLE would cascade through it).
            assert connection.execute(sa.text("SELECT count(*) FROM guide_questions")).scalar() == 3
        assert found[-1] == ("groen", "Groen", 16)  # the only name the catalogue lacks (keys and names are matched)
        db.session.remove()
        db.engine.dispose()
