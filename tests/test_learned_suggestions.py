"""Learned suggestions (issue 24.5): a model per project trained on its own codings proposes codes with
a confidence; a person accepts or rejects; a rejection is never offered again and teaches the model;
nothing is coded by the model itself; training runs in the background when enough was coded."""

from __future__ import annotations

import io
import itertools
import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.coding import learning, services
from app.extensions import db
from app.models import AuditEvent, Code, Coding, CodingSource, Contribution, JobStatus, Project, SuggestionModel, User

# Ten ways each of saying three themes: enough for the model (and different words from the keyword rules).
SAID = {
    "HEEL-VERL": [
        "Het is hier 's avonds pikkedonker",
        "De lampen langs het pad doen het niet",
        "Die lantaarnpaal is al weken kapot",
        "Er brandt geen licht bij de brug",
        "Je ziet geen hand voor ogen in de winter",
        "Twee lampen in onze straat blijven uit",
        "Kan er een extra lichtpunt komen bij de school",
        "Het is er aardedonker als je thuiskomt",
        "De straatlampen gaan niet meer aan",
        "De verlichting knippert de hele avond",
    ],
    "SCH-HOND": [
        "Overal ligt hondenpoep op de stoep",
        "Baasjes ruimen de drollen niet op",
        "Het grasveld is een hondentoilet geworden",
        "Je stapt steeds in de poep van honden",
        "Honden poepen in de zandbak",
        "Er moeten poepzakjes komen, het stinkt",
        "Het speelveldje is een grote hondenwc",
        "De hondenbezitters laten alles liggen",
        "Mijn kind stond weer in de hondenpoep",
        "Er is geen losloopgebied voor honden",
    ],
    "VRK-PARK": [
        "Er is nooit plek om te parkeren",
        "Bedrijfsbusjes staan het hele weekend voor de deur",
        "Mensen zetten hun auto op de stoep",
        "Na zessen rijd ik rondjes voor een plek",
        "Caravans staan maanden op straat",
        "Mijn visite kan de auto nergens kwijt",
        "De blauwe zone wordt niet gehandhaafd",
        "Aanhangers nemen alle plekken in",
        "Er staan auto's in de bocht geparkeerd",
        "Busjes blokkeren de uitrit",
    ],
}
PLACES = ["bij de school", "in de Bachstraat", "achter het winkelcentrum", "op het plein"]


def add_statement(project_id: int, round_id: int, text: str) -> Contribution:
    contribution = Contribution(
        uuid=uuid.uuid4(), project_id=project_id, round_id=round_id, recorded_at=datetime.now(UTC), text=text, fingerprint="t" * 64
    )
    db.session.add(contribution)
    db.session.flush()
    return contribution


def code_many(project: Project, round_id: int, coder: User) -> dict[str, Code]:
    """Thirty coded statements, ten per theme; returns the three codes by key."""
    codes = {c.key: c for c in db.session.scalars(sa.select(Code).where(Code.project_id == project.id, Code.key.in_(SAID)))}
    places = itertools.cycle(PLACES)
    for key, ways in SAID.items():
        for way in ways:
            target = add_statement(project.id, round_id, f"{way} {next(places)}.")
            services.code_input(project, target, codes[key], coder)
    db.session.commit()
    return codes


def code_many_in(project_id: int) -> int:
    """Thirty coded statements by the project's coordinator, in the round of its contributions (a demo
    project); the round's id."""
    from app.models import Membership, Role

    coordinator = db.session.scalar(
        sa.select(User).join(Membership).where(Membership.project_id == project_id, Membership.role == Role.coordinator)
    )
    round_id = db.session.scalar(sa.select(Contribution.round_id).where(Contribution.project_id == project_id).limit(1))
    code_many(db.session.get(Project, project_id), round_id, coordinator)
    return round_id


@pytest.fixture
def learned(app, world):
    """World's project A with thirty codings, a trained model and one uncoded statement about dark streets."""
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        coordinator = db.session.get(User, world.coord_a.id)
        codes = code_many(project, world.fieldwork_a["info_round_id"], coordinator)
        row = learning.train_now(project)
        target = add_statement(
            project.id, world.fieldwork_a["info_round_id"], "Bij ons op het plein is het 's avonds pikkedonker, de lampen doen het niet"
        )
        db.session.commit()
        return {
            "codes": {key: code.id for key, code in codes.items()},
            "target": target.id,
            "url": f"/projects/{project.id}/coding/contributions/{target.id}",
            "model": (row.status, row.statements, row.codes),
        }


def test_the_model_learns_from_the_codings_and_proposes_with_a_confidence(app, client, world, learned):
    assert learned["model"] == (JobStatus.done, 31, 3)  # three codes of ten statements each (and the world's one coding)
    with app.app_context():
        confidence = learning.confidences(world.project_a.id, "Die lampen doen het niet, het is pikkedonker bij de brug")
        best = max(confidence, key=confidence.get)
        assert best == learned["codes"]["HEEL-VERL"] and 0.4 < confidence[best] < 1
        assert confidence[learned["codes"]["VRK-PARK"]] < confidence[best]
        codings = db.session.scalar(sa.select(sa.func.count()).select_from(Coding))
    client.login(world.coord_a.email)
    page = client.get(learned["url"])
    assert page.status_code == 200
    assert "geleerd van eerdere coderingen" in page.text and "% zeker" in page.text
    with app.app_context():  # suggesting coded nothing
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Coding)) == codings
    index = client.get(f"/projects/{world.project_a.id}/coding/")
    assert "3 codes geleerd van 31 gecodeerde uitspraken" in index.text


def test_accepting_a_learned_suggestion_codes_it_as_learned_and_audits_it(app, client, world, learned):
    client.login(world.coord_a.email)
    lights = learned["codes"]["HEEL-VERL"]
    form = f"//form[.//input[@name='accept' and @value='model'] and .//input[@name='code' and @value='{lights}']]"
    response = client.submit(learned["url"], form=form)
    assert response.status_code == 302
    with app.app_context():
        coding = db.session.scalar(sa.select(Coding).where(Coding.contribution_id == learned["target"]))
        assert coding.code_id == lights and coding.source == CodingSource.model and coding.start is None
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "coding.create").order_by(AuditEvent.id.desc()))
        assert event.details["source"] == "model"
    page = client.get(learned["url"])
    assert f'name="code" value="{lights}"' not in page.text.split('id="suggestions-heading"')[-1].split("</section>")[0]


def test_a_rejected_learned_suggestion_is_not_offered_again_and_teaches_the_model(app, client, world, learned):
    client.login(world.coord_a.email)
    lights = learned["codes"]["HEEL-VERL"]
    reject = f"//form[contains(@action, '/reject') and .//input[@name='code' and @value='{lights}']]"
    assert client.submit(learned["url"], form=reject).status_code == 302
    page = client.get(learned["url"])
    suggestions = page.text.split('id="suggestions-heading"')[-1].split("</section>")[0] if "suggestions-heading" in page.text else ""
    assert f'value="{lights}"' not in suggestions
    with app.app_context():
        texts, labels, rejected = learning.examples(world.project_a.id)
        place = texts.index(next(t for t in texts if "pikkedonker, de lampen" in t))
        assert labels[place] == set() and rejected[place] == {lights}  # a counter-example, nothing else
        taught = learning.train(texts, labels, rejected)
        untaught = learning.train(texts, labels, [set() for _ in texts])
        column = list(taught.code_ids).index(lights)
        text = texts[place]
        assert taught.confidence([text])[0][column] < untaught.confidence([text])[0][column]


def test_too_little_coded_trains_nothing_and_the_page_says_so(app, client, world):
    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        assert learning.due(project) is None  # one coding in the world's project
        row = learning.train_now(project)  # asked anyway: nothing learned, nothing stored
        assert (row.status, row.codes, row.data) == (JobStatus.done, 0, None)
        assert learning.confidences(project.id, "Het is hier pikkedonker") == {}
    client.login(world.coord_a.email)
    page = client.get(f"/projects/{world.project_a.id}/coding/")
    assert "nog geen code heeft genoeg voorbeelden" in page.text


def test_a_stored_model_is_read_without_pickle(app):
    model = learning.Model(np.array([1, 5]), np.ones(2, np.float32), np.array([7]), np.ones((1, 2), np.float32), np.zeros(1, np.float32))
    again = learning.Model.load(model.dump())
    assert again.code_ids.tolist() == [7] and again.columns.tolist() == [1, 5]
    out = io.BytesIO()
    np.savez(out, columns=np.array([object()], dtype=object), idf=np.ones(1), code_ids=np.ones(1), coef=np.ones(1), intercept=np.ones(1))
    with pytest.raises(ValueError):
        learning.Model.load(out.getvalue())


def test_training_runs_in_the_background_once_enough_is_coded(live_database, make_app, databases):
    """With real commits: opening a coding page queues a training (a thread here, RQ with Redis), which
    stores the model; a coordinator's "Opnieuw leren" queues one again; no double queueing."""
    from .test_exports import demo_client

    app = make_app(live_database(demo=True), TRAIN_SUGGESTIONS=True)
    client, project_id = demo_client(app)
    with app.app_context():
        round_id = code_many_in(project_id)
        target = add_statement(project_id, round_id, "Het is daar pikkedonker")
        db.session.commit()
        target_id = target.id
        demo = db.session.scalar(sa.select(SuggestionModel).where(SuggestionModel.project_id == project_id))
        assert demo.codes == 0 and demo.data is None  # the demo's handful of codings taught no code yet
        before = demo.trained_at
    assert client.get(f"/projects/{project_id}/coding/contributions/{target_id}").status_code == 200
    learning.wait(project_id)
    with app.app_context():
        row = db.session.scalar(sa.select(SuggestionModel).where(SuggestionModel.project_id == project_id))
        assert row.status == JobStatus.done and row.codes >= 3 and row.data, (row.status, row.codes)
        assert row.trained_at > before
        first = row.trained_at
    page = client.get(f"/projects/{project_id}/coding/contributions/{target_id}")
    assert "geleerd van eerdere coderingen" in page.text  # the model serves the page
    with app.app_context():  # nothing new coded since: not queued again
        assert learning.due(db.session.get(Project, project_id)) is None
    response = client.submit(f"/projects/{project_id}/coding/", form="//form[contains(@action, '/coding/learn')]")
    assert response.status_code == 302
    learning.wait(project_id)
    with app.app_context():
        row = db.session.scalar(sa.select(SuggestionModel).where(SuggestionModel.project_id == project_id))
        assert row.status == JobStatus.done and row.trained_at > first
    with app.app_context():  # a context of its own: no session holds a connection while the pool goes
        db.engine.dispose()


def test_with_learning_switched_off_asking_trains_nothing(app, client, world):
    """TRAIN_SUGGESTIONS off (as in these tests): the button is not shown, and a request made anyway
    queues nothing and says why."""
    client.login(world.coord_a.email)
    page = client.get(f"/projects/{world.project_a.id}/coding/")
    assert "Nu opnieuw leren" not in page.text and "staan uit op deze server" in page.text
    response = client.form_post(f"/projects/{world.project_a.id}/coding/learn")
    assert response.status_code == 302
    assert "staat uit op deze server" in client.get(response.location).text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SuggestionModel)) == 0


def test_erasing_coded_input_makes_the_model_forget_it(app, world, learned):
    """A resident's erased words must not live on in what the model learned: the model is dropped and
    learned again from what is left."""
    from app.residents.services import erase_inputs

    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        assert learning.confidences(project.id, "Het is pikkedonker")
        coded = db.session.scalar(
            sa.select(Coding.contribution_id)
            .where(Coding.project_id == project.id, Coding.code_id == learned["codes"]["HEEL-VERL"])
            .limit(1)
        )
        erase_inputs(project, [], [coded], "withdrawn")
        db.session.commit()
        row = learning.current(project)
        assert (row.data, row.trained_at, row.codes) == (None, None, 0)
        assert learning.confidences(project.id, "Het is pikkedonker") == {}
        assert learning.due(project) == 30  # a new model is due (trained when training is on)
        texts, _labels, _rejected = learning.examples(project.id)
        assert len(texts) == 30 and learning.train_now(project).statements == 30  # one statement less


def test_with_redis_the_training_runs_on_an_rq_worker(live_database, make_app):
    """With a queue the training goes to RQ (the worker that also makes big exports) and waits there."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from .conftest import redis_url_or_skip
    from .test_exports import demo_client

    redis_url = redis_url_or_skip()
    app = make_app(live_database(demo=True), TRAIN_SUGGESTIONS=True, EXPORT_QUEUE_URL=redis_url)
    connection = Redis.from_url(redis_url)
    queue = Queue("exports", connection=connection)
    queue.empty()
    client, project_id = demo_client(app)
    with app.app_context():
        code_many_in(project_id)
        db.session.commit()
    assert client.submit(f"/projects/{project_id}/coding/", form="//form[contains(@action, '/coding/learn')]").status_code == 302
    assert queue.count == 1
    with app.app_context():
        assert learning.current(db.session.get(Project, project_id)).status == JobStatus.queued  # waiting for a worker
        db.session.rollback()
        SimpleWorker([queue], connection=connection).work(burst=True)
        row = learning.current(db.session.get(Project, project_id))
        assert row.status == JobStatus.done and row.codes >= 3 and row.data
    with app.app_context():
        db.engine.dispose()
    assert queue.count == 0
    connection.close()


def test_the_blind_second_coder_sees_no_learned_suggestions(app, client_factory, world, learned):
    """Issue 24.6 with the model: the first coder is offered what it learned; the second, blind, is not."""
    from app.models import CodingSample, SampleItem

    with app.app_context():
        sample = CodingSample(project_id=world.project_a.id, coder_id=world.interviewer_a.id, drawn_by_id=world.coord_a.id, name="Blind")
        db.session.add(sample)
        db.session.flush()
        item = SampleItem(sample_id=sample.id, contribution_id=learned["target"])
        db.session.add(item)
        db.session.commit()
        blind = f"/projects/{world.project_a.id}/coding/second/{sample.id}/items/{item.id}"
    first = client_factory()
    first.login(world.coord_a.email)
    assert "geleerd van eerdere coderingen" in first.get(learned["url"]).text
    second = client_factory()
    second.login(world.interviewer_a.email)
    page = second.get(blind)
    assert page.status_code == 200 and "pikkedonker" in page.text
    assert "Suggesties" not in page.text and "geleerd van eerdere coderingen" not in page.text and "zeker" not in page.text


def test_a_training_that_died_with_its_worker_is_due_again_and_says_so(app, client, world, learned):
    from datetime import timedelta

    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        row = learning.current(project)
        assert learning.due(project) is None  # trained, nothing new since
        row.status, row.updated_at = JobStatus.running, row.updated_at - learning.STALE_AFTER - timedelta(minutes=1)
        db.session.commit()
        assert learning.failed(row) and not learning.busy(row)
        assert learning.due(project) == learning.taught(project.id)  # trained again, though nothing new was coded
    client.login(world.coord_a.email)
    assert "Het laatste leren is mislukt" in client.get(f"/projects/{world.project_a.id}/coding/").text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=5), st.integers(1, 7))
def test_selecting_the_learned_features_equals_scipys_column_indexing(texts, step):
    raw = learning.counts(texts)
    columns = np.unique(raw.indices)[::step]
    assert np.array_equal(learning.select(raw.copy(), columns).toarray(), raw[:, columns].toarray())
