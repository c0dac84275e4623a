"""The workbench beyond single codings: filters, bulk coding, rejecting suggestions, interviewers
coding their own input, keyboard shortcuts, and what is audited."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Area, AuditEvent, Code, Coding, Contribution, Interview, Project, SuggestionRejection
from app.models.fieldwork import contribution_tags


def code_id(query, world, key):
    return query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_a.id, Code.key == key)))


def queue_keys(client, project, args=""):
    """The input keys ("answer:12") the queue page lists for these URL arguments."""
    import re

    page = client.get(f"/projects/{project.id}/coding/?{args}")
    assert page.status_code == 200
    return set(re.findall(r'name="inputs" value="([a-z]+:\d+)"', page.text))


def set_areas(app, world):
    """The interview in Filmwijk, the contribution in Almere Stad (Filmwijk's parent)."""
    with app.app_context():
        areas = {a.path: a.id for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_a.id))}
        db.session.execute(
            sa.update(Interview).where(Interview.id == world.fieldwork_a["interview_id"]).values(area_id=areas["Almere Stad/Filmwijk"])
        )
        db.session.execute(
            sa.update(Contribution).where(Contribution.id == world.fieldwork_a["contribution_id"]).values(area_id=areas["Almere Stad"])
        )
        db.session.commit()
        return areas


def test_filters_combine_and_each_narrows_the_queue(app, client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    answer, contribution = f"answer:{fw['answer_id']}", f"contribution:{fw['contribution_id']}"
    areas = set_areas(app, world)
    client.login(world.coord_a.email)
    negative = client.form_post(
        f"/projects/{project.id}/coding/answers/{fw['answer_id']}",
        {"code": str(code_id(query, world, "GRN-KLIM")), "sentiment": "negative"},
    )
    assert negative.status_code == 302
    assert queue_keys(client, project) == {answer, contribution}
    assert queue_keys(client, project, "question=verbeteren") == {answer}  # contributions answer no question
    assert queue_keys(client, project, "question=bestaat-niet") == set()
    assert queue_keys(client, project, f"area={areas['Almere Stad']}") == {answer, contribution}  # an area includes its parts
    assert queue_keys(client, project, f"area={areas['Almere Stad/Filmwijk']}") == {answer}
    assert queue_keys(client, project, f"interviewer={world.interviewer_a.id}") == {answer, contribution}
    assert queue_keys(client, project, f"interviewer={world.coord_a.id}") == set()
    assert queue_keys(client, project, "sentiment=negative") == {answer}
    assert queue_keys(client, project, "sentiment=positive") == set()
    assert queue_keys(client, project, "tagged=1") == set()
    with app.app_context():
        db.session.execute(contribution_tags.insert().values(contribution_id=fw["contribution_id"], code_id=fw["code_id"]))
        db.session.commit()
    assert queue_keys(client, project, "tagged=1") == {contribution}
    assert queue_keys(client, project, f"tagged=1&area={areas['Almere Stad/Filmwijk']}") == set()
    assert queue_keys(client, project, f"code={fw['code_id']}") == {contribution}
    assert queue_keys(client, project, "uncoded=1") == set()  # both are coded now
    assert queue_keys(client, project, "sentiment=nonsense&round=abc") == {answer, contribution}  # bad values are ignored


def test_previous_and_next_follow_the_filtered_queue(client, world):
    project, fw = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    first = client.get(f"/projects/{project.id}/coding/contributions/{fw['contribution_id']}?pos=0").text
    second = client.get(f"/projects/{project.id}/coding/answers/{fw['answer_id']}?pos=1").text
    # Both were recorded "now"; whichever comes first links to the other as next.
    assert ('rel="next"' in first) != ('rel="next"' in second)
    assert 'data-key="n"' in first + second and 'data-key="c"' in first  # keyboard shortcuts are declared
    narrowed = client.get(f"/projects/{project.id}/coding/answers/{fw['answer_id']}?pos=0&question=verbeteren").text
    assert 'rel="next"' not in narrowed and 'rel="prev"' not in narrowed


def test_bulk_coding_codes_each_selected_input_once(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    bomen = code_id(query, world, "GRN-BOOM")
    selection = {
        "inputs": [f"answer:{fw['answer_id']}", f"contribution:{fw['contribution_id']}"],
        "code": str(bomen),
        "sentiment": "suggestion",
    }
    response = client.form_post(f"/projects/{project.id}/coding/", selection)
    assert response.status_code == 302
    assert "2 uitspraken gecodeerd met Bomen." in client.get(response.headers["Location"]).text
    rows = query(
        lambda: db.session.execute(
            sa.select(Coding.answer_id, Coding.contribution_id, Coding.sentiment, Coding.start).where(Coding.code_id == bomen)
        ).all()
    )
    assert sorted((r.answer_id or 0, r.contribution_id or 0) for r in rows) == sorted([(fw["answer_id"], 0), (0, fw["contribution_id"])])
    assert all(r.sentiment.value == "suggestion" and r.start is None for r in rows)
    again = client.form_post(f"/projects/{project.id}/coding/", selection)
    assert "0 uitspraken gecodeerd" in client.get(again.headers["Location"]).text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.code_id == bomen))) == 2


def test_bulk_coding_with_a_bad_selection_codes_nothing(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    klim = code_id(query, world, "GRN-KLIM")
    foreign = f"contribution:{world.fieldwork_b['contribution_id']}"  # another project's input
    for inputs, message in (
        ([f"answer:{fw['answer_id']}", foreign], "Een deel van de geselecteerde uitspraken is niet gevonden."),
        ([f"answer:{fw['answer_id']}", "answer:nonsense"], "Een deel van de geselecteerde uitspraken is niet gevonden."),
        ([], "Selecteer ten minste één tekst."),
    ):
        response = client.form_post(f"/projects/{project.id}/coding/", {"inputs": inputs, "code": str(klim)})
        assert message in client.get(response.headers["Location"]).text
    foreign_code = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_b.id).limit(1)))
    response = client.form_post(f"/projects/{project.id}/coding/", {"inputs": [f"answer:{fw['answer_id']}"], "code": str(foreign_code)})
    assert "Kies een code." in client.get(response.headers["Location"]).text
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Coding)
                .where(Coding.project_id == project.id, Coding.code_id.in_([klim, foreign_code]))
            )
        )
        == 0
    )


def test_a_rejected_suggestion_is_not_offered_again_and_codes_nothing(app, client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    verl = code_id(query, world, "HEEL-VERL")
    with app.app_context():
        db.session.get(Code, verl).keywords = "donker*"
        db.session.commit()
    client.login(world.coord_a.email)
    url = f"/projects/{project.id}/coding/contributions/{fw['contribution_id']}"
    assert "Afwijzen" in client.get(url).text
    response = client.form_post(url + "/reject", {"code": str(verl)})
    assert response.status_code == 302
    page = client.get(url).text
    assert "Suggestie Openbare verlichting afgewezen." in page and 'value="keyword"' not in page
    assert "Suggesties" not in page
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.code_id == verl))) == 0
    assert (
        query(lambda: db.session.scalar(sa.select(SuggestionRejection.rejected_by_id).where(SuggestionRejection.code_id == verl)))
        == world.coord_a.id
    )
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.reject_suggestion")
            )
        )
        == 1
    )
    # Rejecting twice is harmless; a code of another project is not found.
    assert client.form_post(url + "/reject", {"code": str(verl)}).status_code == 302
    foreign_code = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == world.project_b.id).limit(1)))
    assert client.form_post(url + "/reject", {"code": str(foreign_code)}).status_code == 404


def test_interviewers_code_their_own_input_only_when_the_project_allows(app, client, world, make_fieldwork, query):
    project = world.project_a
    others = make_fieldwork(project, world.coord_a, world.coord_a)  # input the coordinator recorded
    own = world.fieldwork_a
    client.login(world.interviewer_a.email)
    assert client.get(f"/projects/{project.id}/coding/").status_code == 403
    with app.app_context():
        db.session.get(Project, project.id).interviewers_may_code = True
        db.session.commit()
    assert queue_keys(client, project) == {f"answer:{own['answer_id']}", f"contribution:{own['contribution_id']}"}
    assert queue_keys(client, project, f"interviewer={world.coord_a.id}") == set()  # a filter cannot widen what one may see
    klim = str(code_id(query, world, "GRN-KLIM"))
    assert client.form_post(f"/projects/{project.id}/coding/answers/{own['answer_id']}", {"code": klim}).status_code == 302
    assert client.get(f"/projects/{project.id}/coding/answers/{others['answer_id']}").status_code == 404
    assert client.form_post(f"/projects/{project.id}/coding/answers/{others['answer_id']}", {"code": klim}).status_code == 404
    bulk = client.form_post(f"/projects/{project.id}/coding/", {"inputs": [f"answer:{others['answer_id']}"], "code": klim})
    assert bulk.status_code == 302
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Coding).where(Coding.answer_id == others["answer_id"]))) == 0
    )
    coordinator_coding = others["coding_id"]
    assert client.form_post(f"/projects/{project.id}/coding/codings/{coordinator_coding}/delete").status_code == 404
    assert query(lambda: db.session.get(Coding, coordinator_coding)) is not None
    # Coordinators still see everything; viewers still code nothing.
    coordinator = app.test_client()
    coordinator.__class__ = client.__class__
    coordinator.login(world.coord_a.email)
    assert f"answer:{others['answer_id']}" in queue_keys(coordinator, project)
    viewer = app.test_client()
    viewer.__class__ = client.__class__
    viewer.login(world.viewer_a.email)
    assert viewer.form_post(f"/projects/{project.id}/coding/answers/{own['answer_id']}", {"code": klim}).status_code == 403


def test_the_project_setting_is_saved_and_audited(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    assert client.submit(f"/projects/{project.id}/edit", {"interviewers_may_code": "y"}).status_code == 302
    assert query(lambda: db.session.get(Project, project.id).interviewers_may_code) is True
    details = query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "project.update")).all())
    assert any("interviewers_may_code" in str(d) for d in details)


def test_coding_changes_are_audited_with_who_and_what(client, world, query):
    project, fw = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    klim = code_id(query, world, "GRN-KLIM")
    client.form_post(f"/projects/{project.id}/coding/answers/{fw['answer_id']}", {"code": str(klim), "fragment": "groen"})
    coding = query(lambda: db.session.scalar(sa.select(Coding).where(Coding.code_id == klim)))
    client.form_post(f"/projects/{project.id}/coding/codings/{coding.id}/delete")
    events = query(
        lambda: db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
            .where(AuditEvent.action.like("coding.%"), AuditEvent.actor_id == world.coord_a.id)
            .order_by(AuditEvent.id)
        ).all()
    )
    actions = [e.action for e in events]
    assert actions[-2:] == ["coding.create", "coding.delete"]
    assert events[-2].details["input"] == f"answer:{fw['answer_id']}" and events[-2].details["span"] == [5, 10]
