"""Areas changed in the app, through their pages: add, rename, move, archive and merge, with what
was recorded in them moving along, audited; bad input refused with nothing changed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from app import facts
from app.extensions import db
from app.models import ActionItem, Area, AreaTarget, AuditEvent, Contribution, Interview, ThemeFact
from app.models.fieldwork import round_areas

TREE = """stadsdeel,wijk,buurt
Almere Stad,Filmwijk,Filmwijk-Noord
Almere Stad,Filmwijk,Filmwijk-Zuid
Almere Stad,Danswijk,Danswijk-Noord
Almere Stad,Muziekwijk,
Almere Haven,De Werven,
"""


@pytest.fixture
def town(client, world, import_areas, query):
    import_areas(world.project_a, TREE)
    client.login(world.coord_a.email)
    return world.project_a


def area(query, project, path):
    return query(lambda: db.session.scalar(sa.select(Area).where(Area.project_id == project.id, Area.path == path)))


def paths(query, project):
    return query(lambda: sorted(db.session.scalars(sa.select(Area.path).where(Area.project_id == project.id))))


def change(client, project, target, kind, values=None):
    return client.submit(
        f"/projects/{project.id}/areas/{target.id}",
        values or {},
        form=f"//form[contains(@action, '/areas/{target.id}/{kind}')]",
    )


def audited(query, action):
    return query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == action)).all())


def test_add_areas_at_each_level_through_the_page(client, town, query):
    url = f"/projects/{town.id}/areas/"
    form = "//form[contains(@action, '/areas/new')]"
    assert client.submit(url, {"name": "Almere Poort"}, form=form).status_code == 302
    poort = area(query, town, "Almere Poort")
    assert client.submit(url, {"parent": str(poort.id), "name": "Europakwartier", "kind": "woonwijk"}, form=form).status_code == 302
    wijk = area(query, town, "Almere Poort/Europakwartier")
    assert (wijk.level.value, wijk.kind) == ("wijk", "woonwijk")
    assert client.submit(url, {"parent": str(wijk.id), "name": "Europakwartier-Oost"}, form=form).status_code == 302
    assert area(query, town, "Almere Poort/Europakwartier/Europakwartier-Oost").level.value == "buurt"
    # A buurt is not offered as a place for another area; a name twice or with a slash is refused.
    offered = lxml_html.fromstring(client.get(url).text).xpath("//select[@name='parent']/option/text()")
    assert "Almere Poort › Europakwartier" in offered and "Almere Poort › Europakwartier › Europakwartier-Oost" not in offered
    before = paths(query, town)
    for values in (
        {"parent": str(poort.id), "name": "Europakwartier"},
        {"name": "Stad/Land"},
        {"name": ""},
        {"parent": "999999", "name": "X"},
    ):
        assert client.submit(url, values, form=form).status_code == 422, values
    assert paths(query, town) == before
    assert len(audited(query, "area.create")) == 3


def test_rename_and_move_keep_what_was_recorded(client, town, world, query):
    filmwijk = area(query, town, "Almere Stad/Filmwijk")
    noord = area(query, town, "Almere Stad/Filmwijk/Filmwijk-Noord")
    query(
        lambda: (
            db.session.execute(sa.update(Interview).where(Interview.id == world.fieldwork_a["interview_id"]).values(area_id=noord.id)),
            db.session.commit(),
        )
    )

    assert change(client, town, filmwijk, "rename", {"rename-name": "Cinemawijk"}).status_code == 302
    assert "Almere Stad/Cinemawijk/Filmwijk-Noord" in paths(query, town)
    assert audited(query, "area.rename") == [{"from": "Almere Stad/Filmwijk", "into": "Almere Stad/Cinemawijk"}]

    werven = area(query, town, "Almere Haven/De Werven")
    danswijk = area(query, town, "Almere Stad/Danswijk")
    # Filmwijk-Noord moves into Danswijk; its interview stays with it.
    assert change(client, town, noord, "move", {"move-parent": str(danswijk.id)}).status_code == 302
    assert query(lambda: db.session.get(Area, noord.id).path) == "Almere Stad/Danswijk/Filmwijk-Noord"
    assert query(lambda: db.session.get(Interview, world.fieldwork_a["interview_id"]).area_id) == noord.id
    # A wijk moves into another stadsdeel, with its buurten.
    haven = area(query, town, "Almere Haven")
    assert change(client, town, danswijk, "move", {"move-parent": str(haven.id)}).status_code == 302
    assert {"Almere Haven/Danswijk", "Almere Haven/Danswijk/Danswijk-Noord", "Almere Haven/Danswijk/Filmwijk-Noord"} <= set(
        paths(query, town)
    )
    # Refused, nothing changed: a name its new neighbours have; a move to a level that does not fit.
    before = paths(query, town)
    assert change(client, town, werven, "rename", {"rename-name": "Danswijk"}).status_code == 422
    assert change(client, town, noord, "move", {"move-parent": str(haven.id)}).status_code == 422  # a buurt into a stadsdeel
    assert paths(query, town) == before


def test_an_archived_area_is_offered_no_more_for_new_records(client, town, world, query):
    muziekwijk = area(query, town, "Almere Stad/Muziekwijk")
    round_id = world.fieldwork_a["round_id"]
    assert change(client, town, muziekwijk, "archive").status_code == 302
    assert query(lambda: db.session.get(Area, muziekwijk.id).archived) is True
    client.get(f"/projects/{town.id}/areas/")  # the flash shown
    offered = lambda: lxml_html.fromstring(client.get(f"/projects/{town.id}/rounds/{round_id}/edit").text).xpath("//form//label//text()")  # noqa: E731
    assert not any("Muziekwijk" in text for text in offered())
    assert "Muziekwijk" in client.get(f"/projects/{town.id}/areas/").text  # still listed, marked
    assert change(client, town, muziekwijk, "restore").status_code == 302
    assert any("Muziekwijk" in text for text in offered())
    assert list(
        query(lambda: db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.in_(["area.archive", "area.restore"]))).all())
    ) == [
        "area.archive",
        "area.restore",
    ]


def test_merging_moves_everything_recorded_and_the_areas_inside(client, town, world, query):
    filmwijk = area(query, town, "Almere Stad/Filmwijk")
    danswijk = area(query, town, "Almere Stad/Danswijk")
    film_noord = area(query, town, "Almere Stad/Filmwijk/Filmwijk-Noord")
    ids = world.fieldwork_a

    def set_up():
        db.session.execute(sa.update(Interview).where(Interview.id == ids["interview_id"]).values(area_id=filmwijk.id))
        db.session.execute(sa.update(Contribution).where(Contribution.id == ids["contribution_id"]).values(area_id=film_noord.id))
        db.session.add(
            ActionItem(project_id=town.id, title="Lantaarnpalen", area_id=filmwijk.id, uuid=uuid.uuid4(), created_at=datetime.now(UTC))
        )
        db.session.execute(sa.insert(round_areas).values(round_id=ids["round_id"], area_id=filmwijk.id))
        db.session.add(AreaTarget(element_id=ids["element_id"], area_id=filmwijk.id, level="B"))
        facts.touch(db.session, interviews=[ids["interview_id"]], contributions=[ids["contribution_id"]])  # the bulk updates' facts
        db.session.commit()

    query(set_up)
    # Danswijk gets a buurt named as one of Filmwijk's, so the two are merged as well.
    client.submit(
        f"/projects/{town.id}/areas/",
        {"parent": str(danswijk.id), "name": "Filmwijk-Noord"},
        form="//form[contains(@action, '/areas/new')]",
    )
    dans_film_noord = area(query, town, "Almere Stad/Danswijk/Filmwijk-Noord")

    # Only areas of the same level are offered, and the box must be ticked.
    offered = lxml_html.fromstring(client.get(f"/projects/{town.id}/areas/{filmwijk.id}").text).xpath(
        "//select[@name='merge-into']/option/text()"
    )
    assert "Almere Stad › Danswijk" in offered and "Almere Stad" not in offered and "Almere Stad › Filmwijk" not in offered
    assert change(client, town, filmwijk, "merge", {"merge-into": str(danswijk.id)}).status_code == 422
    assert area(query, town, "Almere Stad/Filmwijk") is not None

    response = change(client, town, filmwijk, "merge", {"merge-into": str(danswijk.id), "merge-sure": "y"})
    assert response.status_code == 302
    assert area(query, town, "Almere Stad/Filmwijk") is None
    assert query(lambda: db.session.get(Interview, ids["interview_id"]).area_id) == danswijk.id
    assert query(lambda: db.session.get(Contribution, ids["contribution_id"]).area_id) == dans_film_noord.id  # its buurt merged too
    assert query(lambda: db.session.scalar(sa.select(ActionItem.area_id).where(ActionItem.title == "Lantaarnpalen"))) == danswijk.id
    assert query(lambda: db.session.scalars(sa.select(round_areas.c.area_id).where(round_areas.c.round_id == ids["round_id"])).all()) == [
        danswijk.id
    ]
    assert query(lambda: db.session.scalar(sa.select(AreaTarget.level).where(AreaTarget.area_id == danswijk.id))) == "B"
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(ThemeFact).where(ThemeFact.area_id == filmwijk.id))) == 0
    moved = query(lambda: db.session.scalars(sa.select(ThemeFact.area_id).where(ThemeFact.contribution_id == ids["contribution_id"])).all())
    assert moved and set(moved) == {dans_film_noord.id}  # the contribution's coded theme counts in its new buurt
    assert "Almere Stad/Danswijk/Filmwijk-Zuid" in paths(query, town)  # a buurt without a namesake moved along
    (details,) = audited(query, "area.merge")
    assert details["from"] == "Almere Stad/Filmwijk" and details["into"] == "Almere Stad/Danswijk" and details["interviews"] == 1


def test_only_a_coordinator_changes_areas(client_factory, town, world, query):
    filmwijk = area(query, town, "Almere Stad/Filmwijk")
    interviewer = client_factory()
    interviewer.login(world.interviewer_a.email)
    assert interviewer.get(f"/projects/{town.id}/areas/{filmwijk.id}").status_code == 403
    assert interviewer.form_post(f"/projects/{town.id}/areas/{filmwijk.id}/rename", {"rename-name": "X"}).status_code == 403
    assert area(query, town, "Almere Stad/Filmwijk") is not None
