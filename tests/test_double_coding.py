"""Double coding: drawing a sample, blind second coding, the agreement report, resolving."""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.capture import services as capture
from app.capture.validation import validate_contribution
from app.coding import double, services
from app.extensions import db
from app.models import AuditEvent, Code, Coding, CodingSample, Contribution, Project, Round, SampleItem, User


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


def add_contributions(world, texts):
    """Contributions in project A's information round, recorded by its interviewer."""
    project = db.session.get(Project, world.project_a.id)
    round_ = db.session.get(Round, world.fieldwork_a["info_round_id"])
    context = capture.context_for(project)
    made = []
    for text in texts:
        clean, errors = validate_contribution(
            {"uuid": str(uuid.uuid4()), "recorded_at": datetime.now(UTC) - timedelta(minutes=1), "text": text}, context
        )
        assert clean is not None, errors
        stored, _ = capture.record_contribution(project, round_, db.session.get(User, world.interviewer_a.id), clean)
        made.append(db.session.get(Contribution, stored.id))
    db.session.flush()
    return made


def codes(world, *keys):
    return [db.session.scalar(sa.select(Code).where(Code.project_id == world.project_a.id, Code.key == key)) for key in keys]


def test_a_sample_is_drawn_from_coded_input_but_never_the_second_coders_own(app, world):
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        coordinator, interviewer = db.session.get(User, world.coord_a.id), db.session.get(User, world.interviewer_a.id)
        made = add_contributions(world, [f"Opmerking {n}" for n in range(6)])
        (groen,) = codes(world, "GRN-ONDH")
        for target in made[:4]:
            services.apply_code(project, target, groen, coordinator)
        services.apply_code(project, made[4], groen, interviewer)  # the interviewer's own coding
        coded_by_others = {("contribution", c.id) for c in made[:4]} | {("contribution", world.fieldwork_a["contribution_id"])}
        everything = double.draw_sample(project, interviewer, coordinator, percent=100, rng=random.Random(1))
        assert {("contribution", i.contribution_id) for i in everything.items} == coded_by_others
        two = double.draw_sample(project, interviewer, coordinator, number=2, rng=random.Random(2))
        assert len(two.items) == 2 and {("contribution", i.contribution_id) for i in two.items} <= coded_by_others
        half = double.draw_sample(project, interviewer, coordinator, percent=50, rng=random.Random(3))
        assert len(half.items) == 2  # 50% of 5, rounded
        uncoded_too = double.draw_sample(project, interviewer, coordinator, percent=100, coded_only=False)
        assert len(uncoded_too.items) == 5 + 1 + 1  # + made[5] and the fixture's answer; never made[4]
        viewer = db.session.get(User, world.viewer_a.id)
        for kwargs, message in (
            ({"percent": 10, "number": 2}, "Give either a percentage or a number of inputs."),
            ({}, "Give either a percentage or a number of inputs."),
            ({"percent": 150}, "The percentage lies between 0 and 100."),
            ({"number": 0}, "A sample holds between 1 and %(max)s inputs."),
        ):
            with pytest.raises(services.CodingError) as error:
                double.draw_sample(project, interviewer, coordinator, **kwargs)
            assert error.value.message == message
        with pytest.raises(services.CodingError):
            double.draw_sample(project, viewer, coordinator, number=1)
        db.session.rollback()


def test_drawing_through_the_page_reports_errors_and_keeps_nothing(client, world, query):
    client.login(world.coord_a.email)
    url = f"/projects/{world.project_a.id}/coding/samples"
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(CodingSample)))
    bad = client.form_post(url, {"coder_id": str(world.interviewer_a.id), "percent": "20", "number": "3", "coded_only": "y"})
    assert bad.status_code == 422 and "Geef een percentage of een aantal uitspraken, niet allebei." in bad.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(CodingSample))) == before
    good = client.form_post(url, {"coder_id": str(world.interviewer_a.id), "number": "5", "coded_only": "y", "name": "Controle ronde 1"})
    assert good.status_code == 302
    sample = query(lambda: db.session.scalar(sa.select(CodingSample).where(CodingSample.name == "Controle ronde 1")))
    assert sample.coder_id == world.interviewer_a.id and sample.drawn_by_id == world.coord_a.id
    assert (
        query(
            lambda: db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.sample_draw"))
        )
        >= 1
    )


@pytest.fixture
def coded_sample(app, world):
    """Four contributions; the coordinator coded three (A, A+B, B; the fourth not), the
    interviewer coded all four blind as second coder (A, A, A+B, A) and finished them."""
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        coordinator, interviewer = db.session.get(User, world.coord_a.id), db.session.get(User, world.interviewer_a.id)
        made = add_contributions(world, ["Het gras is te lang, uniek-fragment", "Gras en bomen", "Bomen vallen om", "Niets bijzonders"])
        a, b = codes(world, "GRN-ONDH", "GRN-BOOM")
        first = [{a}, {a, b}, {b}, set()]
        second = [{a}, {a}, {a, b}, {a}]
        for target, applied in zip(made, first):
            for code in applied:
                services.apply_code(project, target, code, coordinator, *((14, 27) if target is made[0] else (None, None)))
        sample = CodingSample(project_id=project.id, coder_id=interviewer.id, drawn_by_id=coordinator.id, name="Test")
        db.session.add(sample)
        db.session.flush()
        items = [SampleItem(sample_id=sample.id, contribution_id=c.id) for c in made]
        db.session.add_all(items)
        db.session.flush()
        for target, item, applied in zip(made, items, second):
            for code in applied:
                services.apply_code(project, target, code, interviewer, sample=sample)
            double.mark_done(item)
        db.session.commit()
        return {"sample_id": sample.id, "items": [i.id for i in items], "inputs": [c.id for c in made], "a": a.id, "b": b.id}


def test_the_report_matches_a_hand_count(app, world, coded_sample):
    # Compared: the three inputs both coded; codes used: A and B; 6 input × code units.
    # A: (T,T) (T,T) (F,T) -> 2/3 agree; kappa: p_o 2/3, p_e (2*3 + 1*0)/9 = 2/3 -> 0.
    # B: (F,F) (T,F) (T,T) -> 2/3 agree; p_e (2*1 + 1*2)/9 = 4/9 -> (6/9 - 4/9) / (5/9) = 0.4.
    # Overall: 4/6 agree; p_e (4*4 + 2*2)/36 = 5/9 -> (6/9 - 5/9) / (4/9) = 0.25;
    # alpha: 12 values (8 T, 4 F), 2 disagreeing units -> D_o 4, D_e 8*4*2/11 -> 1 - 44/64 = 0.3125.
    with app.app_context():
        report = double.report(db.session.get(CodingSample, coded_sample["sample_id"]))
        a, b = coded_sample["a"], coded_sample["b"]
        assert report.compared == 3
        overall = report.agreement.overall
        assert overall.units == 6 and overall.percent == pytest.approx(4 / 6)
        assert overall.kappa == pytest.approx(0.25) and overall.alpha == pytest.approx(0.3125)
        assert report.agreement.per_code[a].kappa == pytest.approx(0.0)
        assert report.agreement.per_code[b].kappa == pytest.approx(0.4)
        assert report.agreement.per_code[a].percent == pytest.approx(2 / 3)
        found = {(d.item.contribution_id, d.code.id, d.first_had, d.second_had) for d in report.disagreements}
        inputs = coded_sample["inputs"]
        assert found == {(inputs[1], b, True, False), (inputs[2], a, False, True)}


def test_the_second_coder_works_blind_and_only_on_their_sample(client_factory, world, coded_sample, query):
    project = world.project_a
    item = coded_sample["items"][0]
    url = f"/projects/{project.id}/coding/second/{coded_sample['sample_id']}/items/{item}"
    second = client_factory()
    second.login(world.interviewer_a.email)
    page = second.get(url)
    assert page.status_code == 200
    assert "Het gras is te lang, uniek-fragment" in page.text  # the text itself
    assert "“uniek-fragment”" not in page.text  # not the first coder's fragment
    assert "Tweede codering" in second.get(f"/projects/{project.id}/coding/second").text
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    assert coordinator.get(url).status_code == 404  # not assigned to them
    viewer = client_factory()
    viewer.login(world.viewer_a.email)
    assert viewer.get(url).status_code == 403
    # The second coder's own coding lands in the sample, not in the project's coding.
    klim = query(lambda: db.session.scalar(sa.select(Code.id).where(Code.project_id == project.id, Code.key == "GRN-KLIM")))
    assert second.form_post(url, {"code": str(klim)}).status_code == 302
    rows = query(lambda: db.session.execute(sa.select(Coding.sample_id, Coding.coder_id).where(Coding.code_id == klim)).all())
    assert rows == [(coded_sample["sample_id"], world.interviewer_a.id)]
    queue = coordinator.get(f"/projects/{project.id}/coding/?code={klim}").text
    assert "0 uitspraken" in queue
    # A sample's blind coding is not the project's coding: the fourth text, coded only by the
    # second coder, is still "uncoded" on the workbench.
    uncoded = coordinator.get(f"/projects/{project.id}/coding/?uncoded=1").text
    assert f'value="contribution:{coded_sample["inputs"][3]}"' in uncoded
    assert f'value="contribution:{coded_sample["inputs"][0]}"' not in uncoded


def test_resolving_follows_the_decision_and_keeps_the_agreement_as_it_was(client, world, coded_sample, query, app):
    project = world.project_a
    client.login(world.coord_a.email)
    base = f"/projects/{project.id}/coding/samples/{coded_sample['sample_id']}"
    page = client.get(base).text
    assert "Verschillen om te bespreken" in page and page.count("Code hoort erbij") == 2
    # Figures in Dutch notation: κ 0,25 and α 0,31 with a decimal comma, shares as "67 %".
    assert "0,25" in page and "0,31" in page and "0.25" not in page and re.search(r"\d+\u00a0%", page)
    items, inputs, a, b = coded_sample["items"], coded_sample["inputs"], coded_sample["a"], coded_sample["b"]
    # Input 3: only the second coder had A; the code applies -> the project's coding gains A.
    assert client.form_post(f"{base}/items/{items[2]}/resolve", {"code": str(a), "applies": "1"}).status_code == 302
    # Input 2: only the first coder had B; it does not apply -> the project's coding loses B.
    assert client.form_post(f"{base}/items/{items[1]}/resolve", {"code": str(b), "applies": "0"}).status_code == 302
    main = query(
        lambda: db.session.execute(
            sa.select(Coding.contribution_id, Coding.code_id).where(Coding.contribution_id.in_(inputs), Coding.sample_id.is_(None))
        ).all()
    )
    assert (inputs[2], a) in main and (inputs[1], b) not in main
    with app.app_context():
        report = double.report(db.session.get(CodingSample, coded_sample["sample_id"]))
        assert report.agreement.overall.kappa == pytest.approx(0.25)  # as before the discussion
        assert all(d.resolution is not None for d in report.disagreements)
    # An agreeing unit has nothing to resolve.
    refused = client.form_post(f"{base}/items/{items[0]}/resolve", {"code": str(a), "applies": "0"})
    assert "er valt niets te besluiten" in client.get(refused.headers["Location"]).text
    assert (
        query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "coding.resolve")))
        == 2
    )
    assert re.search(r"Besloten: de code hoort erbij", client.get(base).text)


def test_the_second_coder_sees_no_suggestions_nor_the_field_themes(client_factory, world, coded_sample, query):
    """Issue 24.6: blind means blind to what would steer the second coder too: the keyword rules and
    the themes the interviewer tagged in the field, which the first coder was offered."""
    project, last = world.project_a, coded_sample["inputs"][3]  # "Niets bijzonders"

    def tag_and_rule() -> None:
        boom, klim = codes(world, "GRN-BOOM", "GRN-KLIM")
        contribution = db.session.get(Contribution, last)
        contribution.tags.append(boom)
        klim.keywords = "bijzonder*"
        db.session.commit()

    query(tag_and_rule)
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    first = coordinator.get(f"/projects/{project.id}/coding/contributions/{last}").text
    assert "Suggesties" in first and "veldthema" in first and "trefwoorden" in first
    second = client_factory()
    second.login(world.interviewer_a.email)
    page = second.get(f"/projects/{project.id}/coding/second/{coded_sample['sample_id']}/items/{coded_sample['items'][3]}").text
    assert "Niets bijzonders" in page
    assert "Suggesties" not in page and "veldthema" not in page and "trefwoorden" not in page
