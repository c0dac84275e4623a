"""Starting a project through its page: from each template (guide, codebook, text, respondent types,
rounds), or as a copy of another project's set-up; bad choices refused with nothing created."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from app.extensions import db
from app.guides import services as guides
from app.models import Area, AuditEvent, Code, CodeGroup, Guide, Interview, Project, Round
from app.projects import starting

TEMPLATES = {
    "onderhoud-openbare-ruimte": "Onderhoud openbare ruimte",
    "ouderen-en-digitalisering": "Ouderen en digitalisering",
    "duurzame-initiatieven": "Duurzame initiatieven",
    "een-op-een-gesprekken": "Eén-op-één gesprekken",
}


def new_project(client, values):
    return client.submit("/projects/new", {"name": "Nieuw project", "retention_months": "24", "small_numbers": "3", **values})


def project_named(query, name):
    return query(lambda: db.session.scalar(sa.select(Project).where(Project.name == name)))


def test_the_new_project_page_offers_every_template():
    assert {k: t.name for k, t in starting.templates().items()} == TEMPLATES
    assert list(starting.templates()) == list(TEMPLATES)  # in this order


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_project_from_a_template_is_ready_for_its_rounds(client, make_user, query, key):
    admin = make_user(is_admin=True)
    client.login(admin.email)
    page = lxml_html.fromstring(client.get("/projects/new").text)
    assert f"template:{key}" in page.xpath("//input[@name='start']/@value")
    response = new_project(client, {"start": f"template:{key}", "name": f"Project {key}"})
    assert response.status_code == 302
    template = starting.templates()[key]
    raw = json.loads((starting.TEMPLATE_DIR / f"{key}.json").read_text())

    def read():
        project = db.session.scalar(sa.select(Project).where(Project.name == f"Project {key}"))
        guide = db.session.scalar(sa.select(Guide).where(Guide.project_id == project.id))
        published = guides.published_of(guide)
        codes = db.session.scalars(
            sa.select(Code.key).join(CodeGroup).where(Code.project_id == project.id).order_by(CodeGroup.position, Code.position)
        ).all()
        rounds_ = [
            (r.kind.value, r.name, r.guide_id == guide.id)
            for r in db.session.scalars(sa.select(Round).where(Round.project_id == project.id).order_by(Round.id))
        ]
        return project.respondent_types, project.resident_text, guide.name, [q.key for q in published.questions], codes, rounds_

    kinds, text, guide_name, keys, codes, rounds_ = query(read)
    assert kinds == list(template.respondent_types) and text == raw["resident_text"]
    assert guide_name == raw["guide"]["name"]
    assert keys == [q["key"] for s in raw["guide"]["sections"] for q in s["questions"]]
    if raw["codebook"] == "default":
        assert "GRN-ONDH" in codes
    else:
        assert codes == [row["code"] for row in raw["codebook"]]
    assert rounds_ == [(r["kind"], r["name"], r["kind"] == "street") for r in raw["rounds"]]
    project = project_named(query, f"Project {key}")
    street = query(lambda: db.session.scalar(sa.select(Round.id).where(Round.project_id == project.id, Round.kind == "street")))
    form = client.get(f"/projects/{project.id}/rounds/{street}/interviews/new")  # an interview can start at once
    assert form.status_code == 200 and raw["guide"]["sections"][0]["questions"][0]["label"].replace("'", "&#39;") in form.text
    assert query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "project.from_template")).all()) == [
        {"template": TEMPLATES[key]}
    ]


def test_a_project_copies_another_projects_set_up_and_nothing_recorded(client, world, query):
    source = world.project_a
    client.login(world.coord_a.email)
    query(lambda: (db.session.get(Project, source.id).__setattr__("respondent_types", ["resident", "organisation"]), db.session.commit()))
    response = new_project(client, {"start": "copy", "copy_from": str(source.id), "name": "Project A, tweede ronde"})
    assert response.status_code == 302
    copy = project_named(query, "Project A, tweede ronde")

    def setup(project_id):
        project = db.session.get(Project, project_id)
        areas = sorted((a.path, a.level.value, a.cbs_code) for a in project.areas)
        codes = sorted((c.key, c.name, c.keywords) for c in db.session.scalars(sa.select(Code).where(Code.project_id == project_id)))
        guide = db.session.scalar(sa.select(Guide).where(Guide.project_id == project_id))
        newest = guides.definition_of(guide.versions[-1])
        rounds_ = sorted(
            (r.kind.value, r.name, [a.path for a in r.areas])
            for r in db.session.scalars(sa.select(Round).where(Round.project_id == project_id))
        )
        return project.offered_respondents, areas, codes, guide.name, newest, rounds_

    assert query(lambda: setup(copy.id)) == query(lambda: setup(source.id))
    assert query(lambda: guides.published_of(db.session.scalar(sa.select(Guide).where(Guide.project_id == copy.id)))) is not None
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.project_id == copy.id))) == 0
    assert query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "project.copy")).all()) == [
        {"from": "Project A"}
    ]


def test_bad_starts_create_nothing(client, world, query):
    client.login(world.coord_a.email)
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Project)))
    offered = lxml_html.fromstring(client.get("/projects/new").text).xpath("//select[@name='copy_from']/option/@value")
    assert str(world.project_a.id) in offered and str(world.project_b.id) not in offered  # only what this coordinator coordinates
    for values in (
        {"start": "template:bestaat-niet"},
        {"start": "copy", "copy_from": str(world.project_b.id)},
        {"start": "copy", "copy_from": "niets"},
        {"start": "template:onderhoud-openbare-ruimte", "name": ""},
    ):
        assert new_project(client, values).status_code == 422, values
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Project))) == before
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Area))) > 0
