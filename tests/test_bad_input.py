"""Bad values found by a probe of the running app: each answered 500 or was stored as garbage.

Each is now a clear 4xx that stores nothing; one bad item of a batch is that item's own 422.
(The generated search for more of them is tests/test_fuzz.py.)
"""

from __future__ import annotations

import io
import json
import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Code, Contribution, Interview

from .test_sync_api import NOW, api, interview_payload, stored  # noqa: F401 (api is a fixture)


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


SURROGATE = "\ud800"


def contribution_payload(world, **changes):
    payload = {
        "project_id": world.project_a.id,
        "round_id": world.fieldwork_a["info_round_id"],
        "recorded_at": NOW.isoformat(),
        "text": "Meer groen",
    }
    payload.update(changes)
    return payload


def raw_json(value) -> bytes:
    """JSON as a browser's JSON.stringify would send it (lone surrogates as \\ud800 escapes)."""
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    "bad",
    [
        {"street": "Bach" + SURROGATE},  # a lone surrogate (a broken emoji)
        {"area_id": 10**20},  # JSON.stringify(1e20)
        {"area_id": 2**31},  # beyond PostgreSQL's integer
        {"answers": {"tevreden": 10**400}},
        {"gps": {"lat": 10**400, "lon": 5}},
        {"started_at": "0001-01-01T00:30:00+01:00"},
        {"street": "Bach\x00straat"},
        {"street": "\x1b[31mrood\x1b[0m"},
        {"answers": {"verbeteren": "a\x00b"}},
    ],
)
def test_one_bad_item_never_blocks_the_rest_of_its_batch(api, world, query, bad):
    before = stored(query)
    good, wrong, after = (str(uuid.uuid4()) for _ in range(3))
    items = [
        {"kind": "interview", "uuid": good, "payload": interview_payload(world)},
        {"kind": "interview", "uuid": wrong, "payload": interview_payload(world, **bad)},
        {"kind": "contribution", "uuid": after, "payload": contribution_payload(world)},
    ]
    response = api("POST", "/api/v1/batch", raw=raw_json({"items": items}))
    assert response.status_code == 200, response.text[:300]
    assert [r["status"] for r in response.json["results"]] == [201, 422, 201]
    assert response.json["results"][1]["body"]["fields"]
    uuids = {uuid.UUID(good), uuid.UUID(wrong)}
    assert query(lambda: db.session.scalars(sa.select(Interview.uuid).where(Interview.uuid.in_(uuids))).all()) == [uuid.UUID(good)]
    alone = api("PUT", f"/api/v1/interviews/{wrong}", raw=raw_json(interview_payload(world, **bad)))
    assert alone.status_code == 422
    assert stored(query) == before + 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("street", ["Bachstraat"]),
        ("street", {"naam": "Bachstraat"}),
        ("street", True),
        ("street", 12),
        ("reflection", {"surprised": ["iets"]}),
        ("contact", {"name": {"a": 1}, "email": "a@example.nl"}),
        ("contact", {"email": ["kees@example.nl"]}),
        ("receipt_code", ["AC3D-EFHJ"]),
    ],
)
def test_text_fields_take_text_and_nothing_turned_into_text(api, world, query, field, value):
    before = stored(query)
    response = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, **{field: value}))
    assert response.status_code == 422
    assert any(key.startswith(field) for key in response.json["fields"])
    assert stored(query) == before


@pytest.mark.parametrize("text", [["Meer groen"], {"t": "x"}, False, 3.5, "Meer\x00groen", "\x1b]0;titel\x07"])
def test_a_contribution_is_text(api, world, query, text):
    before = stored(query, Contribution)
    response = api("PUT", f"/api/v1/contributions/{uuid.uuid4()}", contribution_payload(world, text=text))
    assert response.status_code == 422 and "text" in response.json["fields"]
    assert stored(query, Contribution) == before


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the parser's recursion
        b'{"items": NaN}',
        b'{"a": Infinity}',
        b"\xff\xfe{}",
    ],
)
def test_bodies_that_are_not_json_as_the_standard_has_it(api, body):
    response = api("POST", "/api/v1/batch", raw=body)
    assert response.status_code == 400 and response.is_json


def test_nesting_deep_but_parsable_is_refused_per_record(api, world, query):
    before = stored(query)
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    response = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, street=deep))
    assert response.status_code == 422
    assert stored(query) == before


@pytest.mark.parametrize(
    "url",
    [
        "/info/%00",
        "/info/AC3D%1BEFHJ",
        "/projects?x=%00",
        "/login?next=%00",
    ],
)
def test_control_characters_in_addresses_are_refused(client, url):
    assert client.get(url).status_code == 400


def test_control_characters_in_a_form_store_nothing(client, world, query):
    client.login(world.coord_a.email)
    before = query(lambda: db.session.execute(sa.select(sa.text("name")).select_from(sa.text("projects")).order_by(sa.text("id"))).all())
    response = client.form_post(f"/projects/{world.project_a.id}/edit", {"name": "Nieuw\x00naam", "purpose": "Doel"})
    assert response.status_code == 400
    after = query(lambda: db.session.execute(sa.select(sa.text("name")).select_from(sa.text("projects")).order_by(sa.text("id"))).all())
    assert before == after


@pytest.mark.parametrize(
    ("csv_text", "problem"),
    [
        ("group,group_name,code,name,description\nGRN,Groen\n", "Regel 2:"),  # short: no code
        ("group,group_name,code,name,description\nGRN,Groen,GRN-A,A,,extra,velden\n", "Regel 2:"),
        ('group,group_name,code,name,description\nGRN,Groen,GRN-A,"A,\n', "Regel 2:"),  # an unterminated quote
        ("group,group_name,code,name,description\nGRN,Groen,GRN-A,A," + "x" * 200_000 + "\n", "Regel 2:"),
        ("group,group_name,code,name,description\nGRN,Groen,GRN-A,A\x00B,\n", "Regel 2:"),
    ],
)
def test_codebook_csv_lines_that_cannot_be_read(client, world, query, csv_text, problem):
    client.login(world.coord_a.email)
    project = world.project_a
    count = lambda: query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Code).where(Code.project_id == project.id)))  # noqa: E731
    before = count()
    response = client.form_post(
        f"/projects/{project.id}/codebook/import",
        {"import-file": (io.BytesIO(csv_text.encode()), "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and problem in response.text
    assert count() == before


@pytest.mark.parametrize(
    "document",
    [
        {"format": "buitenbinnen-outbox", "user": "nobody", "items": []},
        {"format": "buitenbinnen-outbox", "user": {"email": ["a@b.nl"]}, "items": [{"kind": "interview", "uuid": {"x": 1}, "payload": []}]},
        b'{"format": "buitenbinnen-outbox", "items": [NaN]}',
        b"[" * 50_000,
    ],
)
def test_backup_files_that_are_odd_are_answered_not_crashed_on(client, world, query, document):
    client.login(world.coord_a.email)
    before = stored(query)
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    response = client.form_post(
        f"/projects/{world.project_a.id}/sync/import", {"file": (io.BytesIO(data), "backup.json")}, content_type="multipart/form-data"
    )
    assert response.status_code in (200, 422)
    assert stored(query) == before


@pytest.mark.parametrize(
    ("method", "url"), [("TRACE", "/"), ("TRACE", "/api/v1/openapi.json"), ("DELETE", "/login"), ("PATCH", "/api/v1/batch")]
)
def test_a_method_not_allowed_says_which_are(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert "GET" in allowed or "POST" in allowed
    assert method not in allowed


def test_a_batch_the_database_refuses_goes_again_item_by_item(api, world, query, monkeypatch):
    """Validation lets nothing through a table refuses; should the database refuse something all the same
    (here: injected into the bulk insert and into one record's own insert), the rest is still stored."""
    import sqlalchemy.exc

    from app.capture import services as capture

    refused = str(uuid.uuid4())
    real_record_interview = capture.record_interview

    def bulk_fails(entries):
        raise sqlalchemy.exc.DataError("INSERT", {}, Exception("value out of range"))

    def one_fails(project, round_, version, user, clean, **kwargs):
        if str(clean.uuid) == refused:
            raise sqlalchemy.exc.DataError("INSERT", {}, Exception("value out of range"))
        return real_record_interview(project, round_, version, user, clean, **kwargs)

    monkeypatch.setattr(capture, "record_interviews", bulk_fails)
    monkeypatch.setattr(capture, "record_interview", one_fails)
    before = stored(query)
    good = [str(uuid.uuid4()) for _ in range(2)]
    items = [
        {"kind": "interview", "uuid": good[0], "payload": interview_payload(world)},
        {"kind": "interview", "uuid": refused, "payload": interview_payload(world)},
        {"kind": "contribution", "uuid": good[1], "payload": contribution_payload(world)},
    ]
    response = api("POST", "/api/v1/batch", {"items": items})
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == [201, 422, 201]
    assert stored(query) == before + 1 and stored(query, Contribution) >= 1
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == uuid.UUID(refused)))) == 0
    )


# "²" and "١" are digits to str.isdigit(), and int("²") raises: every id and number read from a
# request goes through ASCII digits only.
@pytest.mark.parametrize("digits", ["²", "¹²", "١٢", "9" * 11])
def test_digits_that_are_not_ascii_name_nothing(app, world, digits):
    from app.coding.services import parse_input_key, span_from_form
    from app.inputs import database_id

    assert database_id(digits) is None
    with app.test_request_context():
        project = db.session.get(type(world.project_a), world.project_a.id)
        assert parse_input_key(project, f"answer:{digits}") is None
    assert span_from_form("Meer groen", digits, "4", None) == (None, None)


def test_an_area_written_in_other_digits_is_a_422(api, world, query):
    before = stored(query)
    response = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", raw=raw_json(interview_payload(world, area_id="²")))
    assert response.status_code == 422 and "area_id" in response.json["fields"]
    assert stored(query) == before


def test_a_bulk_coding_of_other_digits_stores_nothing(client, world, query):
    client.login(world.coord_a.email)
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("codings"))))
    code_id = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_a.id)))
    response = client.form_post(f"/projects/{world.project_a.id}/coding/", {"inputs": "answer:²", "code": str(code_id), "sentiment": ""})
    assert response.status_code in (302, 400, 422)
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("codings")))) == before


@pytest.mark.parametrize("months", ["9" * 400, "-" + "9" * 30, "1" + "0" * 16])
def test_a_number_too_long_for_any_field_is_a_clear_refusal(client, world, query, months):
    """WTForms' NumberRange calls math.isnan on the number: 10**400 raised OverflowError (a 500)."""
    client.login(world.coord_a.email)
    project = world.project_a
    before = query(lambda: db.session.execute(sa.text("SELECT retention_months FROM projects WHERE id = :id"), {"id": project.id}).scalar())
    response = client.form_post(
        f"/projects/{project.id}/edit", {"name": "Naam", "retention_months": months, "personal_retention_months": "6", "small_numbers": "3"}
    )
    assert response.status_code in (400, 422)
    after = query(lambda: db.session.execute(sa.text("SELECT retention_months FROM projects WHERE id = :id"), {"id": project.id}).scalar())
    assert after == before
