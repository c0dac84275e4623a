"""The sync API: idempotent PUTs, conflicts, invalid input, batches, the bundle; checked against OpenAPI."""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from app.api.openapi import document
from app.extensions import db
from app.models import Answer, Contribution, Interview, Round, RoundKind, User

NOW = datetime.now(UTC)
SPEC = document()


def check(response: Any, schema: str) -> dict[str, Any]:
    """The response body is JSON that fits the named OpenAPI schema."""
    assert response.is_json, response.text[:200]
    body = response.json
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": SPEC["components"]})
    errors = sorted(validator.iter_errors(body), key=str)
    assert errors == [], errors[0].message if errors else ""
    return body


def interview_payload(world, **changes: Any) -> dict[str, Any]:
    ids = world.fieldwork_a
    payload = {
        "client_version": 1,
        "project_id": world.project_a.id,
        "round_id": ids["round_id"],
        "guide_version_id": ids["version_id"],
        "consent": True,
        "started_at": (NOW - timedelta(minutes=12)).isoformat(),
        "ended_at": (NOW - timedelta(minutes=2)).isoformat(),
        "street": "Bachstraat",
        "answers": {"tevreden": 4, "verbeteren": "Meer bankjes"},
        "tags": [],
    }
    payload.update(changes)
    return payload


@pytest.fixture
def api(client, world):
    """The interviewer's session, with the CSRF header a synced page sends."""
    client.login(world.interviewer_a.email)
    token = client.get("/api/v1/csrf").json["csrf_token"]

    def call(method: str, url: str, body: Any = None, raw: bytes | None = None, **headers: str) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return client.open(url, method=method, data=data, content_type="application/json", headers={"X-CSRFToken": token, **headers})

    return call


def stored(query, model=Interview) -> int:
    return query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def test_put_creates_then_replays_with_the_same_acknowledgement(api, world, query):
    record = str(uuid.uuid4())
    first = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world))
    assert first.status_code == 201
    ack = check(first, "Acknowledgement")
    assert ack["uuid"] == record and ack["project_id"] == world.project_a.id
    again = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world))
    assert again.status_code == 200 and again.json == ack
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == uuid.UUID(record)))) == 1
    )
    answers = query(
        lambda: {
            a.question.key: a.value
            for a in db.session.scalars(sa.select(Answer).join(Interview).where(Interview.uuid == uuid.UUID(record)))
        }
    )
    assert answers == {"tevreden": 4, "verbeteren": "Meer bankjes"}


def test_a_receipt_code_made_on_the_device_is_kept(api, world, query):
    record = str(uuid.uuid4())
    response = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, receipt_code="HJKM-NPRT"))
    assert response.status_code == 201 and response.json["receipt_code"] == "HJKM-NPRT"


def test_a_receipt_code_taken_by_another_interview_is_replaced_on_a_single_put(api, world, query):
    """The INSERT meets the receipt code's unique constraint: the interview is stored with a new code,
    in the same transaction (its answers too), and the device learns the new code."""
    api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, receipt_code="WXYA-HJKM"))
    record = str(uuid.uuid4())
    response = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, receipt_code="WXYA-HJKM"))
    assert response.status_code == 201
    code = check(response, "Acknowledgement")["receipt_code"]
    assert code != "WXYA-HJKM" and re.fullmatch(r"[ACDEFHJKMNPRTUVWXY3479]{4}-[ACDEFHJKMNPRTUVWXY3479]{4}", code)
    stored_code, answers = query(
        lambda: (
            db.session.scalar(sa.select(Interview.receipt_code).where(Interview.uuid == uuid.UUID(record))),
            db.session.scalar(sa.select(sa.func.count()).select_from(Answer).join(Interview).where(Interview.uuid == uuid.UUID(record))),
        )
    )
    assert stored_code == code and answers == 2
    again = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, receipt_code="WXYA-HJKM"))
    assert again.status_code == 200 and again.json["receipt_code"] == code


def test_a_conflicting_replay_is_refused_and_changes_nothing(api, world, query):
    record = str(uuid.uuid4())
    api("PUT", f"/api/v1/interviews/{record}", interview_payload(world))
    changed = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, answers={"tevreden": 1}))
    assert changed.status_code == 409
    assert check(changed, "Problem")["error"] == "conflict"
    value = query(lambda: db.session.scalar(sa.select(Answer.value).join(Interview).where(Interview.uuid == uuid.UUID(record)).limit(1)))
    assert value in (4, "Meer bankjes")


BAD = [
    ({"answers": ["tevreden", 4]}, "answers"),
    ({"answers": {"tevreden": "heel erg"}}, "answers.tevreden"),
    ({"answers": {"tevreden": 4, "bestaat_niet": "x"}}, "answers.bestaat_niet"),
    ({"answers": {"verbeteren": "x"}}, "answers.tevreden"),  # required
    ({"consent": False}, "consent"),
    ({"started_at": 12}, "started_at"),
    ({"round_id": "1"}, "round_id"),
    ({"guide_version_id": None}, "guide_version_id"),
    ({"client_version": 99}, "client_version"),
    ({"tags": [1, 2]}, "tags"),
    ({"gps": {"lat": "noord"}}, "gps"),
    ({"uuid": "00000000-0000-4000-8000-000000000000"}, "uuid"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_invalid_payloads_get_422_with_field_messages_and_store_nothing(api, world, query, changes, field):
    before = stored(query)
    response = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, **changes))
    assert response.status_code == 422
    body = check(response, "Invalid")
    assert field in body["fields"], body
    assert all(isinstance(m, str) and m for m in body["fields"][field])
    assert stored(query) == before


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 422),
        (b"project_id=1", "application/x-www-form-urlencoded", 415),
        (b'{"text": "' + b"x" * (2 * 1024 * 1024) + b'"}', "application/json", 413),
    ],
)
def test_malformed_requests_get_a_clear_4xx(client, world, query, raw, content_type, status):
    client.login(world.interviewer_a.email)
    token = client.get("/api/v1/csrf").json["csrf_token"]
    before = stored(query)
    response = client.put(f"/api/v1/interviews/{uuid.uuid4()}", data=raw, content_type=content_type, headers={"X-CSRFToken": token})
    assert response.status_code == status
    assert response.is_json and response.json["message"]
    assert stored(query) == before


def test_projects_and_rounds_the_user_may_not_record_in(api, world, query, app, make_user, add_member):
    # another project: 403
    other = interview_payload(
        world, project_id=world.project_b.id, round_id=world.fieldwork_b["round_id"], guide_version_id=world.fieldwork_b["version_id"]
    )
    assert api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", other).status_code == 403
    # a round of another project inside this project: 422
    mixed = interview_payload(world, round_id=world.fieldwork_b["round_id"])
    assert api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", mixed).status_code == 422
    # a round the interviewer is not assigned to: 403
    with app.app_context():
        round_ = db.session.get(Round, world.fieldwork_a["round_id"])
        round_.interviewers = [db.session.get(User, world.coord_a.id)]
        db.session.commit()
    assert api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world)).status_code == 403
    # B's record UUID: 404, whatever the body
    assert api("PUT", f"/api/v1/interviews/{world.fieldwork_b['interview_uuid']}", interview_payload(world)).status_code == 404


def test_viewers_cannot_sync(client, world):
    client.login(world.viewer_a.email)
    token = client.get("/api/v1/csrf").json["csrf_token"]
    response = client.put(f"/api/v1/interviews/{uuid.uuid4()}", json=interview_payload(world), headers={"X-CSRFToken": token})
    assert response.status_code == 403


def test_without_session_or_token_the_api_answers_401_not_a_redirect(client, world):
    response = client.put(f"/api/v1/interviews/{uuid.uuid4()}", json=interview_payload(world))
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert client.get("/api/v1/csrf").status_code == 401


def test_bearer_tokens_sync_without_csrf(app, client, world, query):
    from app.auth import services

    with app.app_context():
        _token, plain = services.create_token(db.session.get(User, world.interviewer_a.id), "tablet")
        db.session.commit()
    response = client.put(f"/api/v1/interviews/{uuid.uuid4()}", json=interview_payload(world), headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 201


def test_contributions(api, world, query):
    record = str(uuid.uuid4())
    payload = {
        "project_id": world.project_a.id,
        "round_id": world.fieldwork_a["info_round_id"],
        "recorded_at": NOW.isoformat(),
        "text": "Te weinig bankjes",
    }
    assert api("PUT", f"/api/v1/contributions/{record}", payload).status_code == 201
    assert api("PUT", f"/api/v1/contributions/{record}", payload).status_code == 200
    assert api("PUT", f"/api/v1/contributions/{record}", {**payload, "text": "Anders"}).status_code == 409
    street = api("PUT", f"/api/v1/contributions/{uuid.uuid4()}", {**payload, "round_id": world.fieldwork_a["round_id"]})
    assert street.status_code == 422 and "round_id" in street.json["fields"]
    assert (
        query(lambda: db.session.scalar(sa.select(Contribution.text).where(Contribution.uuid == uuid.UUID(record)))) == "Te weinig bankjes"
    )


def test_batch_gives_a_result_per_item_and_keeps_the_good_ones(api, world, query):
    good, bad, contribution = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    items = [
        {"kind": "interview", "uuid": good, "payload": interview_payload(world)},
        {"kind": "interview", "uuid": bad, "payload": interview_payload(world, consent=False)},
        {
            "kind": "contribution",
            "uuid": contribution,
            "payload": {
                "project_id": world.project_a.id,
                "round_id": world.fieldwork_a["info_round_id"],
                "recorded_at": NOW.isoformat(),
                "text": "Meer groen",
            },
        },
        {"kind": "interview", "uuid": good, "payload": interview_payload(world)},
        {"kind": "foto", "uuid": str(uuid.uuid4()), "payload": {}},
    ]
    response = api("POST", "/api/v1/batch", {"items": items})
    assert response.status_code == 200
    results = check(response, "BatchResponse")["results"]
    assert [r["status"] for r in results] == [201, 422, 201, 200, 422]
    assert results[0]["body"] == results[3]["body"]
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid.in_([uuid.UUID(good), uuid.UUID(bad)]))
            )
        )
        == 1
    )
    assert api("POST", "/api/v1/batch", {"items": []}).status_code == 422
    assert api("POST", "/api/v1/batch", {"items": [items[0]] * 101}).status_code == 422


def test_the_offline_bundle(api, client, world, client_factory):
    response = client.get("/api/v1/bundle")
    body = check(response, "Bundle")
    assert response.headers["ETag"] == f'"{body["etag"]}"'
    (project,) = body["projects"]
    assert project["id"] == world.project_a.id
    assert {r["kind"] for r in project["rounds"]} == {"street", "info"}
    street = next(r for r in project["rounds"] if r["kind"] == "street")
    version = next(v for v in project["guide_versions"] if v["id"] == street["guide_version_id"])
    assert [q["key"] for s in version["sections"] for q in s["questions"]] == ["tevreden", "verbeteren"]
    assert len(project["codes"]) == 23 and project["areas"][0]["path"] == "Almere Stad"
    viewer = client_factory()
    viewer.login(world.viewer_a.email)
    assert viewer.get("/api/v1/bundle").json["projects"] == []


def test_the_openapi_document_covers_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, operations in response.json["paths"].items() for method in operations}
    routes = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert routes == documented
    for name in SPEC["components"]["schemas"]:
        Draft202012Validator.check_schema(SPEC["components"]["schemas"][name])


def test_the_account_and_project_endpoints_answer_as_documented(client, world):
    client.login(world.viewer_a.email)
    me = check(client.get("/api/v1/me"), "Me")
    assert (me["id"], me["email"]) == (world.viewer_a.id, world.viewer_a.email)
    listed = check(client.get("/api/v1/projects"), "Projects")["projects"]
    assert [(p["id"], p["role"]) for p in listed] == [(world.project_a.id, "viewer")]
    one = check(client.get(f"/api/v1/projects/{world.project_a.id}"), "Project")
    assert one["name"] == "Project A" and "role" not in one
    foreign = client.get(f"/api/v1/projects/{world.project_b.id}")
    assert foreign.status_code == 404 and check(foreign, "Problem")


def test_concurrent_replays_store_one_record(databases, make_app):
    """Eight devices (or retries) send the same interview at the same moment: one 201, seven 200."""
    from tests.conftest import Client, migrate

    app = make_app(databases.new())
    migrate(app)
    from app.auth import services as auth
    from app.capture import services as capture
    from app.guides import services as guides
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import QuestionType
    from app.projects import services as projects
    from app.rounds import services as rounds

    with app.app_context():
        user = auth.create_user("teller@almere.example", "Teller", "lange-test-zin-voor-login")
        project = projects.create_project(projects.ProjectData(name="Gelijktijdig"), user)
        guide = guides.create_guide(
            project, "G", [SectionDef("", [QuestionDef("cijfer", QuestionType.scale, "Cijfer", config={"min": 1, "max": 5})])]
        )
        guides.publish(guides.draft_of(guide), user)
        round_ = rounds.create_round(project, rounds.RoundData(RoundKind.street, "R", guide_id=guide.id))
        ids = {"project_id": project.id, "round_id": round_.id, "guide_version_id": guides.published_of(guide).id}
        db.session.commit()
        assert capture  # the same services the API uses
    app.test_client_class = Client
    payload = {
        **ids,
        "consent": True,
        "started_at": (NOW - timedelta(minutes=5)).isoformat(),
        "ended_at": NOW.isoformat(),
        "answers": {"cijfer": 3},
    }
    record = str(uuid.uuid4())
    clients = []
    for _ in range(8):
        c = app.test_client()
        assert c.login("teller@almere.example").status_code == 302
        clients.append((c, c.get("/api/v1/csrf").json["csrf_token"]))
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def send(c: Any, token: str) -> None:
        barrier.wait()
        statuses.append(c.put(f"/api/v1/interviews/{record}", json=payload, headers={"X-CSRFToken": token}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Interview))
        db.session.remove()
        db.engine.dispose()
    assert sorted(statuses) == [200] * 7 + [201]
    assert count == 1


def test_a_batch_sorts_out_replays_conflicts_and_taken_receipt_codes(api, world, query):
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    items = [
        {"kind": "interview", "uuid": first, "payload": interview_payload(world, receipt_code="HJKM-NPRT")},
        {"kind": "interview", "uuid": first, "payload": interview_payload(world, receipt_code="HJKM-NPRT", street="Anders")},
        {"kind": "interview", "uuid": second, "payload": interview_payload(world, receipt_code="HJKM-NPRT")},  # same code
        {"kind": "interview", "uuid": third, "payload": interview_payload(world)},
    ]
    results = check(api("POST", "/api/v1/batch", {"items": items}), "BatchResponse")["results"]
    assert [r["status"] for r in results] == [201, 409, 201, 201]
    codes = [results[0]["body"]["receipt_code"], results[2]["body"]["receipt_code"]]
    assert codes[0] == "HJKM-NPRT" and codes[1] != "HJKM-NPRT"  # a taken code is replaced, not refused
    stored = query(
        lambda: db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Interview)
            .where(Interview.uuid.in_([uuid.UUID(first), uuid.UUID(second), uuid.UUID(third)]))
        )
    )
    assert stored == 3
    answers = query(
        lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Answer).join(Interview).where(Interview.uuid == uuid.UUID(third)))
    )
    assert answers == 2
    again = check(api("POST", "/api/v1/batch", {"items": items[:1] + items[2:]}), "BatchResponse")["results"]
    assert [r["status"] for r in again] == [200, 200, 200]
    assert [r["body"] for r in again] == [results[0]["body"], results[2]["body"], results[3]["body"]]


def test_a_theme_archived_since_the_tablet_loaded_its_page_is_named_in_the_refusal(api, world, query):
    """A tablet out in the field still offers a theme the coordinator archived: the 422 names it."""
    from app.models import Code

    def archive() -> tuple[str, str]:
        code = db.session.scalars(sa.select(Code).where(Code.project_id == world.project_a.id, Code.archived.is_(False))).first()
        code.archived = True
        db.session.commit()
        return str(code.uuid), code.name

    code_uuid, name = query(archive)
    before = stored(query)
    response = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, tags=[code_uuid]))
    assert response.status_code == 422
    assert response.json["fields"]["tags"] == [f"Het veldthema {name} is niet meer in gebruik: vink het uit."]
    assert stored(query) == before
