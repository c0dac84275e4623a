"""Retention: ``flask purge-expired`` with a frozen clock removes exactly what expired, anonymises
personal data in place (codings still point at the same words), logs it, and a dry run changes
nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db

NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
TEXT = "Ik woon op de Kerkstraat 12, bel 06-12345678 of mail jan@example.nl: de stoep is kapot."


@pytest.fixture
def aged(app, make_user, make_project, add_member, import_areas, make_fieldwork) -> dict[str, Any]:
    """A project keeping input 12 months and personal data 6, with interviews and contributions
    recorded just before and just after each cut-off, each with personal data in every place."""
    from app.capture import services as capture
    from app.capture.validation import validate_contribution, validate_interview
    from app.coding import services as coding
    from app.models import Answer, Code, ExportJob, GuideVersion, JobStatus, Project, Round, User

    coordinator = make_user(name="Cor")
    project = make_project(coordinator, retention_months=12, personal_retention_months=6)
    import_areas(project, "stadsdeel,wijk\nAlmere Stad,Filmwijk\n")
    ids = make_fieldwork(project, coordinator, coordinator)
    ages = {  # how long before NOW it was recorded
        "input_expired": timedelta(days=366 + 1),
        "input_kept": timedelta(days=365 - 1),
        "personal_expired": timedelta(days=184 + 1),
        "personal_kept": timedelta(days=181 - 1),
    }
    made: dict[str, Any] = {"project_id": project.id, "interviews": {}, "contributions": {}}
    with app.app_context(), time_machine.travel(NOW - timedelta(days=1), tick=False):  # recorded as the days went by
        p = db.session.get(Project, project.id)
        version = db.session.get(GuideVersion, ids["version_id"])
        street = db.session.get(Round, ids["round_id"])
        info = db.session.get(Round, ids["info_round_id"])
        user = db.session.get(User, coordinator.id)
        context = capture.context_for(p)
        code = db.session.scalars(sa.select(Code).where(Code.project_id == p.id)).first()
        for name, age in ages.items():
            at = NOW - age
            clean, errors = validate_interview(
                version.questions,
                {
                    "uuid": str(uuid.uuid4()),
                    "consent": True,
                    "started_at": at,
                    "ended_at": at + timedelta(minutes=5),
                    "street": "Kerkstraat 12",
                    "gps": {"lat": 52.3712345, "lon": 5.2223456, "accuracy": 6},
                    "answers": {"tevreden": 3, "verbeteren": TEXT},
                    "reflection": {"resident_words": "Mail mij: jan@example.nl"},
                    "contact": {"name": "Jan Jansen", "email": "jan.jansen@example.nl", "phone": "0612345678"},
                },
                context,
            )
            assert clean is not None, errors
            interview, _ = capture.record_interview(p, street, version, user, clean)
            answer = db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id, Answer.text != "")).one()
            start = TEXT.index("de stoep")
            coding.apply_code(p, answer, code, user, start, start + len("de stoep is kapot"))  # after the personal bits
            coding.apply_code(p, answer, code, user, 0, len(TEXT))
            clean_c, errors = validate_contribution(
                {"uuid": str(uuid.uuid4()), "recorded_at": at, "text": TEXT, "street": "Kerkstraat 12"}, context
            )
            assert clean_c is not None, errors
            contribution, _ = capture.record_contribution(p, info, user, clean_c)
            made["interviews"][name] = interview.id
            made["contributions"][name] = contribution.id
        # Export jobs: one from long ago (forgotten), one from last week (kept).
        for days in (40, 7):
            db.session.add(
                ExportJob(
                    project_id=p.id,
                    user_id=user.id,
                    format="xlsx",
                    status=JobStatus.expired,
                    created_at=NOW - timedelta(days=days),
                    updated_at=NOW - timedelta(days=days),
                )
            )
        db.session.commit()
    return made


def snapshot() -> dict[str, Any]:
    from app.models import Answer, Coding, ContactDetails, Contribution, ErasedRecord, ExportJob, Interview, Reflection

    rows = {}
    for model in (Interview, Answer, Coding, ContactDetails, Contribution, Reflection, ErasedRecord, ExportJob):
        rows[model.__tablename__] = sorted(
            (tuple(getattr(r, c.key) for c in model.__table__.columns) for r in db.session.scalars(sa.select(model))), key=repr
        )
    return rows


def test_a_dry_run_shows_what_would_go_and_changes_nothing(app, aged, runner):
    with app.app_context():
        before = snapshot()
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["purge-expired", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 interviews erased" in result.output and "1 contributions erased" in result.output
    # Personal data of the two past 6 months (the one past 12 is erased whole, its contact details with it).
    assert "3 contact details deleted" in result.output
    assert "2 GPS points rounded" in result.output and "4 house numbers removed" in result.output
    assert "6 texts with addresses" in result.output
    assert "1 old export jobs and 0 ended sessions would be forgotten" in result.output and "dry run" in result.output
    with app.app_context():
        from app.models import AuditEvent

        assert snapshot() == before
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action.startswith("retention."))) is None


def test_purge_with_a_frozen_clock_removes_exactly_what_expired(app, aged, runner):
    from app.models import (
        Answer,
        AuditEvent,
        Coding,
        ContactDetails,
        Contribution,
        ErasedRecord,
        ExportJob,
        Interview,
        Reflection,
        ThemeFact,
    )
    from app.privacy import MASK

    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    interviews, contributions = aged["interviews"], aged["contributions"]
    with app.app_context():
        # Past the input's 12 months: gone, with everything on it, and remembered as erased.
        assert db.session.get(Interview, interviews["input_expired"]) is None
        assert db.session.get(Contribution, contributions["input_expired"]) is None
        assert db.session.scalars(sa.select(ThemeFact).where(ThemeFact.interview_id == interviews["input_expired"])).all() == []
        assert {e.reason for e in db.session.scalars(sa.select(ErasedRecord))} == {"retention"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ErasedRecord)) == 2
        # Past 6 months but not 12: kept, with the personal data taken out.
        for name in ("input_kept", "personal_expired"):
            interview = db.session.get(Interview, interviews[name])
            assert interview is not None
            assert db.session.scalar(sa.select(ContactDetails).where(ContactDetails.interview_id == interview.id)) is None
            assert (interview.gps_lat, interview.gps_lon, interview.gps_accuracy) == (52.371, 5.222, None)
            assert interview.street == "Kerkstraat"
            answer = db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id, Answer.text != "")).one()
            assert len(answer.text) == len(TEXT) and answer.value == answer.text
            for personal in ("Kerkstraat 12", "06-12345678", "jan@example.nl"):
                assert personal not in answer.text
            assert answer.text.endswith("de stoep is kapot.") and MASK in answer.text
            fragments = {c.fragment for c in db.session.scalars(sa.select(Coding).where(Coding.answer_id == answer.id))}
            assert fragments == {"de stoep is kapot", answer.text}  # offsets still point at the same words
            assert "jan@example.nl" not in db.session.get(Reflection, interview.id).resident_words
            contribution = db.session.get(Contribution, contributions[name])
            assert "06-12345678" not in contribution.text and contribution.street == "Kerkstraat"
        # Within 6 months: untouched.
        fresh = db.session.get(Interview, interviews["personal_kept"])
        assert fresh.street == "Kerkstraat 12" and fresh.gps_lat == 52.3712345
        assert db.session.scalar(sa.select(ContactDetails).where(ContactDetails.interview_id == fresh.id)) is not None
        assert db.session.scalars(sa.select(Answer.text).where(Answer.interview_id == fresh.id, Answer.text != "")).one() == TEXT
        assert db.session.get(Contribution, contributions["personal_kept"]).text == TEXT
        # Logged: what went, not what it said.
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
        assert event.project_id == aged["project_id"] and event.origin == "cli"
        assert event.details["interviews"] == 1 and event.details["contributions"] == 1 and event.details["contact_details"] == 3
        assert event.details["texts"] == 6  # two answers, two reflections, two contributions
        assert "Kerkstraat 12" not in str(event.details) and "jan@example.nl" not in str(event.details)
        assert [j.created_at for j in db.session.scalars(sa.select(ExportJob))] == [NOW - timedelta(days=7)]
        # The facts behind the dashboards still match the codings.
        from app import facts

        columns = [c for c in ThemeFact.__table__.columns if c.name != "id"]
        kept = sorted(map(tuple, db.session.execute(sa.select(*columns)).all()), key=repr)
        facts.rebuild(db.session.connection(), aged["project_id"])
        assert sorted(map(tuple, db.session.execute(sa.select(*columns)).all()), key=repr) == kept
        db.session.rollback()
        after_first = snapshot()

    # A second run the same day finds nothing more; a day later nothing new has expired either.
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        again = runner.invoke(args=["purge-expired"])
    assert again.exit_code == 0 and "nothing has expired" in again.output
    with app.app_context():
        assert snapshot() == after_first
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "retention.purge")) == 1
        runs = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "retention.run").order_by(AuditEvent.id)))
        assert [r.details["with_expired"] for r in runs] == [1, 0]  # every run is on record, also one that found nothing


def test_the_project_settings_keep_personal_data_no_longer_than_the_input(app, client, make_user, make_project):
    coordinator = make_user()
    project = make_project(coordinator)
    client.login(coordinator.email)
    response = client.form_post(
        f"/projects/{project.id}/edit",
        data={
            "name": project.name,
            "retention_months": "6",
            "personal_retention_months": "12",
            "small_numbers": "3",
        },
    )
    assert response.status_code == 422 and "niet langer" in response.text
    from app.models import Project

    with app.app_context():
        stored = db.session.get(Project, project.id)
        assert (stored.retention_months, stored.personal_retention_months) == (24, 12)  # nothing half-saved
        stored.personal_retention_months = 30
        with pytest.raises(sa.exc.IntegrityError):  # and the database holds the line too
            db.session.commit()
