"""Interview guides: editing, checks, publishing, immutability, version pinning, exchange, copy."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from lxml import html as lxml_html

from app.extensions import db
from app.models import AuditEvent, Guide, GuideVersion, Interview, Question, VersionStatus


@pytest.fixture
def coordinator(client, make_user, make_project):
    user = make_user()
    project = make_project(user)
    client.login(user.email)
    return user, project


def new_guide(client, project, name="Straatgesprek"):
    response = client.form_post(f"/projects/{project.id}/guides/new", {"name": name})
    assert response.status_code == 302
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def section_id(query, guide_id):
    return query(lambda: db.session.get(Guide, guide_id).versions[-1].sections[0].id)


def add_question(client, project, guide_id, section, **fields):
    """Add a question as a person does: in the builder's form at the end of the section."""
    return client.submit(
        f"/projects/{project.id}/guides/{guide_id}",
        {f"new{section}-{name}": value for name, value in fields.items()},
        form=f"//form[contains(@action, 'questions/new?section={section}')]",
    )


def edit_question(client, project, guide_id, question_id, **fields):
    """Change a question in its form in the builder (opened with its "Bewerken" link)."""
    return client.submit(
        f"/projects/{project.id}/guides/{guide_id}?edit={question_id}",
        {f"q{question_id}-{name}": value for name, value in fields.items()},
        form=f"//form[@action='/projects/{project.id}/guides/{guide_id}/questions/{question_id}']",
    )


def test_build_a_guide_with_every_question_type_and_publish_it(client, coordinator, query):
    _user, project = coordinator
    guide_id = new_guide(client, project)
    section = section_id(query, guide_id)
    questions = [
        dict(key="naam_straat", type="short_text", label="Welke straat?"),
        dict(key="verhaal", type="long_text", label="Vertel", required="y"),
        dict(key="vervoer", type="single_choice", label="Vervoer?", options="fiets = Fiets\nauto = Auto"),
        dict(key="thema", type="multi_choice", label="Thema's", options="Groen\nSpelen en sporten"),
        dict(key="cijfer", type="scale", label="Cijfer", scale_min="1", scale_max="5", min_label="slecht", max_label="goed"),
        dict(key="veilig", type="yes_no", label="Veilig?"),
        dict(key="jaren", type="number", label="Jaren", number_min="0", number_max="99", integer="y"),
        dict(key="sinds", type="date", label="Sinds?"),
        dict(key="wijk", type="area", label="Welke wijk?"),
        dict(key="plek", type="gps", label="Waar?"),
        dict(key="groen", type="quality", label="Beeld groen", element="gras"),
        dict(key="waarom", type="short_text", label="Waarom niet?", show_if_question="veilig", show_if_op="equals", show_if_value="no"),
        dict(
            key="sport",
            type="short_text",
            label="Welke sport?",
            show_if_question="thema",
            show_if_op="includes",
            show_if_value="spelen_en_sporten",
        ),
    ]
    for fields in questions:
        response = add_question(client, project, guide_id, section, **fields)
        assert response.status_code == 302, (fields["key"], response.text[response.text.find("error") :][:400])
    response = client.form_post(f"/projects/{project.id}/guides/{guide_id}/publish")
    assert response.status_code == 302
    version = query(lambda: db.session.get(Guide, guide_id).versions[-1])
    assert version.status == VersionStatus.published and version.published_at is not None
    stored = query(
        lambda: [(q.key, q.type.value, q.options, q.config, q.show_if) for q in db.session.get(Guide, guide_id).versions[-1].questions]
    )
    assert [s[0] for s in stored] == [q["key"] for q in questions]
    assert stored[3][2] == [{"value": "groen", "label": "Groen"}, {"value": "spelen_en_sporten", "label": "Spelen en sporten"}]
    assert stored[4][3] == {"min": 1, "max": 5, "min_label": "slecht", "max_label": "goed"}
    assert stored[6][3] == {"min": 0, "max": 99, "integer": True}
    assert stored[12][4] == {"question": "thema", "op": "includes", "value": "spelen_en_sporten"}
    preview = client.get(f"/projects/{project.id}/guides/{guide_id}/versions/{version.id}/preview")
    assert preview.status_code == 200
    for fields in questions:
        assert fields["label"].replace("'", "&#39;") in preview.text
    assert 'data-show-if-question="veilig"' in preview.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(key="1abc", label="Vraag"), "The key must start with a letter"),
        (dict(key="dubbel", label="Vraag"), "The key dubbel is used twice."),
        (dict(key="keuze", type="single_choice", label="Vraag", options="alleen"), "A choice question needs at least two options."),
        (dict(key="keuze", type="single_choice", label="Vraag", options="a = A\na = B"), "Two options have the same value."),
        (dict(key="schaal", type="scale", label="Vraag", scale_min="5", scale_max="1"), "A scale runs between two whole numbers"),
        (dict(key="getal", type="number", label="Vraag", number_min="10", number_max="1"), "The lowest number is above the highest."),
        (dict(key="getal", type="number", label="Vraag", number_min="1e999"), "The lowest and highest number must be numbers."),
        (dict(key="getal", type="number", label="Vraag", number_max="nan"), "The lowest and highest number must be numbers."),
        (dict(key="schaal", type="scale", label="Vraag", scale_min="1", scale_max="9" * 400), "A scale runs between two whole numbers"),
        (dict(key="beeld", type="quality", label="Vraag", element=""), "Choose the element from the list."),
        (
            dict(key="beeld", type="quality", label="Vraag", element="Groen"),
            "Choose the element from the list.",
        ),  # not a key of the project
        (
            dict(key="als", label="Vraag", show_if_question="later", show_if_value="x"),
            "Show-if refers to later, which is not an earlier question.",
        ),
        (dict(key="als", label="Vraag", show_if_question="dubbel", show_if_op="includes", show_if_value="x"), "Show-if cannot use"),
    ],
)
def test_question_rules_give_clear_errors(client, make_user, make_project, query, fields, message):
    user = make_user(language="en")  # the messages read here in English; test_i18n checks the Dutch
    project = make_project(user)
    client.login(user.email)
    guide_id = new_guide(client, project)
    section = section_id(query, guide_id)
    assert add_question(client, project, guide_id, section, key="dubbel", label="Eerste").status_code == 302
    response = add_question(client, project, guide_id, section, **fields)
    assert response.status_code == 422
    assert message in response.text.replace("&#34;", '"')
    assert query(lambda: len(db.session.get(Guide, guide_id).versions[-1].questions)) == 1


def test_an_empty_guide_cannot_be_published(client, coordinator, query):
    _user, project = coordinator
    guide_id = new_guide(client, project)
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/publish")
    assert query(lambda: db.session.get(Guide, guide_id).versions[-1].status) == VersionStatus.draft


def test_published_versions_do_not_change_and_interviews_keep_their_meaning(app, client, world, query):
    """Editing makes a new version; the interview taken with v1 still points at v1's question."""
    project, ids = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    guide_id = ids["guide_id"]
    v1_question = query(lambda: db.session.get(GuideVersion, ids["version_id"]).questions[0])

    # the published version refuses every change, even through its question ids
    edit = client.form_post(
        f"/projects/{project.id}/guides/{guide_id}/questions/{v1_question.id}",
        {
            "section": "1",
            "type": "scale",
            "key": "tevreden",
            "label": "Veranderd",
            "scale_min": "1",
            "scale_max": "5",
            "show_if_op": "equals",
        },
    )
    assert edit.status_code == 409
    assert client.form_post(f"/projects/{project.id}/guides/{guide_id}/questions/{v1_question.id}/delete").status_code == 409

    # the draft (v2) changes the question's text and scale, then is published
    draft_question = query(lambda: db.session.get(Question, ids["question_id"]))
    response = edit_question(client, project, guide_id, draft_question.id, label="Geef een rapportcijfer", scale_max="10")
    assert response.status_code == 302
    assert client.form_post(f"/projects/{project.id}/guides/{guide_id}/publish").status_code == 302

    versions = query(
        lambda: [(v.number, v.status, v.questions[0].label, v.questions[0].config["max"]) for v in db.session.get(Guide, guide_id).versions]
    )
    assert versions == [(1, VersionStatus.published, "Hoe tevreden bent u?", 5), (2, VersionStatus.published, "Geef een rapportcijfer", 10)]
    interview = query(lambda: db.session.get(Interview, ids["interview_id"]))
    assert interview.guide_version_id == ids["version_id"]
    detail = client.get(f"/projects/{project.id}/interviews/{interview.id}").text
    assert "Hoe tevreden bent u?" in detail and "Geef een rapportcijfer" not in detail

    # a new draft starts as a copy of the newest version
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/versions")
    v3 = query(lambda: (lambda v: (v.number, v.status, v.questions[0].label))(db.session.get(Guide, guide_id).versions[-1]))
    assert v3 == (3, VersionStatus.draft, "Geef een rapportcijfer")


def test_reorder_and_sections(client, coordinator, query):
    _user, project = coordinator
    guide_id = new_guide(client, project)
    section = section_id(query, guide_id)
    for key in ("een", "twee", "drie"):
        add_question(client, project, guide_id, section, key=key, label=key.title())
    keys = lambda: query(lambda: [q.key for q in db.session.get(Guide, guide_id).versions[-1].questions])  # noqa: E731
    drie = query(lambda: db.session.scalar(sa.select(Question.id).where(Question.key == "drie")))
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/questions/{drie}/move", {"step": "up"})
    assert keys() == ["een", "drie", "twee"]
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/questions/{drie}/move", {"step": "up"})
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/questions/{drie}/move", {"step": "up"})  # already first
    assert keys() == ["drie", "een", "twee"]
    client.form_post(f"/projects/{project.id}/guides/{guide_id}/sections", {"title": "Tweede deel"})
    titles = query(lambda: [s.title for s in db.session.get(Guide, guide_id).versions[-1].sections])
    assert titles == ["", "Tweede deel"]


def test_json_export_and_import_round_trip(client, world, query):
    client.login(world.coord_a.email)
    project, ids = world.project_a, world.fieldwork_a
    exported = client.get(f"/projects/{project.id}/guides/{ids['guide_id']}/versions/{ids['version_id']}/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    document = exported.json
    assert document["format"] == "buitenbinnen-guide" and document["sections"][0]["questions"][0]["key"] == "tevreden"
    response = client.form_post(
        f"/projects/{project.id}/guides/import/json",
        {"file": (io.BytesIO(json.dumps(document).encode()), "gids.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    new_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    imported = query(lambda: [(q.key, q.type, q.label, q.config) for q in db.session.get(Guide, new_id).versions[0].questions])
    original = query(lambda: [(q.key, q.type, q.label, q.config) for q in db.session.get(GuideVersion, ids["version_id"]).questions])
    assert imported == original


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"niet json", "Dit is geen JSON-bestand."),
        (b'{"format": "iets anders"}', "Dit is geen gespreksleidraad van Buitenbinnen."),
        (
            json.dumps(
                {
                    "format": "buitenbinnen-guide",
                    "format_version": 1,
                    "name": "X",
                    "sections": [{"title": "", "questions": [{"key": "a", "type": "telepathie", "label": "?"}]}],
                }
            ).encode(),
            "Onbekend vraagtype telepathie.",
        ),
        (
            json.dumps(
                {
                    "format": "buitenbinnen-guide",
                    "format_version": 1,
                    "name": "X",
                    "sections": [{"title": "", "questions": [{"key": "a", "type": "single_choice", "label": "?", "options": []}]}],
                }
            ).encode(),
            "Een keuzevraag heeft minstens twee opties nodig.",
        ),
        (
            json.dumps(
                {
                    "format": "buitenbinnen-guide",
                    "format_version": 1,
                    "name": "X",
                    "sections": [
                        {
                            "title": "",
                            "questions": [{"key": "a", "type": "short_text", "label": "?", "translations": {"xx": {"label": "?"}}}],
                        }
                    ],
                }
            ).encode(),
            "xx is geen taal waarin een gespreksleidraad kan worden vertaald.",
        ),
        (
            json.dumps(
                {
                    "format": "buitenbinnen-guide",
                    "format_version": 1,
                    "name": "X",
                    "sections": [
                        {
                            "title": "",
                            "questions": [
                                {
                                    "key": "a",
                                    "type": "single_choice",
                                    "label": "?",
                                    "options": [{"value": "j", "label": "Ja"}, {"value": "n", "label": "Nee"}],
                                    "translations": {"en": {"label": "?", "options": {"maybe": "Maybe"}}},
                                }
                            ],
                        }
                    ],
                }
            ).encode(),
            "De vertaling in en noemt opties die de vraag niet heeft.",
        ),
    ],
)
def test_a_bad_json_guide_imports_nothing(client, coordinator, query, content, message):
    _user, project = coordinator
    response = client.form_post(
        f"/projects/{project.id}/guides/import/json", {"file": (io.BytesIO(content), "gids.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in response.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Guide))) == 0


def test_copy_a_guide_to_another_project(client, world, make_project, query):
    other = make_project(world.coord_a, "Tweede project")
    client.login(world.coord_a.email)
    response = client.form_post(f"/projects/{world.project_a.id}/guides/{world.fieldwork_a['guide_id']}/copy", {"target": str(other.id)})
    assert response.status_code == 302
    copies = query(
        lambda: [(g.name, [v.status for v in g.versions]) for g in db.session.scalars(sa.select(Guide).where(Guide.project_id == other.id))]
    )
    assert copies == [("Straatgesprek", [VersionStatus.draft])]
    # not into a project where the coordinator is not a coordinator
    refused = client.form_post(
        f"/projects/{world.project_a.id}/guides/{world.fieldwork_a['guide_id']}/copy", {"target": str(world.project_b.id)}
    )
    assert refused.status_code == 404
    actions = query(lambda: db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("guide.%"))).all())
    assert "guide.copy" in actions and "guide.publish" in actions


# -- the builder on one page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "taken", "key"),
    [
        ("Hoe tevreden bent u over het groen in uw straat?", (), "tevreden_groen_straat"),
        ("Hoe tevreden bent u over het groen in uw straat?", ("tevreden_groen_straat",), "tevreden_groen_straat_2"),
        ("Één café, één brug?", (), "cafe_brug"),
        ("2 vragen tegelijk", (), "v_2_vragen_tegelijk"),
        ("Wat?", (), "wat"),
        ("???", (), "vraag"),
        ("Welke " + "lange" * 30, (), ("lange" * 30)[:40]),
    ],
)
def test_a_key_is_made_from_the_question(label, taken, key):
    from app.guides.definition import KEY_PATTERN, make_key

    made = make_key(label, set(taken))
    assert made == key and KEY_PATTERN.match(made)


def test_questions_added_in_the_builder_get_keys_and_rules_chosen_from_options(client, coordinator, query):
    _user, project = coordinator
    guide_id = new_guide(client, project)
    section = section_id(query, guide_id)
    assert add_question(client, project, guide_id, section, label="Voelt u zich veilig op straat?", type="yes_no").status_code == 302
    assert (
        add_question(
            client, project, guide_id, section, label="Wat doet u hier?", type="multi_choice", options="Wandelen\nSporten"
        ).status_code
        == 302
    )
    builder = client.get(f"/projects/{project.id}/guides/{guide_id}")
    offered = lxml_html.fromstring(builder.text).xpath(f"//select[@name='new{section}-condition']/option")
    assert [(o.get("value"), o.text) for o in offered] == [
        ("", "— altijd tonen —"),
        ("veilig_straat=yes", "Voelt u zich veilig op straat? is ja"),
        ("veilig_straat=no", "Voelt u zich veilig op straat? is nee"),
        ("hier=wandelen", "Wat doet u hier? bevat Wandelen"),
        ("hier=sporten", "Wat doet u hier? bevat Sporten"),
    ]
    for label, condition in (("Waarom niet?", "veilig_straat=no"), ("Waar sport u?", "hier=sporten")):
        assert add_question(client, project, guide_id, section, label=label, condition=condition).status_code == 302
    stored = query(lambda: [(q.key, q.show_if) for q in db.session.get(Guide, guide_id).versions[-1].questions])
    assert stored == [
        ("veilig_straat", None),
        ("hier", None),
        ("waarom_niet", {"question": "veilig_straat", "op": "equals", "value": "no"}),
        ("sport", {"question": "hier", "op": "includes", "value": "sporten"}),
    ]
    # Each question's own form in the builder shows its rule chosen, and says it in words.
    niet = query(lambda: db.session.scalar(sa.select(Question.id).where(Question.key == "waarom_niet")))
    builder = lxml_html.fromstring(client.get(f"/projects/{project.id}/guides/{guide_id}?edit={niet}").text)
    assert builder.xpath(f"//select[@name='q{niet}-condition']/option[@selected]/@value") == ["veilig_straat=no"]
    assert "alleen als: Voelt u zich veilig op straat? is nee" in builder.xpath(f"string(//li[@id='q-{niet}'])")
    # A rule on an option the question does not offer is refused, and nothing is stored.
    response = add_question(client, project, guide_id, section, label="Nooit", condition="hier=zwemmen")
    assert response.status_code == 422 and "zwemmen" in response.text
    assert lxml_html.fromstring(response.text).xpath(f"string(//textarea[@name='new{section}-label'])").strip() == "Nooit"  # kept
    assert query(lambda: len(db.session.get(Guide, guide_id).versions[-1].questions)) == 4


def test_a_question_edited_in_place_keeps_its_key(client, coordinator, query):
    _user, project = coordinator
    guide_id = new_guide(client, project)
    section = section_id(query, guide_id)
    add_question(client, project, guide_id, section, label="Hoe vindt u het groen?")
    question = query(lambda: db.session.scalar(sa.select(Question.id)))
    response = edit_question(client, project, guide_id, question, label="Wat vindt u van het groen in uw buurt?", required="y")
    assert response.status_code == 302 and response.location.endswith(f"#q-{question}")
    assert query(lambda: (lambda q: (q.key, q.label, q.required))(db.session.get(Question, question))) == (
        "groen",  # made from the first text, kept when the text changes
        "Wat vindt u van het groen in uw buurt?",
        True,
    )
    refused = edit_question(client, project, guide_id, question, label="")
    assert refused.status_code == 422
    tree = lxml_html.fromstring(refused.text)
    assert tree.xpath(f"//li[@id='q-{question}']//form[@data-question-form]")  # the refused form stays open
    assert query(lambda: db.session.get(Question, question).label) == "Wat vindt u van het groen in uw buurt?"


def test_publishing_asks_first_and_says_what_changes(client, world, query):
    project, ids = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    guide_id = ids["guide_id"]
    draft_id, section = query(lambda: (lambda v: (v.id, v.sections[0].id))(db.session.get(Guide, guide_id).versions[-1]))
    assert add_question(client, project, guide_id, section, label="Wat mist u in de buurt?").status_code == 302
    confirm = client.get(f"/projects/{project.id}/guides/{guide_id}/publish")
    assert confirm.status_code == 200
    text = lxml_html.fromstring(confirm.text).xpath("string(//main)")
    assert "Versie 2 van Straatgesprek publiceren?" in text
    assert "Nieuwe vraag: Wat mist u in de buurt?" in text
    assert "Rondes die deze gespreksleidraad gebruiken: Straat." in text
    assert "1 gesprek dat met een eerdere versie is gehouden" in text
    assert query(lambda: db.session.get(GuideVersion, draft_id).status) == VersionStatus.draft  # asking stores nothing
    response = client.submit(f"/projects/{project.id}/guides/{guide_id}/publish")
    assert response.status_code == 302
    assert query(lambda: db.session.get(GuideVersion, draft_id).status) == VersionStatus.published


def test_the_preview_beside_the_builder_may_be_framed_by_the_app_only(client, world):
    project, ids = world.project_a, world.fieldwork_a
    client.login(world.coord_a.email)
    builder = client.get(f"/projects/{project.id}/guides/{ids['guide_id']}")
    frame = lxml_html.fromstring(builder.text).xpath("//iframe/@src")[0]
    framed = client.get(frame)
    assert framed.status_code == 200 and "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert 'class="site-nav"' not in framed.text  # no menu inside the frame
    own = client.get(frame.replace("embed=1", ""))
    assert "frame-ancestors 'none'" in own.headers["Content-Security-Policy"] and own.headers["X-Frame-Options"] == "DENY"
