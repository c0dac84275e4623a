"""Action items: created from inputs, changed, filtered, linked; every step audited."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import ActionInput, ActionItem, ActionStatus, Area, AuditEvent, Code, Element, Priority


def ids(query, world):
    code = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_a.id, Code.key == "HEEL-VERL")))
    area = query(
        lambda: db.session.scalar(sa.select(Area.id).where(Area.project_id == world.project_a.id, Area.path == "Almere Stad/Filmwijk"))
    )
    return code, area


def test_an_action_is_created_from_selected_inputs_and_shows_their_words(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    code, area = ids(query, world)
    client.login(world.coord_a.email)
    selection = [f"answer:{fw['answer_id']}", f"contribution:{fw['contribution_id']}"]
    form = client.get(f"/projects/{project.id}/actions/new", query_string={"inputs": selection})
    assert form.status_code == 200 and "Gebaseerd op 2 uitspraken" in form.text
    response = client.form_post(
        f"/projects/{project.id}/actions/new",
        {
            "inputs": selection,
            "title": "Extra verlichting fietspad",
            "description": "Twee lantaarnpalen erbij",
            "code_id": str(code),
            "area_id": str(area),
            "location": "Fietspad langs de Spoordreef",
            "priority": "high",
            "department": "Beheer openbare ruimte",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = query(lambda: db.session.scalar(sa.select(ActionItem).where(ActionItem.title == "Extra verlichting fietspad")))
    assert (action.code_id, action.area_id, action.priority, action.status, action.created_by_id) == (
        code,
        area,
        Priority.high,
        ActionStatus.planned,
        world.coord_a.id,
    )
    links = query(
        lambda: db.session.execute(
            sa.select(ActionInput.answer_id, ActionInput.contribution_id).where(ActionInput.action_id == action.id)
        ).all()
    )
    assert sorted(links, key=str) == sorted([(fw["answer_id"], None), (None, fw["contribution_id"])], key=str)
    page = client.get(response.headers["Location"]).text
    assert "Meer groen" in page and "Te donker bij het fietspad" in page  # the residents' words it rests on
    # ... and every input shows its actions.
    assert "Extra verlichting fietspad" in client.get(f"/projects/{project.id}/coding/answers/{fw['answer_id']}").text


def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)))
    rejected = client.form_post(f"/projects/{project.id}/actions/new", {"title": "Bankje", "priority": "low", "status": "rejected"})
    assert rejected.status_code == 422 and "Geef aan waarom het actiepunt is afgewezen." in rejected.text
    untitled = client.form_post(f"/projects/{project.id}/actions/new", {"title": "", "priority": "low", "status": "new"})
    assert untitled.status_code == 422
    foreign_code = query(
        lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_b.id).order_by(Code.id).limit(1))
    )
    foreign = client.form_post(
        f"/projects/{project.id}/actions/new", {"title": "Bankje", "priority": "low", "status": "new", "code_id": str(foreign_code)}
    )
    assert foreign.status_code == 422 and "Kies een thema, een gebied en een element van dit project." in foreign.text
    foreign_element = query(
        lambda: db.session.scalar(sa.select(Element.id).where(Element.project_id == world.project_b.id).order_by(Element.id).limit(1))
    )
    for extra, message in [
        ({"element_id": str(foreign_element)}, "Kies een thema, een gebied en een element van dit project."),
        ({"planned_year": "1999"}, "Geef een jaar van 2000 tot 2100."),
        ({"planned_year": "２０２８"}, "Geef een jaar van 2000 tot 2100."),  # full-width digits are not a year
        ({"estimated_cost": "12,5"}, "Geef de geschatte kosten in hele euro’s."),
        ({"estimated_cost": "-100"}, "Geef de geschatte kosten in hele euro’s."),
        ({"object_ref": "x" * 201}, "200"),
    ]:
        bad = client.form_post(f"/projects/{project.id}/actions/new", {"title": "Bankje", "priority": "low", "status": "new", **extra})
        assert bad.status_code == 422 and message in bad.text, (extra, bad.text[bad.text.find("error") :][:300])
    other_input = client.form_post(
        f"/projects/{project.id}/actions/new",
        {
            "title": "Bankje",
            "priority": "low",
            "status": "new",
            "inputs": [f"contribution:{world.fieldwork_b['contribution_id']}"],
        },
    )
    assert other_input.status_code == 302  # back to the workbench with the message
    assert "Een deel van de geselecteerde uitspraken is niet gevonden." in client.get(other_input.headers["Location"]).text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem))) == before


def test_changes_links_and_filters(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    code, area = ids(query, world)
    action_id = fw["action_id"]  # "Lantaarnpalen fietspad", resting on the contribution
    client.login(world.coord_a.email)
    edit = f"/projects/{project.id}/actions/{action_id}/edit"
    assert client.get(edit).status_code == 200
    saved = client.form_post(
        edit,
        {
            "title": "Lantaarnpalen fietspad",
            "priority": "medium",
            "status": "rejected",
            "rejection_reason": "Staat al in het plan van 2027",
            "code_id": str(code),
            "area_id": "",
            "feedback_given": "y",
        },
    )
    assert saved.status_code == 302
    action = query(lambda: db.session.get(ActionItem, action_id))
    assert action.status == ActionStatus.rejected and action.rejection_reason == "Staat al in het plan van 2027" and action.feedback_given
    change = query(lambda: db.session.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "action.update")))
    assert change["changes"]["status"] == ["new", "rejected"] and change["changes"]["feedback_given"] == [False, True]
    # Link the answer, unlink the contribution.
    linked = client.form_post(
        f"/projects/{project.id}/actions/link",
        {"action": str(action_id), "inputs": [f"answer:{fw['answer_id']}"], "back": "//evil.example/"},
    )
    assert linked.status_code == 302 and linked.headers["Location"] == f"/projects/{project.id}/actions/"  # never off-site
    contribution_link = fw["link_id"]
    assert client.form_post(f"/projects/{project.id}/actions/{action_id}/links/{contribution_link}/delete").status_code == 302
    links = query(
        lambda: db.session.execute(
            sa.select(ActionInput.answer_id, ActionInput.contribution_id).where(ActionInput.action_id == action_id)
        ).all()
    )
    assert links == [(fw["answer_id"], None)]
    audited = query(
        lambda: db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("action.%")).order_by(AuditEvent.id)).all()
    )
    assert audited[-3:] == ["action.update", "action.link", "action.unlink"]
    # Filters: status, theme, area, priority, department, text.
    base = f"/projects/{project.id}/actions/"
    assert "Lantaarnpalen fietspad" in client.get(base + "?status=rejected").text
    assert "Lantaarnpalen fietspad" not in client.get(base + "?status=new").text
    assert "Lantaarnpalen fietspad" in client.get(base + f"?code={code}&priority=medium&q=lantaarn").text
    assert "Lantaarnpalen fietspad" not in client.get(base + f"?area={area}").text
    assert "Lantaarnpalen fietspad" not in client.get(base + "?department=Onderwijs").text
    # A rejected action reopened loses its reason.
    client.form_post(edit, {"title": "Lantaarnpalen fietspad", "priority": "medium", "status": "new", "rejection_reason": "oud"})
    assert query(lambda: db.session.get(ActionItem, action_id).rejection_reason) == ""


def test_viewers_read_actions_but_change_nothing(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    client.login(world.viewer_a.email)
    assert "Lantaarnpalen fietspad" in client.get(f"/projects/{project.id}/actions/").text
    assert client.get(f"/projects/{project.id}/actions/{fw['action_id']}").status_code == 200
    assert client.form_post(f"/projects/{project.id}/actions/new", {"title": "X", "priority": "low", "status": "new"}).status_code == 403
    assert client.form_post(f"/projects/{project.id}/actions/{fw['action_id']}/links/{fw['link_id']}/delete").status_code == 403
    assert query(lambda: db.session.get(ActionInput, fw["link_id"])) is not None
    # Another project's action is not found, not even for its title.
    assert client.get(f"/projects/{project.id}/actions/{world.fieldwork_b['action_id']}").status_code == 404


def test_resident_text_is_escaped_on_action_pages(app, client, world):
    project, fw = world.project_a, world.fieldwork_a
    from app.models import Contribution

    with app.app_context():
        db.session.get(Contribution, fw["contribution_id"]).text = "<script>alert(1)</script>"
        db.session.commit()
    client.login(world.coord_a.email)
    page = client.get(f"/projects/{project.id}/actions/{fw['action_id']}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_action_for_the_plan_takes_its_area_from_the_texts_and_its_year_cost_and_element_from_the_page(client, world, query):
    from lxml import html as lxml_html

    from app.models import Answer, Contribution, Interview

    project, fw = world.project_a, world.fieldwork_a
    _code, area = ids(query, world)

    def place_texts() -> None:
        db.session.get(Interview, db.session.get(Answer, fw["answer_id"]).interview_id).area_id = area
        db.session.get(Contribution, fw["contribution_id"]).area_id = area
        db.session.commit()

    query(place_texts)
    element = query(lambda: db.session.scalar(sa.select(Element.id).where(Element.project_id == project.id, Element.key == "verlichting")))
    client.login(world.coord_a.email)
    selection = "&".join(f"inputs={key}" for key in (f"answer:{fw['answer_id']}", f"contribution:{fw['contribution_id']}"))
    url = f"/projects/{project.id}/actions/new?{selection}"
    page = lxml_html.fromstring(client.get(url).text)
    assert page.xpath("string(//select[@name='area_id']/option[@selected]/@value)") == str(area)  # both texts are from Filmwijk
    response = client.submit(
        url,
        {
            "title": "Lantaarnpalen vervangen",
            "element_id": str(element),
            "object_ref": "BGT-LP-0042",
            "planned_year": "2028",
            "estimated_cost": "€ 12.500,-",
            "priority": "high",
        },
    )
    assert response.status_code == 302
    action = query(lambda: db.session.scalar(sa.select(ActionItem).where(ActionItem.title == "Lantaarnpalen vervangen")))
    assert (action.area_id, action.element_id, action.object_ref, action.planned_year, action.estimated_cost) == (
        area,
        element,
        "BGT-LP-0042",
        2028,
        12500,
    )
    shown = client.get(response.headers["Location"]).text
    assert "€ 12.500" in shown and "Openbare verlichting" in shown and "Urgentie" in shown
    edit = lxml_html.fromstring(client.get(f"/projects/{project.id}/actions/{action.id}/edit").text)
    assert edit.xpath("string(//input[@name='estimated_cost']/@value)") == "12.500"

    # An action made without an area gets one when the texts linked to it share one.
    client.submit(f"/projects/{project.id}/actions/new", {"title": "Nog zonder gebied"})
    bare = query(lambda: db.session.scalar(sa.select(ActionItem.id).where(ActionItem.title == "Nog zonder gebied")))
    assert query(lambda: db.session.get(ActionItem, bare).area_id) is None
    client.form_post(f"/projects/{project.id}/actions/link", {"action": str(bare), "inputs": [f"answer:{fw['answer_id']}"]})
    assert query(lambda: db.session.get(ActionItem, bare).area_id) == area
