"""Demo data for ``flask seed-demo``: a realistic Almere set-up built through the services.

Later capabilities add their own step to ``STEPS`` (guides, interviews, codings), so one
command keeps building a complete demo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import demo_coding, demo_fieldwork, demo_outlines
from .areas import outlines as area_outlines
from .areas import services as area_services
from .auth import services as auth_services
from .coding import learning
from .models import Project, Role, User
from .projects import services as project_services
from .projects import starting

# A copy of ../shared/domain/almere_areas.csv, so the app does not depend on files outside it.
AREAS_FILE = Path(__file__).resolve().parent / "demo_data" / "almere_areas.csv"

# Demo logins, printed by the command and listed in README. Demo only: seed-demo refuses to
# run in production.
DEMO_USERS = [
    ("beheer@buitenbinnen.example", "Bea Beheer", "beheer-demo-2027", True),
    ("coordinator@buitenbinnen.example", "Cor Coördinator", "coordinator-demo-2027", False),
    ("interviewer@buitenbinnen.example", "Ilse Interviewer", "interviewer-demo-2027", False),
    ("beleid@buitenbinnen.example", "Bram Beleid", "beleid-demo-2027", False),
]

RESIDENT_TEXT = (
    "Wij zijn van de gemeente Almere en praten met bewoners over het onderhoud van de buitenruimte. "
    "Wat u vertelt, gebruiken we voor het beheer- en onderhoudsplan. We vragen niet naar uw naam of "
    "huisnummer. U krijgt een code waarmee u later uw inbreng kunt inzien of laten verwijderen."
)


@dataclass
class Demo:
    interviews: int = 0
    seed: int = 2027
    users: dict[str, User] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    fieldwork: dict[str, object] = field(default_factory=dict)
    coding: dict[str, object] = field(default_factory=dict)


def _users(demo: Demo) -> None:
    for email, name, password, is_admin in DEMO_USERS:
        demo.users[email.split("@")[0]] = auth_services.create_user(email, name, password, is_admin=is_admin)
        demo.passwords[email] = password


def _projects(demo: Demo) -> None:
    coordinator = demo.users["coordinator"]
    rows = area_services.parse(area_services.decode(AREAS_FILE.read_bytes()))
    specs = [
        (
            "muziekwijk",
            project_services.ProjectData(
                name="Groot onderhoud Muziekwijk Zuid 2027",
                purpose="Informatieronde en straatgesprekken met bewoners, verwerkt in het beheer- en onderhoudsplan.",
                sponsor="Directeur Stadsbeheer",
                starts_on=date(2027, 1, 11),
                ends_on=date(2027, 6, 30),
                resident_text=RESIDENT_TEXT,
                contact_info="Wijkteam Muziekwijk: bel 14 036 of mail wijkteam.muziekwijk@almere.example",
                retention_months=24,
                personal_retention_months=12,
            ),
            {"interviewer": Role.interviewer, "beleid": Role.viewer},
        ),
        (
            "digitalisering",
            project_services.ProjectData(
                name="Digitalisering en ouderen Almere Haven",
                purpose="Gesprekken met oudere bewoners en hun organisaties over wat digitalisering voor hen betekent.",
                sponsor="Directeur Sociaal Domein",
                starts_on=date(2027, 2, 1),
                ends_on=date(2027, 9, 30),
                contact_info="Bel 14 036 en vraag naar het project Digitalisering en ouderen.",
                retention_months=12,
                personal_retention_months=6,
            ),
            {"interviewer": Role.interviewer},
        ),
        (
            "duurzaam",
            project_services.ProjectData(
                name="Duurzame initiatiefnemers Almere Poort",
                purpose="Lokale duurzaamheidsinitiatieven in kaart brengen en met elkaar verbinden.",
                sponsor="Directeur Duurzaamheid",
            ),
            {},
        ),
    ]
    # Each kind of assignment from its own template: its guide, codebook, text and rounds. Their set-up is
    # made after the Muziekwijk field work (``_template_set_ups``), so the Muziekwijk project's rounds and
    # guide keep the first ids whatever the templates bring.
    for key, data, members in specs:
        project = project_services.create_project(data, coordinator)
        area_services.import_areas(project, rows)
        # Outlines made for the demo (illustrative, not official), through the coordinator's import.
        matched, _skipped = area_outlines.check(project, demo_outlines.as_bytes(rows))
        area_outlines.import_outlines(project, matched)
        for user_key, role in members.items():
            project_services.add_member(project, demo.users[user_key], role)
        demo.projects[key] = project


def _fieldwork(demo: Demo) -> None:
    demo.fieldwork = demo_fieldwork.build(
        demo.projects["muziekwijk"], demo.users["coordinator"], demo.users["interviewer"], demo.interviews, demo.seed
    )


def _coding(demo: Demo) -> None:
    demo.coding = demo_coding.build(demo.projects["muziekwijk"], demo.users["coordinator"], demo.users["interviewer"], demo.seed)
    learning.train_now(demo.projects["muziekwijk"])  # the learned suggestions, from what was coded


TEMPLATES = {"digitalisering": "ouderen-en-digitalisering", "duurzaam": "duurzame-initiatieven"}


def _template_set_ups(demo: Demo) -> None:
    """The other two kinds of assignment get their own template's set-up."""
    for key, template in TEMPLATES.items():
        starting.apply_template(demo.projects[key], starting.templates()[template], demo.users["coordinator"])


STEPS: list[Callable[[Demo], None]] = [_users, _projects, _fieldwork, _coding, _template_set_ups]


def seed(interviews: int = 0, seed: int = 2027) -> Demo:
    demo = Demo(interviews=interviews, seed=seed)
    for step in STEPS:
        step(demo)
    return demo
