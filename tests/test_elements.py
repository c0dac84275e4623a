"""Elements and target levels: set through the page a coordinator sees, per project and per area."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from app.extensions import db
from app.models import AreaTarget, AuditEvent, Element

AREAS = "stadsdeel,wijk,buurt\nAlmere Stad,Filmwijk,Filmwijk Noord\nAlmere Stad,Filmwijk,Filmwijk Zuid\nAlmere Haven,De Werven,\n"


@pytest.fixture
def project(client, make_user, make_project, import_areas):
    user = make_user(language="nl")
    project = make_project(user)
    import_areas(project, AREAS)
    client.login(user.email)
    return project


def elements(query, project):
    return query(lambda: {e.key: (e.id, e.target) for e in db.session.scalars(sa.select(Element).where(Element.project_id == project.id))})


def area_id(query, project, name):
    from app.models import Area

    return query(lambda: db.session.scalar(sa.select(Area.id).where(Area.project_id == project.id, Area.name == name)))


def test_a_new_project_has_the_crow_catalogue_without_targets(project, query):
    found = elements(query, project)
    assert len(found) == 16 and "verlichting" in found and "graffiti" in found
    assert {target for _id, target in found.values()} == {None}


def test_the_coordinator_sets_project_and_area_targets_on_the_page(client, project, query):
    found = elements(query, project)
    url = f"/projects/{project.id}/elements/"
    page = lxml_html.fromstring(client.get(url).text)
    assert "Elementen en ambitieniveaus" in page.xpath("string(//h2)")
    assert page.xpath(f"//label[@for='e{found['gras'][0]}']")[0].text_content() == "Gazon en bermen"

    response = client.submit(url, {f"e{found['gras'][0]}": "B", f"e{found['bomen'][0]}": "A"}, form="//form[contains(@action, 'targets')]")
    assert response.status_code == 302
    now = elements(query, project)
    assert now["gras"][1] == "B" and now["bomen"][1] == "A" and now["verlichting"][1] is None

    filmwijk = area_id(query, project, "Filmwijk")
    area_url = f"/projects/{project.id}/elements/?area={filmwijk}"
    page = lxml_html.fromstring(client.get(area_url).text)
    # An area without its own level shows what holds from above.
    assert page.xpath(f"string(//select[@name='e{found['gras'][0]}']/option[@value=''])") == "Zoals daarboven: B basis"
    response = client.submit(area_url, {f"e{found['gras'][0]}": "A+"}, form="//form[contains(@action, 'targets')]")
    assert response.status_code == 302
    assert query(lambda: [(t.element_id, t.area_id, t.level) for t in db.session.scalars(sa.select(AreaTarget))]) == [
        (found["gras"][0], filmwijk, "A+")
    ]
    events = query(lambda: [e.details for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "elements.targets"))])
    assert events[-1] == {"area": "Almere Stad/Filmwijk", "changed": {"gras": [None, "A+"]}}

    from app.elements.services import targets_of
    from app.models import Project

    def levels():
        targets = targets_of(db.session.get(Project, project.id))
        return [targets.level(found["gras"][0], area_id(query, project, n)) for n in ("Filmwijk Noord", "De Werven")] + [
            targets.level(found["gras"][0], None)
        ]

    assert query(levels) == ["A+", "B", "B"]  # a buurt inherits its wijk's level; elsewhere the project's

    # Back to "as above": the area's own level is removed.
    client.submit(area_url, {f"e{found['gras'][0]}": ""}, form="//form[contains(@action, 'targets')]")
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(AreaTarget))) == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(level=st.text(max_size=5).filter(lambda v: v not in ("", "A+", "A", "B", "C", "D")))
def test_a_level_that_is_not_on_the_scale_is_refused_and_nothing_changes(client, project, query, level):
    found = elements(query, project)
    response = client.form_post(f"/projects/{project.id}/elements/targets", {f"e{found['gras'][0]}": level, f"e{found['bomen'][0]}": "A"})
    assert response.status_code in (400, 422)  # 400: control characters, refused for every form
    assert elements(query, project) == found


def test_an_area_of_another_project_is_not_found(client, project, make_user, make_project, import_areas, query):
    other = make_project(make_user())
    import_areas(other, AREAS)
    foreign = area_id(query, other, "Filmwijk")
    assert client.get(f"/projects/{project.id}/elements/?area={foreign}").status_code == 404
    assert client.form_post(f"/projects/{project.id}/elements/targets?area={foreign}", {}).status_code == 404
    foreign_element = next(iter(elements(query, other).values()))[0]
    assert client.get(f"/projects/{project.id}/elements/{foreign_element}").status_code == 404


def test_viewers_read_the_targets_but_cannot_change_them(client, project, make_user, add_member, query):
    found = elements(query, project)
    assert (
        client.submit(
            f"/projects/{project.id}/elements/", {f"e{found['gras'][0]}": "C"}, form="//form[contains(@action, 'targets')]"
        ).status_code
        == 302
    )
    viewer = make_user(language="nl")
    add_member(project, viewer, "viewer")
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(viewer.email)
    page = lxml_html.fromstring(client.get(f"/projects/{project.id}/elements/").text)
    assert not page.xpath("//select[starts-with(@name, 'e')]") and "C laag" in page.text_content()
    assert client.form_post(f"/projects/{project.id}/elements/targets", {f"e{found['gras'][0]}": "A"}).status_code == 403
    assert elements(query, project)["gras"][1] == "C"


def test_add_rename_and_archive_an_element_and_the_guide_editor_offers_it(client, project, query):
    url = f"/projects/{project.id}/elements/"
    response = client.submit(url, {"new-name": "Fietsenstallingen", "new-group": "Meubilair"}, form="//form[contains(@action, 'new')]")
    assert response.status_code == 302
    element_id, _target = elements(query, project)["fietsenstallingen"]
    assert client.submit(url, {"new-name": ""}, form="//form[contains(@action, 'new')]").status_code == 422

    from app.models import Guide

    client.form_post(f"/projects/{project.id}/guides/new", {"name": "Leidraad"})
    guide_id = query(lambda: db.session.scalar(sa.select(Guide.id).where(Guide.project_id == project.id)))
    editor = lxml_html.fromstring(client.get(f"/projects/{project.id}/guides/{guide_id}").text)
    assert "Fietsenstallingen" in editor.xpath("//select[contains(@name, '-element')]/option/text()")

    client.submit(f"/projects/{project.id}/elements/{element_id}", {"name": "Fietsparkeren", "archived": "y"})
    assert query(lambda: (db.session.get(Element, element_id).name, db.session.get(Element, element_id).archived)) == (
        "Fietsparkeren",
        True,
    )
    editor = lxml_html.fromstring(client.get(f"/projects/{project.id}/guides/{guide_id}").text)
    assert "Fietsparkeren" not in editor.xpath("//select[contains(@name, '-element')]/option/text()")
    assert "Fietsparkeren" in lxml_html.fromstring(client.get(url).text).xpath(
        "//h3[.='Gearchiveerde elementen']/following::ul[1]//a/text()"
    )
