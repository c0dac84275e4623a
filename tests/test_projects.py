"""Projects and their teams."""

from __future__ import annotations

import re

import lxml.html
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Membership, Project, Role


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


def audit(query, action):
    return query(
        lambda: [
            (e.object_type, e.project_id, e.details)
            for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ]
    )


PROJECT_FORM = {
    "name": "Groot onderhoud Muziekwijk Zuid 2027",
    "purpose": "Informatieronde en straatinterviews",
    "sponsor": "Directeur Stadsbeheer",
    "starts_on": "2027-01-11",
    "ends_on": "2027-06-30",
    "resident_text": "Wat u vertelt gebruiken we voor het onderhoudsplan.",
    "retention_months": "24",
    "small_numbers": "3",
    "respondent_types": ["resident", "entrepreneur", "passer_by"],
}


def test_an_admin_creates_a_project_and_becomes_its_coordinator(client, make_user, query):
    admin = make_user(is_admin=True)
    client.login(admin.email)
    response = client.form_post("/projects/new", PROJECT_FORM)
    assert response.status_code == 302
    project_id = int(response.location.rsplit("/", 1)[1])
    project = query(lambda: db.session.get(Project, project_id))
    assert (project.name, str(project.starts_on), project.retention_months) == (PROJECT_FORM["name"], "2027-01-11", 24)
    roles = query(
        lambda: db.session.execute(sa.select(Membership.user_id, Membership.role).where(Membership.project_id == project_id)).all()
    )
    assert roles == [(admin.id, Role.coordinator)]
    assert audit(query, "project.create") == [("Project", project_id, {"name": PROJECT_FORM["name"]})]
    page = client.get(response.location).text
    assert "Directeur Stadsbeheer" in page and "24 maanden" in page


def test_project_form_errors_are_shown_and_nothing_is_saved(client, make_user, query):
    client.login(make_user(is_admin=True).email)
    response = client.form_post("/projects/new", {**PROJECT_FORM, "name": "", "ends_on": "2026-01-01", "retention_months": "0"})
    assert response.status_code == 422
    assert "De einddatum ligt voor de startdatum." in response.text
    assert 'aria-invalid="true"' in response.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Project))) == 0


def test_editing_a_project_logs_what_changed(client, make_user, make_project, query):
    user = make_user()
    project = make_project(user, "Oud")
    client.login(user.email)
    response = client.form_post(f"/projects/{project.id}/edit", {**PROJECT_FORM, "name": "Nieuw", "retention_months": "12"})
    assert response.status_code == 302
    assert query(lambda: db.session.get(Project, project.id).name) == "Nieuw"
    ((_, _, details),) = audit(query, "project.update")
    assert details["changes"]["name"] == ["Oud", "Nieuw"]
    assert details["changes"]["retention_months"] == [24, 12]


def test_team_management(client, make_user, make_project, query):
    coordinator = make_user(name="Cor")
    colleague = make_user("ilse@almere.example", name="Ilse")
    project = make_project(coordinator)
    client.login(coordinator.email)
    url = f"/projects/{project.id}/members"

    assert client.form_post(url, {"email": "ILSE@almere.example", "role": "interviewer"}).status_code == 302
    again = client.form_post(url, {"email": "ilse@almere.example", "role": "viewer"})
    assert again.status_code == 422 and "al lid van het project" in again.text
    unknown = client.form_post(url, {"email": "nobody@almere.example", "role": "viewer"})
    assert unknown.status_code == 200 and "Geef deze link door aan nobody@almere.example" in unknown.text  # invited (no mail server)

    membership = query(lambda: db.session.scalar(sa.select(Membership).where(Membership.user_id == colleague.id)))
    assert membership.role == Role.interviewer
    client.form_post(f"{url}/{membership.id}/role", {f"m{membership.id}-role": "viewer"})
    assert query(lambda: db.session.get(Membership, membership.id).role) == Role.viewer
    client.form_post(f"{url}/{membership.id}/remove")
    assert query(lambda: db.session.get(Membership, membership.id)) is None

    actions = [a for a in ("membership.create", "membership.update", "membership.delete") if audit(query, a)]
    assert actions == ["membership.create", "membership.update", "membership.delete"]
    assert audit(query, "membership.update")[0][2] == {"user": "ilse@almere.example", "role": ["interviewer", "viewer"]}


def test_the_last_coordinator_stays(client, make_user, make_project, query):
    coordinator = make_user()
    project = make_project(coordinator)
    client.login(coordinator.email)
    own = query(lambda: db.session.scalar(sa.select(Membership).where(Membership.user_id == coordinator.id)))
    url = f"/projects/{project.id}/members/{own.id}"
    demote = client.form_post(f"{url}/role", {f"m{own.id}-role": "viewer"})
    assert demote.status_code == 422 and "minstens één coördinator" in demote.text
    remove = client.form_post(f"{url}/remove")
    assert remove.status_code == 422
    assert query(lambda: db.session.get(Membership, own.id).role) == Role.coordinator


def test_an_invalid_role_is_refused(client, make_user, make_project):
    coordinator = make_user()
    project = make_project(coordinator)
    client.login(coordinator.email)
    response = client.form_post(f"/projects/{project.id}/members", {"email": make_user().email, "role": "owner"})
    assert response.status_code == 422


def test_resident_text_is_escaped_everywhere(client, make_user, make_project):
    user = make_user()
    evil = '<script>alert("x")</script>" onmouseover="alert(1)'
    project = make_project(user, evil, purpose=evil, resident_text=evil, sponsor=evil)
    client.login(user.email)
    for url in ("/", f"/projects/{project.id}", f"/projects/{project.id}/edit"):
        body = client.get(url).text
        assert "<script>alert" not in body, url
        assert '" onmouseover="alert' not in body, url
    api = client.get("/api/v1/projects")  # JSON carries the text as data, never as HTML
    assert api.mimetype == "application/json" and api.headers["X-Content-Type-Options"] == "nosniff"
    assert api.json["projects"][0]["name"] == evil


def test_the_overview_shows_the_next_setup_step_and_the_tabs_follow_the_work(client, make_user, make_project, import_areas, query):
    from lxml import html as lxml_html

    coordinator = make_user()
    project = make_project(coordinator)
    client.login(coordinator.email)
    page = lxml_html.fromstring(client.get(f"/projects/{project.id}").text)
    steps = [" ".join(li.text_content().split()) for li in page.xpath("//ol[@class='checklist']/li")]
    assert steps == [
        "1 Gebieden importeren nog niet gedaan",
        "2 Interviewers aan het team toevoegen nog niet gedaan",
        "3 Een gespreksleidraad maken en publiceren nog niet gedaan",
        "4 Een ronde plannen nog niet gedaan",
    ]

    def next_step(page):
        return " ".join("".join(page.xpath("//section[@aria-labelledby='setup-heading']//p//text()")).split())

    assert next_step(page) == "Volgende stap: Gebieden importeren"
    # Six tabs in one row, in the order of the work; the pages of the open one beneath.
    tabs = [a.text_content().strip() for a in page.xpath("//nav[@class='tabs']//a")]
    assert tabs == ["Overzicht", "Opzet", "Veldwerk", "Codering", "Resultaten", "Bewoners & privacy"]
    import_areas(project, "stadsdeel,wijk\nAlmere Stad,Filmwijk\n")
    page = lxml_html.fromstring(client.get(f"/projects/{project.id}").text)
    assert next_step(page) == "Volgende stap: Interviewers aan het team toevoegen"
    members = lxml_html.fromstring(client.get(f"/projects/{project.id}/members").text)
    assert [a.text_content().strip() for a in members.xpath("//nav[@class='subtabs']//a")] == [
        "Gebieden",
        "Team",
        "Gespreksleidraden",
        "Elementen en ambitieniveaus",
        "Instellingen",
    ]


def test_an_interviewers_project_page_starts_an_interview(client, world):
    client.login(world.interviewer_a.email)
    html = client.get(f"/projects/{world.project_a.id}").text
    start = f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new"
    assert f'href="{start}"' in html and "Start een gesprek" in html and "Bijdragen noteren" in html
    assert "checklist" not in html  # setting up is the coordinator's


@pytest.mark.parametrize(
    ("page", "tab"),
    [
        ("rounds/{round_id}", "Rondes"),  # the round at work is capture's page, under the rounds tab
        ("rounds/{info_round_id}", "Rondes"),
        ("rounds/", "Rondes"),
        ("guides/{guide_id}", "Gespreksleidraden"),
        ("interviews/", "Gesprekken"),
        ("areas/", "Gebieden"),
    ],
)
def test_the_project_navigation_marks_the_tab_of_the_page(client, world, page, tab):
    client.login(world.coord_a.email)
    response = client.get(f"/projects/{world.project_a.id}/" + page.format(**world.fieldwork_a))
    assert response.status_code == 200
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', response.text)
    assert current == [tab], current


def test_each_project_offers_its_own_kinds_of_respondent(client, world, query):
    """Chosen in the project's settings; the interview form offers those, in order; none is refused;
    an interview keeps a kind the project no longer offers."""
    from app.models import Interview, RespondentType

    client.login(world.coord_a.email)
    project, ids = world.project_a, world.fieldwork_a
    settings = f"/projects/{project.id}/edit"
    offered = lxml.html.fromstring(client.get(settings).text).xpath("//input[@name='respondent_types' and @checked]/@value")
    assert offered == ["resident", "entrepreneur", "passer_by"]
    assert client.submit(settings, {"respondent_types": ["organisation", "initiator", "partner"]}).status_code == 302
    assert query(lambda: db.session.get(Project, project.id).respondent_types) == ["organisation", "initiator", "partner"]
    new = lxml.html.fromstring(client.get(f"/projects/{project.id}/rounds/{ids['round_id']}/interviews/new").text)
    assert new.xpath("//input[@name='respondent_type']/@value") == ["organisation", "initiator", "partner"]
    assert [t.strip() for t in new.xpath("//input[@name='respondent_type']/following-sibling::span/text()")] == [
        "Organisatie",
        "Initiatiefnemer",
        "Partner",
    ]
    refused = client.submit(settings, {"respondent_types": []})
    assert refused.status_code == 422 and "Kies minstens één soort respondent." in refused.text
    assert query(lambda: db.session.get(Project, project.id).respondent_types) == ["organisation", "initiator", "partner"]

    query(
        lambda: (
            db.session.get(Interview, ids["interview_id"]).__setattr__("respondent_type", RespondentType.resident),
            db.session.commit(),
        )
    )
    correcting = lxml.html.fromstring(client.get(f"/projects/{project.id}/interviews/{ids['interview_id']}/edit").text)
    assert correcting.xpath("//input[@name='respondent_type' and @checked]/@value") == ["resident"]
