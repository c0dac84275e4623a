"""How an interview was taken (talk, self-completion, paper), the printable paper version of a round's
guide, and typing a paper form in; bad values refused with nothing stored."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from lxml import html as lxml_html

from app.extensions import db
from app.models import Interview

from .test_sync_api import api, interview_payload  # noqa: F401 (api is a fixture)


def test_the_sync_api_keeps_how_an_interview_was_taken(api, world, query):
    for mode in ("self", "paper"):
        record = uuid.uuid4()
        assert api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, mode=mode)).status_code == 201
        assert query(lambda r=record: db.session.scalar(sa.select(Interview.mode).where(Interview.uuid == r))) == mode
    plain = uuid.uuid4()
    assert api("PUT", f"/api/v1/interviews/{plain}", interview_payload(world)).status_code == 201
    assert query(lambda: db.session.scalar(sa.select(Interview.mode).where(Interview.uuid == plain))) == "talk"
    for bad in ("telepathy", 3, ["self"]):
        record = uuid.uuid4()
        refused = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, mode=bad))
        assert refused.status_code == 422 and "mode" in refused.json["fields"], (bad, refused.json)
        assert query(lambda r=record: db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.uuid == r))) == 0


def test_the_paper_version_of_a_rounds_guide(client, world):
    client.login(world.interviewer_a.email)
    project, ids = world.project_a, world.fieldwork_a
    page = client.get(f"/projects/{project.id}/rounds/{ids['round_id']}/paper")
    assert page.status_code == 200
    text = lxml_html.fromstring(page.text).xpath("string(//main)")
    assert "Hoe tevreden bent u?" in text and "☐ 1" in text and "☐ 5" in text
    assert "Ik heb dit gelezen en doe mee." in text
    viewer = client.application.test_client()
    viewer.__class__ = client.__class__
    viewer.login(world.viewer_a.email)
    assert viewer.get(f"/projects/{project.id}/rounds/{ids['round_id']}/paper").status_code == 403
    assert client.get(f"/projects/{project.id}/rounds/{ids['info_round_id']}/paper").status_code == 404  # no guide


def test_a_paper_form_typed_in_keeps_its_day(client, world, query):
    client.login(world.interviewer_a.email)
    project, ids = world.project_a, world.fieldwork_a
    url = f"/projects/{project.id}/rounds/{ids['round_id']}/interviews/new?paper=1"
    page = lxml_html.fromstring(client.get(url).text)
    assert page.xpath("string(//h1)") == "Papieren versie invoeren"
    assert page.xpath("//input[@name='mode']/@value") == ["paper"]
    question = query(lambda: db.session.get(Interview, ids["interview_id"]).guide_version.questions)
    fields = {f"q_{q.id}": value for q, value in zip(question, ("4", "Op papier geschreven: meer bankjes."), strict=False)}
    response = client.submit(url, {"filled_on": "2026-11-14", "consent": "y", **fields})
    assert response.status_code == 302, response.text[:500]
    stored = query(lambda: db.session.scalars(sa.select(Interview).where(Interview.mode == "paper")).one())
    assert stored.started_at.date().isoformat() == "2026-11-14" and stored.started_at.hour == 11  # noon in Amsterdam
