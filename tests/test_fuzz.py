"""Generated bad input (Hypothesis) at every form, import and API operation in the URL map.

Each test fails on any 5xx, and on anything stored or changed by a request that was refused
(a 4xx): the whole database is fingerprinted before and after (the audit log and the session
records aside: a refused login is audited on purpose). Runs on SQLite and on PostgreSQL
(``TEST_DATABASE_URL``). The budget per target is ``FUZZ_EXAMPLES`` (default 6); examples are
derandomised so CI is repeatable — ``FUZZ_RANDOM=1`` explores new ones locally.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from datetime import UTC, datetime
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db

from .test_sync_api import NOW, api, interview_payload  # noqa: F401 (api is a fixture)
from .urlmap import routes, url_for_rule, world  # noqa: F401 (world is a fixture)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=list(HealthCheck),
)
UNTRACKED = {"audit_events", "user_sessions", "alembic_version"}
# Forms that end the fuzzing session or that a person cannot send by accident.
SKIPPED_ACTIONS = ("/logout", "/sessions/end", "/language")

# -- values ----------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "2147483647",
    "2147483648",
    "9" * 400,
    "1e999",
    "-1e999",
    "nan",
    "NaN",
    "inf",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:59:59-05:00",
    "<script>alert(1)</script>",
    '" onmouseover="x',
    "' OR 1=1 --",
    "%s%n%x",
    "{{7*7}}",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "\u202eevil",
    "😀" * 50,
    "a" * 20_000,
    "AC3D-EFHJ\n",
    "true",
    "[]",
    "{}",
    "null",
    "\x00",
    "a\x00b",
    "\x1b[31mrood\x1b[0m",
    "\r\n\r\n",
    "\t",
    "ß" * 300,
    "y",
    "on",
    "yes",
    "no",
]
form_value = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats().map(str),
    st.dates().map(str),
)
NASTY_JSON_STRINGS = ["\ud800", "a\udfffb", "\x00", "\x1b[2J", "9" * 5000, "x" * 30_000, "", " "]
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**90), max_value=2**90),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.sampled_from(NASTY + NASTY_JSON_STRINGS),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


json_value = json_value | st.sampled_from([deep(40), deep(300)])


def paths_of(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document a value can be put (keys of objects, items of lists)."""
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths_of(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths_of(value, (*prefix, index))
    return found


def mutated(document: Any, path: tuple[Any, ...], value: Any, drop: bool) -> Any:
    """A copy of ``document`` with the value at ``path`` replaced (or its key dropped)."""
    copy = json.loads(json.dumps(document))
    target = copy
    for step in path[:-1]:
        target = target[step]
    if drop and isinstance(target, dict):
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    return copy


def mutations(document: Any) -> Any:
    paths = paths_of(document)
    return st.tuples(st.sampled_from(paths), json_value, st.booleans()).map(lambda m: mutated(document, m[0], m[1], m[2] and m[1] is None))


def dumps(value: Any) -> bytes:
    """As a browser's JSON.stringify would send it, NaN and Infinity included as a careless client might."""
    return json.dumps(value).encode()


# -- the database, before and after ----------------------------------------------------------


def fingerprint() -> dict[str, str]:
    """A hash of every row of every table (but the audit log and session records)."""
    prints = {}
    for table in db.metadata.sorted_tables:
        if table.name in UNTRACKED:
            continue
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        prints[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    db.session.rollback()
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


CHECKED = {"requests": 0}


def check_answer(response: Any, before: dict[str, str], after: dict[str, str], what: str) -> None:
    CHECKED["requests"] += 1
    assert response.status_code < 500, f"{what}: {response.status_code}\n{response.text[:600]}"
    if 400 <= response.status_code < 500:
        assert changed(before, after) == [], f"{what} was refused ({response.status_code}) but changed {changed(before, after)}"


def attempt(test: Any, what: str) -> list[str]:
    """Run one target's generated test; its failure (the shrunk example) as text, so one run lists them all."""
    try:
        test()
    except Exception as error:  # reported, and the test fails below
        import traceback

        frames = [line for line in traceback.format_exception(error) if "/app/" in line]
        # A flaky failure (failed once, then passed) hides its cause in its sub-exceptions: show them.
        causes = [f"  caused by {type(e).__name__}: {str(e)[:600]}" for e in getattr(error, "exceptions", [])]
        return [f"{what}: {type(error).__name__}: {str(error)[:800]}\n{''.join(frames[-3:])}" + "\n".join(causes)]
    return []


# -- forms -----------------------------------------------------------------------------------


def forms_on(html: str, page_url: str) -> list[tuple[str, dict[str, str], list[str], set[str]]]:
    """(action, values the page puts in, file fields, select/option-only fields) per POST form."""
    found = []
    for form in lxml.html.fromstring(html).xpath("//form[translate(@method, 'POST', 'post')='post']"):
        action = form.get("action") or page_url
        if any(skip in action for skip in SKIPPED_ACTIONS):
            continue
        values: dict[str, str] = {}
        files = []
        for element in form.xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
            name = element.get("name")
            if name == "csrf_token":
                continue
            if element.tag == "input" and element.get("type") == "file":
                files.append(name)
            elif element.tag == "select":
                chosen = element.xpath(".//option[@selected]/@value") or element.xpath(".//option/@value")
                values[name] = chosen[0] if chosen else ""
            elif element.tag == "textarea":
                values[name] = element.text or ""
            elif element.get("type") in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    values[name] = element.get("value", "y")
            else:
                values[name] = element.get("value", "")
        found.append((action, values, files, set()))
    return found


def every_form(app, client, world) -> list[tuple[str, dict[str, str], list[str]]]:
    """Each distinct POST form on the GET pages a coordinator or an administrator opens."""
    seen: dict[tuple[str, tuple[str, ...]], tuple[str, dict[str, str], list[str]]] = {}
    for rule in routes(app):
        if "GET" not in (rule.methods or set()) or "<format>" in rule.rule or rule.rule.startswith("/api/"):
            continue
        url = url_for_rule(rule, world.own())
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for action, values, files, _ in forms_on(response.text, url):
            key = (action.split("?")[0], tuple(sorted([*values, *files])))
            seen.setdefault(key, (action, values, files))
    return list(seen.values())


def test_every_form_answers_generated_values_without_a_server_error(app, client, client_factory, world):
    client.login(world.admin.email)
    forms = every_form(app, client, world)
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    forms += [f for f in every_form(app, coordinator, world) if f[0] not in {a for a, _v, _f in forms}]
    assert len(forms) >= 40, f"the walk found only {len(forms)} forms"
    failures: list[str] = []
    for action, values, files in forms:
        sender = coordinator if "/admin/" not in action else client

        @FUZZ
        @given(
            st.fixed_dictionaries({name: st.one_of(st.just(value), form_value) for name, value in values.items()}),
            st.lists(st.binary(max_size=300), min_size=len(files), max_size=len(files)),
        )
        def post(data: dict[str, str], contents: list[bytes]) -> None:
            with app.app_context():
                before = fingerprint()
            body: dict[str, Any] = dict(data)
            for name, content in zip(files, contents, strict=True):
                body[name] = (io.BytesIO(content), "bestand.csv")
            response = sender.form_post(action, body, content_type="multipart/form-data" if files else None)
            with app.app_context():
                check_answer(response, before, fingerprint(), f"POST {action} {sorted(data)}")

        failures += attempt(post, f"POST {action}")
    print(f"{len(forms)} forms, {CHECKED['requests']} generated requests checked")
    assert not failures, "\n\n".join(failures)


# -- query strings ---------------------------------------------------------------------------

FILTER_NAMES = [
    "round",
    "area",
    "from",
    "to",
    "page",
    "pos",
    "question",
    "code",
    "q",
    "sentiment",
    "level",
    "sort",
    "dir",
    "period",
    "key",
    "before",
    "format",
    "interviewer",
    "version",
    "also",
    "answer",
    "respondent",
    "age",
    "status",
    "priority",
    "department",
    "next",
    "uncoded",
    "tagged",
    "delimiter",
    "section",
    "action",
    "user",
    "event",
]


def test_every_page_answers_generated_query_strings_without_a_server_error(app, client, world):
    client.login(world.coord_a.email)
    pages = [r for r in routes(app) if "GET" in (r.methods or set()) and not r.rule.startswith("/api/v1/openapi")]
    assert len(pages) > 50
    failures: list[str] = []
    for rule in pages:
        url = url_for_rule(rule, world.own())

        @settings(FUZZ, max_examples=max(2, EXAMPLES // 2))
        @given(st.dictionaries(st.sampled_from(FILTER_NAMES), st.one_of(st.sampled_from(NASTY), form_value), max_size=4))
        def get(args: dict[str, str]) -> None:
            response = client.get(url, query_string=args)
            assert response.status_code < 500, f"GET {url} {args}: {response.status_code}\n{response.text[:400]}"

        failures += attempt(get, f"GET {url}")
    assert not failures, "\n\n".join(failures)


# -- the sync API ----------------------------------------------------------------------------


def contribution_payload(world) -> dict[str, Any]:
    return {
        "client_version": 1,
        "project_id": world.project_a.id,
        "round_id": world.fieldwork_a["info_round_id"],
        "recorded_at": NOW.isoformat(),
        "text": "Meer groen",
        "area_id": None,
        "street": "Bachstraat",
        "tags": [],
        "receipt_code": None,
    }


def full_interview(world) -> dict[str, Any]:
    return interview_payload(
        world,
        area_id=None,
        gps={"lat": 52.37, "lon": 5.21, "accuracy": 8},
        respondent_type="resident",
        age_band=None,
        reflection={"surprised": "x", "resident_words": "y", "listening_level": None},
        contact={"name": "K", "email": "k@example.nl", "phone": "", "note": ""},
        receipt_code=None,
    )


def test_every_sync_operation_answers_generated_records_without_a_server_error(app, api, world):
    kinds = {"interviews": full_interview(world), "contributions": contribution_payload(world)}
    for kind, good in kinds.items():

        @FUZZ
        @given(mutations(good))
        def put(payload: Any) -> None:
            with app.app_context():
                before = fingerprint()
            response = api("PUT", f"/api/v1/{kind}/{uuid.uuid4()}", raw=dumps(payload))
            with app.app_context():
                check_answer(response, before, fingerprint(), f"PUT {kind} {payload!r:.300}")

        put()


def test_one_generated_bad_item_never_blocks_its_batch(app, api, world, query):
    from app.models import Contribution, Interview

    @FUZZ
    @given(mutations(full_interview(world)))
    def batch(bad: Any) -> None:
        first, middle, last = (str(uuid.uuid4()) for _ in range(3))
        items = [
            {"kind": "interview", "uuid": first, "payload": full_interview(world)},
            {"kind": "interview", "uuid": middle, "payload": bad},
            {"kind": "contribution", "uuid": last, "payload": contribution_payload(world)},
        ]
        response = api("POST", "/api/v1/batch", raw=dumps({"items": items}))
        assert response.status_code < 500, f"{bad!r:.300}: {response.text[:400]}"
        if response.status_code == 400:  # NaN or Infinity in the body: not JSON, nothing read
            assert "NaN" in dumps(bad).decode() or "Infinity" in dumps(bad).decode()
            return
        statuses = [r["status"] for r in response.json["results"]]
        assert statuses[0] == 201 and statuses[2] == 201, statuses
        stored = query(
            lambda: {
                str(u)
                for u in db.session.scalars(sa.select(Interview.uuid).where(Interview.uuid.in_([uuid.UUID(first), uuid.UUID(middle)])))
            }
        )
        assert first in stored and (middle in stored) == (statuses[1] in (200, 201))
        assert (
            query(
                lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Contribution).where(Contribution.uuid == uuid.UUID(last)))
            )
            == 1
        )

    batch()


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b'"x"', b"null", b'{"items": {}}', b'{"items": [1, "x", null]}'])
def test_batch_bodies_of_the_wrong_shape(api, body):
    response = api("POST", "/api/v1/batch", raw=body)
    assert response.status_code in (200, 400, 422) and response.is_json


# -- imports ---------------------------------------------------------------------------------


# A GeoJSON of outlines (a square wijk with a hole, in WGS 84) to mutate.
OUTLINES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"wijkcode": "WK003401", "naam": "Filmwijk", "path": "Almere Stad/Filmwijk"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[5.2, 52.37], [5.22, 52.37], [5.22, 52.38], [5.2, 52.38], [5.2, 52.37]],
                    [[5.205, 52.372], [5.206, 52.373], [5.207, 52.372], [5.205, 52.372]],
                ],
            },
        }
    ],
}


def upload(client, url: str, field: str, content: bytes, name: str) -> Any:
    return client.form_post(url, {field: (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_imports_answer_generated_files_without_a_server_error(app, client, world):
    client.login(world.coord_a.email)
    project = world.project_a.id
    guide = client.get(f"/projects/{project}/guides/{world.fieldwork_a['guide_id']}/versions/{world.fieldwork_a['version_id']}/export.json")
    assert guide.status_code == 200
    guide_document = guide.json
    backup = {
        "format": "buitenbinnen-outbox",
        "user": {"email": world.interviewer_a.email},
        "items": [{"kind": "interview", "uuid": str(uuid.uuid4()), "payload": full_interview(world)}],
    }
    csv_cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=30)).map(lambda v: v.replace("\x00", ""))
    csv_text = st.lists(st.lists(csv_cell, max_size=7), max_size=5).map(lambda rows: "\n".join(",".join(row) for row in rows))
    targets = [
        ("guide JSON", f"/projects/{project}/guides/import/json", "file", "gids.json", mutations(guide_document).map(dumps)),
        ("backup", f"/projects/{project}/sync/import", "file", "backup.json", mutations(backup).map(dumps)),
        (
            "codebook CSV",
            f"/projects/{project}/codebook/import",
            "import-file",
            "codeboek.csv",
            csv_text.map(lambda t: ("group,group_name,code,name,description\n" + t).encode()),
        ),
        (
            "areas CSV",
            f"/projects/{project}/areas/import",
            "file",
            "gebieden.csv",
            csv_text.map(lambda t: ("stadsdeel,wijk,buurt\n" + t).encode()),
        ),
        (
            "XLSForm",
            f"/projects/{project}/guides/import/xlsform",
            "file",
            "form.xlsx",
            st.lists(st.lists(st.one_of(csv_cell, st.integers(), st.none()), max_size=6), max_size=6).map(xlsform),
        ),
        ("anything", f"/projects/{project}/guides/import/xlsform", "file", "form.xlsx", st.binary(max_size=500)),
        ("area outlines", f"/projects/{project}/areas/outlines", "file", "wijken.geojson", mutations(OUTLINES).map(dumps)),
        ("outlines, anything", f"/projects/{project}/areas/outlines", "file", "wijken.geojson", st.binary(max_size=500)),
    ]
    failures: list[str] = []
    for what, url, field, name, contents in targets:

        @FUZZ
        @given(contents)
        def send(content: bytes) -> None:
            with app.app_context():
                before = fingerprint()
            response = upload(client, url, field, content, name)
            with app.app_context():
                check_answer(response, before, fingerprint(), f"{what} {content[:200]!r}")

        failures += attempt(send, what)
    assert not failures, "\n\n".join(failures)


def xlsform(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label", "relevant", "required"])
    for row in rows:
        sheet.append([v if not isinstance(v, str) else "".join(c for c in v if c >= " " or c in "\t\n") for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_fingerprint_sees_a_change(app, world):
    """The check above could not fail if the fingerprint missed writes: show that it does not."""
    from app.models import Project

    with app.app_context():
        before = fingerprint()
        db.session.get(Project, world.project_a.id).purpose = "Anders " + datetime.now(UTC).isoformat()
        db.session.commit()
        assert changed(before, fingerprint()) == ["projects"]
