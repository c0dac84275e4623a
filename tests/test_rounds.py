"""Planning rounds: street interviews and information rounds."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Area, InfoFormat, Round, RoundKind


def test_plan_street_interviews_with_areas_and_interviewers(client, world, query):
    client.login(world.coord_a.email)
    area = query(lambda: db.session.scalar(sa.select(Area.id).where(Area.project_id == world.project_a.id, Area.name == "Filmwijk")))
    page = client.get(f"/projects/{world.project_a.id}/rounds/new/street")
    assert page.status_code == 200 and "Almere Stad › Filmwijk" in page.text
    response = client.submit(
        f"/projects/{world.project_a.id}/rounds/new/street",
        {
            "name": "Straatinterviews ronde 1",
            "guide_id": str(world.fieldwork_a["guide_id"]),
            "starts_on": "2027-01-11",
            "ends_on": "2027-02-28",
            "area_ids": [str(area)],
            "interviewer_ids": [str(world.interviewer_a.id)],
        },
    )
    assert response.status_code == 302
    round_ = query(lambda: db.session.scalar(sa.select(Round).where(Round.name == "Straatinterviews ronde 1")))
    assert (round_.kind, str(round_.starts_on), round_.info_format) == (RoundKind.street, "2027-01-11", None)
    assert query(lambda: [a.name for a in db.session.get(Round, round_.id).areas]) == ["Filmwijk"]
    assert query(lambda: [u.id for u in db.session.get(Round, round_.id).interviewers]) == [world.interviewer_a.id]
    # Edited through its own page: what it shows is what it saves.
    edited = client.submit(
        f"/projects/{world.project_a.id}/rounds/{round_.id}/edit", {"name": "Straatgesprekken ronde 1", "ends_on": "2027-03-14"}
    )
    assert edited.status_code == 302, edited.text
    assert query(lambda: (db.session.get(Round, round_.id).name, str(db.session.get(Round, round_.id).ends_on))) == (
        "Straatgesprekken ronde 1",
        "2027-03-14",
    )
    assert query(lambda: [a.name for a in db.session.get(Round, round_.id).areas]) == ["Filmwijk"]


def test_a_round_form_shows_only_its_own_kind(client, world):
    client.login(world.coord_a.email)
    street = client.get(f"/projects/{world.project_a.id}/rounds/new/street").text
    info = client.get(f"/projects/{world.project_a.id}/rounds/new/info").text
    assert 'name="info_format"' not in street and 'name="starts_on"' in street
    assert 'name="info_format"' in info and 'name="area_ids"' not in info


def test_street_interviews_need_a_published_guide_and_a_sane_period(client, world, make_fieldwork, query):
    client.login(world.coord_a.email)
    url = f"/projects/{world.project_a.id}/rounds/new/street"
    no_guide = client.form_post(url, {"name": "Zonder", "guide_id": ""})
    assert no_guide.status_code == 422 and "hebben een gepubliceerde gespreksleidraad nodig" in no_guide.text
    foreign = client.form_post(url, {"name": "Vreemd", "guide_id": str(world.fieldwork_b["guide_id"])})
    assert foreign.status_code == 422 and "Kies een gepubliceerde gespreksleidraad van dit project." in foreign.text
    backwards = client.form_post(
        url, {"name": "Achterstevoren", "guide_id": str(world.fieldwork_a["guide_id"]), "starts_on": "2027-03-01", "ends_on": "2027-02-01"}
    )
    assert backwards.status_code == 422 and "De einddatum ligt voor de startdatum." in backwards.text
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Round).where(Round.project_id == world.project_a.id))) == 2
    )


def test_plan_and_edit_an_information_round(client, world, query):
    client.login(world.coord_a.email)
    response = client.submit(
        f"/projects/{world.project_a.id}/rounds/new/info",
        {
            "name": "Wijkschouw Filmwijk",
            "info_format": "walk",
            "place": "Verzamelen bij het Filmpad",
            "starts_at": "2027-04-12T19:30",
            "guide_id": "",
        },
    )
    assert response.status_code == 302
    round_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    round_ = query(lambda: db.session.get(Round, round_id))
    assert (round_.kind, round_.info_format, round_.guide_id) == (RoundKind.info, InfoFormat.walk, None)
    assert round_.starts_at.isoformat() == "2027-04-12T17:30:00+00:00"  # 19:30 in Amsterdam, summer time
    edit = client.get(f"/projects/{world.project_a.id}/rounds/{round_id}/edit")
    assert 'value="2027-04-12T19:30"' in edit.text
    assert (
        client.submit(
            f"/projects/{world.project_a.id}/rounds/{round_id}/edit", {"info_format": "drop_in", "place": "Wijkcentrum"}
        ).status_code
        == 302
    )
    assert query(lambda: db.session.get(Round, round_id).info_format) == InfoFormat.drop_in


def test_the_information_round_page_title_is_plain_text(client, world):
    client.login(world.coord_a.email)
    html = client.get(f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['info_round_id']}").text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "Bewonersavond" in title
    assert html.count("js/capture.js") == 1


def test_session_details_sent_later_by_the_tablet_answer_in_json(client, world, query):
    """What the tablet kept offline arrives as a form post asking for JSON (token in the header)."""
    client.login(world.interviewer_a.email)
    url = f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['info_round_id']}/session"
    headers = {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}
    bad = client.post(url, data={"attendee_count": "-4"}, headers=headers)
    assert bad.status_code == 422 and "attendee_count" in bad.json["errors"]
    assert query(lambda: db.session.get(Round, world.fieldwork_a["info_round_id"]).attendee_count) is None
    good = client.post(url, data={"attendee_count": "23", "session_notes": "Veel vragen"}, headers=headers)
    assert good.status_code == 200 and good.json == {"saved": True, "attendee_count": 23}
    assert client.post(url, data={"attendee_count": "5"}, headers={"Accept": "application/json"}).status_code == 400  # no token
