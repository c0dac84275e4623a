"""The installable app: service worker, manifest, offline and device pages, backup import."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Interview
from app.offline import assets

NOW = datetime.now(UTC)


def test_the_service_worker_is_served_from_the_root_uncached_and_versioned(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    script = response.text
    assert "__VERSION__" not in script and "__SHELL__" not in script
    assert '"/static/js/store.js"' in script and '"/offline"' in script
    app.config["BUILD_LABEL"] = "-next"
    assert client.get("/sw.js").text != script  # a new deploy label is a new service worker


def test_the_manifest_and_icons(client):
    manifest = client.get("/static/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.data)
    assert data["display"] == "standalone" and data["start_url"] == "/"
    for icon in data["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"]
        response.close()
    manifest.close()


def test_offline_and_device_pages(client, make_user):
    assert client.get("/offline").status_code == 200
    assert client.get("/device").status_code == 302  # a person's own device page needs a login
    client.login(make_user().email)
    page = client.get("/device").text
    assert "Nog te versturen downloaden" in page and 'src="/static/js/device.js"' in page
    assert 'rel="manifest"' in page and 'src="/static/js/sync.js"' in page


def backup(world, *payloads):
    return {
        "format": "buitenbinnen-outbox",
        "exported_at": NOW.isoformat(),
        "user": {"id": world.interviewer_a.id, "email": world.interviewer_a.email},
        "items": [{"kind": kind, "uuid": record, "payload": payload} for kind, record, payload in payloads],
    }


def upload(client, world, document):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.form_post(
        f"/projects/{world.project_a.id}/sync/import",
        {"file": (io.BytesIO(data), "backup.json")},
        content_type="multipart/form-data",
    )


def test_a_coordinator_imports_a_device_backup_idempotently(client, world, query):
    ids = world.fieldwork_a
    good = str(uuid.uuid4())
    interview = {
        "project_id": world.project_a.id,
        "round_id": ids["round_id"],
        "guide_version_id": ids["version_id"],
        "consent": True,
        "started_at": (NOW - timedelta(minutes=9)).isoformat(),
        "ended_at": NOW.isoformat(),
        "answers": {"tevreden": 5},
    }
    document = backup(
        world,
        ("interview", good, interview),
        ("interview", str(uuid.uuid4()), {**interview, "consent": False}),
        ("interview", str(uuid.uuid4()), {**interview, "project_id": world.project_b.id}),
        (
            "contribution",
            str(uuid.uuid4()),
            {"project_id": world.project_a.id, "round_id": ids["info_round_id"], "recorded_at": NOW.isoformat(), "text": "Uit de back-up"},
        ),
    )
    client.login(world.coord_a.email)
    first = upload(client, world, document)
    assert first.status_code == 200
    assert "2 van de 4 gesprekken en bijdragen staan nu in het project." in first.text
    assert "Leg eerst de toestemming van de bewoner vast." in first.text and "hoort bij een ander project" in first.text
    stored = query(lambda: db.session.scalar(sa.select(Interview).where(Interview.uuid == uuid.UUID(good))))
    assert stored.interviewer_id == world.interviewer_a.id  # recorded by the device's user, not the coordinator
    again = upload(client, world, document)
    assert "was al opgeslagen" in again.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == uuid.UUID(good)))) == 1
    imports = query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "sync.import")).all())
    assert [d["stored"] for d in imports] == [2, 2]


def test_a_file_that_is_not_a_backup_is_refused(client, world):
    client.login(world.coord_a.email)
    for content in (b"niet json", json.dumps({"format": "iets anders", "items": []}).encode()):
        response = upload(client, world, content)
        assert response.status_code == 422 and "Dit is geen reservekopie van Buitenbinnen." in response.text


def test_every_script_and_style_the_kept_pages_use_is_in_the_shell(client, world):
    """Offline, the service worker answers /static/ from the shell it installed: a script a kept page
    loads (or one such a script imports) that is not in the shell does not run without a network
    (as happened to the language switch and the resident's self-completion)."""
    client.login(world.interviewer_a.email)
    pages = client.get("/api/v1/bundle").json["pages"]
    assert any(page.endswith("/interviews/new") for page in pages)
    shell = set(assets.SHELL_FILES)
    needed: set[str] = set()
    for page in pages:
        html = client.get(page).text
        needed |= set(re.findall(r'<script[^>]* src="/static/([^"?]+)', html))
        needed |= set(re.findall(r'<link rel="stylesheet" href="/static/([^"?]+)', html))
    assert "js/capture.js" in needed and "css/app.css" in needed
    seen: set[str] = set()
    while needed - seen:
        name = sorted(needed - seen)[0]
        seen.add(name)
        if name.endswith(".js"):
            source = (assets.STATIC / name).read_text(encoding="utf-8")
            for imported in re.findall(r'(?:from |import\()\s*"\./([\w.-]+\.js)"', source):
                needed.add(f"js/{imported}")
    assert sorted(needed - shell) == []
