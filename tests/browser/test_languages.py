"""A guide in two languages: the interviewer switches the questions to English for the resident during
the talk, the resident answers in English, and the answers are the same values as in Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import database_rows
from tests.browser.test_pages import login
from tests.live import LiveServer

pytestmark = pytest.mark.browser
INTERVIEWER = ("interviewer@buitenbinnen.example", "interviewer-demo-2027")
GUIDE = {
    "format": "buitenbinnen-guide",
    "format_version": 1,
    "name": "Buurtgesprek tweetalig",
    "sections": [
        {
            "title": "",
            "questions": [
                {
                    "key": "vervoer",
                    "type": "single_choice",
                    "label": "Hoe komt u meestal hier?",
                    "help": "Eén antwoord.",
                    "options": [{"value": "fiets", "label": "Fiets"}, {"value": "bus", "label": "Bus"}],
                    "translations": {
                        "en": {
                            "label": "How do you usually get here?",
                            "help": "One answer.",
                            "options": {"fiets": "Bicycle", "bus": "Bus"},
                        }
                    },
                },
                {
                    "key": "wens",
                    "type": "long_text",
                    "label": "Wat wenst u voor de buurt?",
                    "translations": {"en": {"label": "What do you wish for the neighbourhood?", "help": ""}},
                },
            ],
        }
    ],
}


@pytest.fixture
def bilingual(databases: Any, tmp_path: Path) -> Iterator[LiveServer]:
    """The demo, with a published bilingual guide and a street round for the interviewer."""
    from app import create_app, demo
    from app.extensions import db
    from app.guides import services as guides
    from app.models import Project, RoundKind, User
    from app.rounds import services as rounds
    from tests.conftest import app_config, migrate

    url = databases.new()
    setup = create_app(app_config(url, str(tmp_path / "setup")))
    migrate(setup)
    with setup.app_context():
        demo.seed(interviews=0)
        project = db.session.scalar(sa.select(Project).where(Project.name.like("Groot onderhoud%")))
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@buitenbinnen.example"))
        interviewer = db.session.scalar(sa.select(User).where(User.email == INTERVIEWER[0]))
        name, sections = guides.from_document(GUIDE)
        guide = guides.import_guide(project, name, sections, "json")
        guides.publish(guides.draft_of(guide), coordinator)
        rounds.create_round(
            project, rounds.RoundData(RoundKind.street, "Gesprekken in twee talen", guide_id=guide.id, interviewer_ids=[interviewer.id])
        )
        db.session.commit()
        db.engine.dispose()
    with LiveServer(url, tmp_path / "live") as live:
        yield live


def test_the_resident_reads_the_questions_in_english_and_the_answers_stay_comparable(bilingual, page_at):
    page = page_at(1024, 768, has_touch=True)
    login(page, bilingual, *INTERVIEWER)
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").click()
    page.get_by_role("link", name="Veldwerk").click()
    page.get_by_role("link", name="Gesprekken in twee talen").click()
    page.get_by_role("link", name="Start een gesprek").click()
    page.get_by_label("De bewoner heeft de tekst hierboven gehoord").tap()

    switch = page.get_by_role("group", name="Taal van de vragen")
    switch.get_by_role("button", name="English").tap()
    expect(switch.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    question = page.get_by_role("group", name="How do you usually get here?")
    expect(question).to_be_visible()
    expect(page.locator(".question[lang=en]")).to_have_count(2)
    expect(page.get_by_text("One answer.")).to_be_visible()
    question.get_by_label("Bicycle").tap()
    page.get_by_label("What do you wish for the neighbourhood?").fill("More benches along the canal.")

    # Back to Dutch for the interviewer: the same choice stays chosen, in Dutch.
    switch.get_by_role("button", name="Nederlands").tap()
    expect(page.get_by_role("group", name="Hoe komt u meestal hier?").get_by_label("Fiets")).to_be_checked()

    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    expect(page.locator("[data-receipt-status]")).to_contain_text("opgeslagen")
    stored = database_rows(
        bilingual,
        "SELECT q.key, a.value FROM answers a JOIN guide_questions q ON q.id = a.question_id"
        " JOIN guide_versions v ON v.id = q.version_id JOIN guides g ON g.id = v.guide_id"
        " WHERE g.name = 'Buurtgesprek tweetalig' ORDER BY q.position",
    )
    assert [(key, str(value)) for key, value in stored] == [("vervoer", '"fiets"'), ("wens", '"More benches along the canal."')]
    assert page.errors == []
