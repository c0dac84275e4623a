"""A resident's rights by receipt code: everything for a code and nothing of others, a copy to take
home, and an erasure that leaves no trace in any table, export or dashboard figure."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Interview
from tests.test_exports import export, login, raw_xml
from tests.test_insights import world  # noqa: F401  (fixture)

MARK = "Vlinderhofmarker"  # in everything the resident said: found anywhere means a trace is left
CONTACT = ("Truus Terugbel", "truus.terugbel@example.nl", "0687654321")


def add_resident(app: Any, world: Any) -> dict[str, Any]:
    """A resident in the world: an interview (answers, contact details, GPS point, reflection), a
    contribution at the evening with the same receipt code, codings (a fragment and a quote), one
    action item resting only on them and one resting on them and another input."""
    from app.actions import services as actions
    from app.capture import services as capture
    from app.capture.validation import validate_contribution, validate_interview
    from app.coding import services as coding
    from app.models import Answer, Code, Contribution, GuideVersion, Project, Round, Sentiment, User

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        version = db.session.get(GuideVersion, world.versions[1])
        street = db.session.get(Round, world.rounds["street"])
        evening = db.session.get(Round, world.rounds["evening"])
        anna = db.session.get(User, world.users["anna"].id)
        coder = db.session.get(User, world.users["coordinator"].id)
        context = capture.context_for(project)
        started = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
        payload = {
            "uuid": str(uuid.uuid4()),
            "consent": True,
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=12)).isoformat(),
            "area_id": world.areas["Filmwijk Noord"],
            "street": "Vlinderhof 7",
            "gps": {"lat": 52.3777777, "lon": 5.2111111, "accuracy": 8},
            "answers": {"verbeteren": f"{MARK}: de stoep is kapot bij de school.", "wens": f"Een bankje, {MARK}", "groen": "C"},
            "reflection": {"surprised": "Verrassing", "resident_words": f"Zei: {MARK} is mijn straat"},
            "contact": {"name": CONTACT[0], "email": CONTACT[1], "phone": CONTACT[2], "note": f"Over de stoep {MARK}"},
        }
        clean, errors = validate_interview(version.questions, payload, context)
        assert clean is not None, errors
        interview, _ = capture.record_interview(project, street, version, anna, clean)
        code = interview.receipt_code
        clean_c, errors = validate_contribution(
            {
                "uuid": str(uuid.uuid4()),
                "recorded_at": started + timedelta(days=3),
                "text": f"Ook {MARK}: te donker.",
                "receipt_code": code.lower().replace("-", " "),  # as an interviewer might type it
            },
            context,
        )
        assert clean_c is not None and clean_c.receipt_code == code, errors
        contribution, _ = capture.record_contribution(project, evening, anna, clean_c)
        answers = list(
            db.session.scalars(sa.select(Answer).where(Answer.interview_id == interview.id, Answer.text != "").order_by(Answer.id))
        )
        codes = [db.session.get(Code, i) for i in world.codes]
        coding.apply_code(project, answers[0], codes[0], coder, 0, len(MARK), sentiment=Sentiment.negative, is_quote=True)
        coding.apply_code(project, answers[1], codes[1], coder)
        contribution_row = db.session.get(Contribution, contribution.id)
        coding.apply_code(project, contribution_row, codes[0], coder, is_quote=True)
        other = db.session.scalars(
            sa.select(Contribution).where(Contribution.project_id == project.id, Contribution.id != contribution.id)
        ).first()
        only = actions.create_action(project, coder, actions.ActionData(title="Stoep herstellen bij de school"), [answers[0]])
        shared = actions.create_action(project, coder, actions.ActionData(title="Verlichting fietspad"), [contribution_row, other])
        db.session.commit()
        return {
            "code": code,
            "interview_id": interview.id,
            "interview_uuid": str(interview.uuid),
            "payload": payload,
            "contribution_id": contribution.id,
            "contribution_uuid": str(contribution.uuid),
            "answer_ids": [a.id for a in answers],
            "only_action": only.id,
            "shared_action": shared.id,
            "other_contribution": other.id,
        }


def url(world: Any, code: str, suffix: str = "") -> str:
    return f"/projects/{world.project_id}/residents/{code}{suffix}"


# -- access ----------------------------------------------------------------------------------------


def test_a_receipt_code_shows_everything_stored_for_it_and_nothing_of_others(app, world, client):
    from app.models import Answer, Coding, Interview

    resident = add_resident(app, world)
    login(client, world)
    page = client.get(url(world, resident["code"]))
    assert page.status_code == 200
    for expected in (
        f"{MARK}: de stoep is kapot",
        f"Een bankje, {MARK}",
        f"Ook {MARK}: te donker.",
        *CONTACT,
        f"Over de stoep {MARK}",
        "Vlinderhof 7",
        "52.3777777",
        f"Zei: {MARK} is mijn straat",
        "Stoep herstellen bij de school",
        "Verlichting fietspad",
    ):
        assert expected in page.text, expected
    with app.app_context():
        others = list(db.session.scalars(sa.select(Interview.receipt_code).where(Interview.id != resident["interview_id"])))
    assert others and not any(code in page.text for code in others)

    download = client.get(url(world, resident["code"], "/export.json"))
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    data = download.get_json()
    assert data["receipt_code"] == resident["code"]
    assert len(data["interviews"]) == 1 and len(data["contributions"]) == 1
    interview = data["interviews"][0]
    with app.app_context():
        stored = list(db.session.scalars(sa.select(Answer).where(Answer.interview_id == resident["interview_id"])))
        codings = db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.answer_id.in_(resident["answer_ids"])))
    assert len(interview["answers"]) == len(stored) == 3
    assert sum(len(a["codings"]) for a in interview["answers"]) == codings == 2
    assert [c["quote"] for a in interview["answers"] for c in a["codings"]].count(True) == 1
    assert interview["contact"] == {
        "name": CONTACT[0],
        "email": CONTACT[1],
        "phone": CONTACT[2],
        "wants_to_hear_about": f"Over de stoep {MARK}",
    }
    assert data["contributions"][0]["text"] == f"Ook {MARK}: te donker." and data["contributions"][0]["codings"][0]["quote"] is True
    assert {a["title"] for a in data["actions"]} == {"Stoep herstellen bij de school", "Verlichting fietspad"}
    assert "Verrassing" not in download.text and "Anna" not in download.text  # the interviewer's notes and name stay out

    printable = client.get(url(world, resident["code"], "/print"))
    assert printable.status_code == 200 and f"{MARK}: de stoep is kapot" in printable.text and CONTACT[1] in printable.text
    with app.app_context():
        from app.models import AuditEvent

        handovers = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "resident.export")))
    assert [e.details["format"] for e in handovers] == ["json", "html"]
    assert all(resident["code"] not in json.dumps(e.details) for e in handovers)


def test_the_lookup_normalises_the_code_and_says_when_nothing_is_stored(app, world, client):
    resident = add_resident(app, world)
    login(client, world)
    typed = client.get(f"/projects/{world.project_id}/residents/", query_string={"code": resident["code"].lower().replace("-", " ")})
    assert typed.status_code == 302 and typed.location.endswith(url(world, resident["code"]))
    wrong = client.get(f"/projects/{world.project_id}/residents/", query_string={"code": "hallo"})
    assert wrong.status_code == 422 and "AC3D-EFHJ" in wrong.text
    unknown = client.get(url(world, "ACDE-FHJK"))
    assert unknown.status_code == 200 and "niets opgeslagen" in unknown.text
    assert client.get(url(world, "not-a-code")).status_code == 404
    assert client.get(url(world, "ACDE-FHJK", "/export.json")).status_code == 404


@pytest.mark.parametrize("who", ["viewer", "anna"])
def test_only_coordinators_see_a_residents_input(app, world, client, who):
    resident = add_resident(app, world)
    client.login(world.users[who].email)
    for suffix in ("", "/print", "/export.json"):
        assert client.get(url(world, resident["code"], suffix)).status_code == 403
    assert client.form_post(url(world, resident["code"], "/erase"), data={"confirm": resident["code"]}).status_code == 403


def test_a_coordinator_of_another_project_cannot_look_up_this_code(app, world, client, make_user, make_project):
    resident = add_resident(app, world)
    stranger = make_user(name="Andere Coördinator")
    other = make_project(stranger)
    client.login(stranger.email)
    assert client.get(url(world, resident["code"])).status_code == 404  # not a member of this project
    same_code_elsewhere = client.get(f"/projects/{other.id}/residents/{resident['code']}")
    assert same_code_elsewhere.status_code == 200 and MARK not in same_code_elsewhere.text


# -- erasure ---------------------------------------------------------------------------------------


def every_table_as_text() -> dict[str, str]:
    """Each table's rows, as text: where a trace would be found."""
    found = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        found[table.name] = "\n".join(repr(tuple(row)) for row in rows)
    return found


def exports_as_text(client: Any, project_id: int) -> dict[str, str]:
    reason = "Controle na een verzoek van een bewoner"
    return {
        "xlsx": raw_xml(export(client, project_id, personal="y", reason=reason).data),
        "csv": raw_xml(export(client, project_id, format="csv", personal="y", reason=reason).data),
        "geojson": export(client, project_id, format="geojson", personal="y", reason=reason).data.decode(),
        "xlsx-pseudonymised": raw_xml(export(client, project_id).data),
    }


def theme_figures(app: Any, world: Any) -> tuple[list[Any], list[Any]]:
    """The theme facts as they are, and as a rebuild from the codings makes them."""
    from app import facts
    from app.models import ThemeFact

    columns = [c for c in ThemeFact.__table__.columns if c.name != "id"]
    with app.app_context():
        kept = sorted(map(tuple, db.session.execute(sa.select(*columns).where(ThemeFact.project_id == world.project_id)).all()), key=repr)
        facts.rebuild(db.session.connection(), world.project_id)
        fresh = sorted(map(tuple, db.session.execute(sa.select(*columns).where(ThemeFact.project_id == world.project_id)).all()), key=repr)
        db.session.rollback()
    return kept, fresh


def test_erasure_leaves_no_trace_in_tables_exports_or_aggregates(app, world, client):
    from app.filters import Filters
    from app.insights import queries
    from app.models import ActionInput, ActionItem, AuditEvent, ErasedRecord, Project, ThemeFact

    resident = add_resident(app, world)
    traces = [MARK, resident["code"], *CONTACT, "Vlinderhof", "52.3777777"]
    login(client, world)
    before = exports_as_text(client, world.project_id)
    for name, text in before.items():  # the control: the export holds the resident before the erasure
        assert (resident["code"] if name == "geojson" else MARK) in text, name
    with app.app_context():
        people_before = {r.id: r.people for r in queries.overview(db.session.get(Project, world.project_id), Filters())[0]}
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ThemeFact).where(ThemeFact.interview_id == resident["interview_id"])
        )

    mismatch = client.form_post(url(world, resident["code"], "/erase"), data={"confirm": "ACDE-FHJK"})
    assert mismatch.status_code == 422
    with app.app_context():
        assert MARK in "".join(every_table_as_text().values())  # a mistyped confirmation erases nothing

    done = client.form_post(url(world, resident["code"], "/erase"), data={"confirm": resident["code"].lower()})
    assert done.status_code == 302

    with app.app_context():
        tables = every_table_as_text()
        for name, text in tables.items():
            for trace in traces:
                assert trace not in text, (name, trace)
        # The action item that rested only on this input keeps its text and loses the link; the
        # shared one keeps its other input.
        only = db.session.get(ActionItem, resident["only_action"])
        assert only is not None and only.title == "Stoep herstellen bij de school"
        assert db.session.scalars(sa.select(ActionInput).where(ActionInput.action_id == only.id)).all() == []
        shared = db.session.scalars(sa.select(ActionInput.contribution_id).where(ActionInput.action_id == resident["shared_action"])).all()
        assert shared == [resident["other_contribution"]]
        assert {str(u) for u in db.session.scalars(sa.select(ErasedRecord.uuid))} == {
            resident["interview_uuid"],
            resident["contribution_uuid"],
        }
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "resident.erase")).one()
        assert event.details["interviews"] == 1 and event.details["contributions"] == 1 and event.details["answers"] == 3
        assert event.details["codings"] == 3 and event.details["contacts"] == 1 and event.details["actions_unlinked"] == 2
        assert event.actor_id == world.users["coordinator"].id and event.project_id == world.project_id
        people_after = {r.id: r.people for r in queries.overview(db.session.get(Project, world.project_id), Filters())[0]}
    # Both the interview and the contribution had the theme; each counts as a source of its own.
    assert people_after[world.codes[0]] == people_before[world.codes[0]] - 2
    kept, fresh = theme_figures(app, world)
    assert kept == fresh  # the dashboards' facts are what the remaining codings make

    after = exports_as_text(client, world.project_id)
    for name, text in after.items():
        for trace in traces:
            assert trace not in text, (name, trace)
    page = client.get(url(world, resident["code"]))
    assert page.status_code == 200 and MARK not in page.text and "gewist op" in page.text.lower()


def test_an_erased_record_sent_again_by_a_device_does_not_come_back(app, world, client, client_factory):
    from app.models import Interview
    from tests.test_sync_api import check

    resident = add_resident(app, world)
    login(client, world)
    assert client.form_post(url(world, resident["code"], "/erase"), data={"confirm": resident["code"]}).status_code == 302
    client = client_factory()  # the interviewer's tablet
    client.login(world.users["anna"].email)
    payload = {
        **resident["payload"],
        "project_id": world.project_id,
        "round_id": world.rounds["street"],
        "guide_version_id": world.versions[1],
        "client_version": 1,
        "receipt_code": resident["code"],
    }
    token = client.csrf_token()
    again = client.put(f"/api/v1/interviews/{resident['interview_uuid']}", json=payload, headers={"X-CSRFToken": token})
    assert again.status_code == 410 and check(again, "Problem")["error"] == "erased"
    batch = client.post(
        "/api/v1/batch",
        json={"items": [{"kind": "interview", "uuid": resident["interview_uuid"], "payload": payload}]},
        headers={"X-CSRFToken": token},
    )
    assert batch.status_code == 200 and check(batch, "BatchResponse")["results"][0]["status"] == 410
    with app.app_context():
        assert db.session.scalar(sa.select(Interview).where(Interview.receipt_code == resident["code"])) is None


def test_contribution_receipt_codes_are_checked_and_kept_out_of_old_fingerprints(app, world):
    from app.capture.validation import CleanContribution

    base = CleanContribution(uuid.uuid4(), datetime(2026, 1, 1, tzinfo=UTC), "Tekst", None, "", [])
    # A record from before receipt codes on contributions replays with the fingerprint it was stored with.
    import hashlib

    old = hashlib.sha256(json.dumps(["2026-01-01T00:00:00+00:00", "Tekst", None, "", []]).encode()).hexdigest()
    assert base.fingerprint() == old
    assert CleanContribution(base.uuid, base.recorded_at, "Tekst", None, "", [], "ACDE-FHJK").fingerprint() != old
    from app.capture import services as capture
    from app.capture.validation import validate_contribution
    from app.models import Project

    with app.app_context():
        context = capture.context_for(db.session.get(Project, world.project_id))
        clean, errors = validate_contribution(
            {"uuid": str(uuid.uuid4()), "recorded_at": "2026-10-01T10:00:00+00:00", "text": "x", "receipt_code": "ABCD-0000"}, context
        )
    assert clean is None and "receipt_code" in errors


# -- closing the loop ------------------------------------------------------------------------------


def test_coordinators_see_who_asked_for_feedback_and_mark_it_sent(app, world, client, client_factory):
    from app.actions import services as actions
    from app.models import ActionItem, ActionStatus, AuditEvent

    resident = add_resident(app, world)
    with app.app_context():
        action = db.session.get(ActionItem, resident["only_action"])
        actions.update_action(action, actions.ActionData(title=action.title, status=ActionStatus.done))
        db.session.commit()
    login(client, world)
    page = client.get(f"/projects/{world.project_id}/residents/")
    assert page.status_code == 200
    assert CONTACT[0] in page.text and "Stoep herstellen bij de school" in page.text and "Jan Jansen" in page.text
    feedback_url = f"/projects/{world.project_id}/actions/{resident['only_action']}/feedback"
    assert feedback_url in page.text
    response = client.form_post(feedback_url, data={"back": f"/projects/{world.project_id}/residents/"})
    assert response.status_code == 302 and response.location.endswith(f"/projects/{world.project_id}/residents/")
    with app.app_context():
        assert db.session.get(ActionItem, resident["only_action"]).feedback_given is True
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "action.update").order_by(AuditEvent.id.desc())).first()
        assert event.details == {"changes": {"feedback_given": [False, True]}}
    assert feedback_url not in client.get(f"/projects/{world.project_id}/residents/").text  # done: no button left
    viewer = client_factory()
    viewer.login(world.users["viewer"].email)
    assert viewer.form_post(feedback_url, data={}).status_code == 403


# -- the card and the public page ------------------------------------------------------------------


def test_the_public_page_needs_no_login_and_shows_no_input(app, world, client_factory):
    from app.models import Answer, Contribution, Interview, Project

    resident = add_resident(app, world)
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        project.purpose = "Samen de Filmwijk beter onderhouden."
        project.contact_info = "Bel 14 036 of mail wijkteam@almere.example"
        db.session.commit()
        key = project.public_key
        texts = list(db.session.scalars(sa.select(Answer.text).where(Answer.text != ""))) + list(
            db.session.scalars(sa.select(Contribution.text))
        )
        codes = list(db.session.scalars(sa.select(Interview.receipt_code)))
    anonymous = client_factory()
    page = anonymous.get(f"/info/{key}")
    assert page.status_code == 200
    assert "Samen de Filmwijk beter onderhouden." in page.text and "wijkteam@almere.example" in page.text
    assert "24 maanden" in page.text and "12 maanden" in page.text
    for text in texts:
        assert text not in page.text
    assert resident["code"] not in page.text and not any(code in page.text for code in codes)
    assert anonymous.get("/info/not-the-key").status_code == 404
    with app.app_context():
        db.session.get(Project, world.project_id).archived = True
        db.session.commit()
    assert anonymous.get(f"/info/{key}").status_code == 404  # an archived project has no public page


def test_the_information_card_is_dutch_with_a_qr_code_to_the_public_page(app, world, client):
    from app.models import Project, User

    with app.app_context():
        db.session.get(User, world.users["anna"].id).language = "en"
        project = db.session.get(Project, world.project_id)
        project.contact_info = "wijkteam@almere.example"
        db.session.commit()
        key = project.public_key
    client.login(world.users["anna"].email)  # interviewers hand the cards out
    card = client.get(f"/projects/{world.project_id}/residents/card")
    assert card.status_code == 200
    assert "Uw ontvangstcode" in card.text and "Bedankt" in card.text  # Dutch, also for an English-speaking user
    assert f"http://localhost/info/{key}" in card.text and "wijkteam@almere.example" in card.text
    assert card.text.count("<svg") == 4 and "<title>" in card.text  # a QR code on each of the four cards, with a name
    assert "http" not in card.text.split("<svg", 1)[1].split("</svg>", 1)[0]  # drawn here, nothing fetched


def test_policy_makers_read_single_interviews_and_contributions_pseudonymised(app, world, client_factory):
    from app.models import Answer, Contribution, Interview

    with app.app_context():
        interview = db.session.scalars(
            sa.select(Interview).join(Answer).where(Interview.project_id == world.project_id, Answer.text.contains("06-12345678"))
        ).first()
        interview.street, interview.gps_lat, interview.gps_lon = "Kerkstraat 12", 52.3712345, 5.2223456
        db.session.get(Contribution, next(k[1] for k in world.sources if k[0] == "contribution")).text = "Bel 06-12345678, Kerkstraat 12"
        db.session.commit()
        interview_id = interview.id
    pages = {}
    for who in ("viewer", "coordinator"):
        client = client_factory()
        client.login(world.users[who].email)
        pages[who] = (
            client.get(f"/projects/{world.project_id}/interviews/{interview_id}").text,
            client.get(f"/projects/{world.project_id}/contributions/").text,
        )
    for text in pages["viewer"]:
        assert "06-12345678" not in text and "Kerkstraat 12" not in text and "52.3712345" not in text
    assert "[telefoonnummer]" in pages["viewer"][0] and "52.371," in pages["viewer"][0] and "[adres]" in pages["viewer"][1]
    for text in pages["coordinator"]:
        assert "06-12345678" in text and "Kerkstraat 12" in text


def test_a_large_erasure_goes_a_chunk_at_a_time_and_counts_each_thing_once(app, world, monkeypatch):
    """A first purge can erase tens of thousands of records; PostgreSQL takes at most 65,535
    parameters in a statement, so they go in chunks (here of one record) with the same result."""
    from app.models import ActionInput, Answer, Coding, Contribution, ErasedRecord, Interview, Project
    from app.residents import services

    residents = [add_resident(app, world), add_resident(app, world)]
    interview_ids = [r["interview_id"] for r in residents]
    contribution_ids = [r["contribution_id"] for r in residents] + [residents[0]["other_contribution"]]
    with app.app_context():
        answer_ids = sa.select(Answer.id).where(Answer.interview_id.in_(interview_ids))
        expected = {
            "answers": db.session.scalar(sa.select(sa.func.count()).select_from(Answer).where(Answer.interview_id.in_(interview_ids))),
            "codings": db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Coding)
                .where(sa.or_(Coding.answer_id.in_(answer_ids), Coding.contribution_id.in_(contribution_ids)))
            ),
            "actions_unlinked": db.session.scalar(
                sa.select(sa.func.count(sa.distinct(ActionInput.action_id))).where(
                    sa.or_(ActionInput.answer_id.in_(answer_ids), ActionInput.contribution_id.in_(contribution_ids))
                )
            ),
        }
        assert expected["actions_unlinked"] == 4  # each resident's two, one of them also on the shared contribution
        monkeypatch.setattr(services, "ERASE_CHUNK", 1)
        result = services.erase_inputs(db.session.get(Project, world.project_id), interview_ids, contribution_ids, "retention")
        db.session.commit()
        assert (result.interviews, result.contributions, result.contacts) == (2, 3, 2)
        assert {k: getattr(result, k) for k in expected} == expected
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.id.in_(interview_ids))) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution).where(Contribution.id.in_(contribution_ids))) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ErasedRecord)) == 5


def test_guessing_receipt_codes_is_rate_limited_but_known_codes_are_not(client, world, query):
    """A coordinator's account in the wrong hands must not walk through the codes of a project."""
    client.login(world.users["coordinator"].email)
    project = world.project_id
    known = query(lambda: db.session.scalar(sa.select(Interview.receipt_code).where(Interview.project_id == project).limit(1)))
    for _ in range(25):  # lookups that find something do not count
        assert client.get(f"/projects/{project}/residents/{known}").status_code == 200
    alphabet = "ACDEFHJKMNPRTUVWXY3479"
    statuses = [client.get(f"/projects/{project}/residents/{alphabet[n % 22]}{alphabet[n // 22]}AA-AAAA").status_code for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    assert client.get(f"/projects/{project}/residents/{known}").status_code == 429  # until the minute is over


def test_published_results_show_themes_per_area_above_the_threshold_and_the_action_items(app, world, client, client_factory):
    from lxml import html as lxml_html

    from app.actions import services as actions
    from app.models import ActionStatus, Answer, Area, Contribution, Project, User
    from tests.test_insights import current_sources, passes

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        key, threshold = project.public_key, project.small_numbers
        coordinator = db.session.get(User, world.users["coordinator"].id)
        actions.create_action(
            project, coordinator, actions.ActionData("Drempels bij Kerkstraat 12", status=ActionStatus.planned, planned_year=2028)
        )
        actions.create_action(
            project, coordinator, actions.ActionData("Afgewezen idee", status=ActionStatus.rejected, rejection_reason="Te duur")
        )
        db.session.commit()
        areas = {a.label: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        paths = {a.id: a.path for a in areas.values()}
        sources = current_sources(world)
        texts = list(db.session.scalars(sa.select(Answer.text).where(Answer.text != ""))) + list(
            db.session.scalars(sa.select(Contribution.text))
        )
    anonymous = client_factory()
    assert "Wat we hoorden" not in anonymous.get(f"/info/{key}").text  # not before the coordinator publishes

    client.login(world.users["coordinator"].email)
    assert client.submit(f"/projects/{world.project_id}/edit", {"publish_results": "y"}).status_code == 302
    page = lxml_html.fromstring(anonymous.get(f"/info/{key}").text)
    shown = {h.text_content(): h.getnext().text_content() for h in page.xpath("//section[@aria-labelledby='heard-heading']/h3")}
    assert "Overal samen" in shown
    for label, area in areas.items():
        if area.level.value == "buurt":
            assert label not in shown  # a buurt is too small to show
            continue
        people = sum(passes(world, source, {"area": area.id}, paths) for source in sources.values())
        if people < threshold:
            assert label not in shown, label
        else:
            assert shown[label].startswith(f"{people} mensen gehoord"), (label, shown[label])
    body = page.text_content()
    assert "Drempels bij [adres]" in body or "Kerkstraat 12" not in body
    assert "opgenomen in plan" in body and "gepland voor 2028" in body and "Afgewezen idee" not in body
    assert not any(text in body for text in texts)
