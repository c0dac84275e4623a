"""Who was heard, by name: only where the project allows it, kept apart from the answers, seen only by
who may see people, and removed with the personal data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from lxml import html as lxml_html

from app.extensions import db
from app.models import Interview, NamedContact, Project
from app.residents import retention

from .test_sync_api import api, interview_payload  # noqa: F401 (api is a fixture)

NAMED = {"name": "Fatima el Amrani", "organisation": "Energiecoöperatie Poort"}


def allow(client, world, on: bool) -> None:
    client.login(world.coord_a.email)
    assert client.submit(f"/projects/{world.project_a.id}/edit", {"named_contacts": "y" if on else ""}).status_code == 302


def count(query) -> int:
    return query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(NamedContact)))


def test_a_project_that_does_not_name_people_refuses_names(api, world, query, client_factory):
    record = uuid.uuid4()
    refused = api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, named=NAMED))
    assert refused.status_code == 422 and "named.name" in refused.json["fields"]
    assert count(query) == 0 and query(lambda: db.session.scalar(sa.select(Interview).where(Interview.uuid == record))) is None
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    page = coordinator.get(f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new").text
    assert 'name="named_name"' not in page


def test_names_are_kept_apart_seen_by_who_may_see_people_and_removed_with_personal_data(api, world, query, client_factory):
    coordinator = client_factory()
    allow(coordinator, world, True)
    assert query(lambda: db.session.get(Project, world.project_a.id).named_contacts) is True
    page = lxml_html.fromstring(
        coordinator.get(f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new").text
    )
    assert page.xpath("//input[@name='named_name']") and page.xpath("//input[@name='named_organisation']")

    too_long = api("PUT", f"/api/v1/interviews/{uuid.uuid4()}", interview_payload(world, named={"name": "x" * 121}))
    assert too_long.status_code == 422 and "named.name" in too_long.json["fields"]
    record = uuid.uuid4()
    assert api("PUT", f"/api/v1/interviews/{record}", interview_payload(world, named=NAMED)).status_code == 201
    interview_id = query(lambda: db.session.scalar(sa.select(Interview.id).where(Interview.uuid == record)))
    assert count(query) == 1
    stored = query(lambda: db.session.scalar(sa.select(NamedContact).where(NamedContact.interview_id == interview_id)))
    assert (stored.name, stored.organisation) == (NAMED["name"], NAMED["organisation"])

    detail = f"/projects/{world.project_a.id}/interviews/{interview_id}"
    assert "Fatima el Amrani" in coordinator.get(detail).text
    viewer = client_factory()
    viewer.login(world.viewer_a.email)
    shown = viewer.get(detail)
    assert shown.status_code in (200, 403) and "Fatima el Amrani" not in shown.text

    # The personal-data retention ends: the name goes, the interview stays.
    later = datetime.now(UTC) + timedelta(days=31 * 13)
    result = query(lambda: (retention.purge(now=later), db.session.commit())[0])
    assert count(query) == 0
    assert query(lambda: db.session.scalar(sa.select(Interview.id).where(Interview.uuid == record))) == interview_id
    assert any(p.counts.get("named_contacts") == 1 for p in result.projects)
