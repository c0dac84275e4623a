"""Every role's journey through the visible page, as a person does it: clicking and typing into what is on
screen, never posting a field the page does not show. One server and one browser for the module; the
journeys run in order (a coordinator sets a project up, an interviewer records, the coordinator codes
and reports, a policy maker reads)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page as browser_page
from tests.browser.test_pages import login
from tests.live import LiveServer

pytestmark = pytest.mark.browser

COORDINATOR = ("coordinator@buitenbinnen.example", "coordinator-demo-2027")
INTERVIEWER = ("interviewer@buitenbinnen.example", "interviewer-demo-2027")
POLICY_MAKER = ("beleid@buitenbinnen.example", "beleid-demo-2027")
PROJECT = "Wijkschouw Stedenwijk 2027"
AREAS_CSV = (
    "stadsdeel,wijk,buurt\nAlmere Stad,Stedenwijk,Stedenwijk-Midden\nAlmere Stad,Stedenwijk,Stedenwijk-Zuid\nAlmere Haven,De Werven,\n"
)
# What residents say in the journey, personal data included: none of it may reach a policy maker.
SAID = "De lantaarnpaal bij Stedenwijk is kapot, bel mij op 06-12345678 of mail kees@example.nl, ik woon op de Brusselstraat 12."
PERSONAL = ("06-12345678", "kees@example.nl", "Brusselstraat 12", "12345678")


@pytest.fixture(scope="module")
def server(databases: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo in gunicorn, shared by the journeys (which build on each other)."""
    from app import create_app
    from tests.conftest import app_config, migrate

    url = databases.new()
    setup = create_app(app_config(url, str(tmp_path_factory.mktemp("instance"))))
    migrate(setup)
    with setup.app_context():
        from app import demo
        from app.extensions import db

        demo.seed(interviews=6)
        db.session.commit()
        db.engine.dispose()
    with LiveServer(url, tmp_path_factory.mktemp("live")) as live:
        yield live


@pytest.fixture(scope="module")
def desk(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script("window.print = () => {}")
    yield context
    context.close()


def new_page(context: Any) -> Any:
    return browser_page(context, console=True)


def logout(page: Any) -> None:
    page.get_by_role("button", name="Uitloggen", exact=True).click()
    page.wait_for_url(re.compile(r".*/login.*"))


def tab(page: Any, group: str, item: str | None = None) -> None:
    """Open a project tab (and one of its pages) as a person does: by its name."""
    page.get_by_role("navigation", name="Project").get_by_role("link", name=group, exact=True).click()
    if item:
        page.get_by_role("navigation", name=group).get_by_role("link", name=item, exact=True).click()
    page.wait_for_load_state()


def saved(page: Any, message: str) -> None:
    expect(page.locator(".flash, [role=status], .flash-success").filter(has_text=message).first).to_be_visible()


def test_a_a_coordinator_sets_up_an_empty_project(desk, server, tmp_path: Path):
    page = new_page(desk)
    login(page, server, *COORDINATOR)
    page.get_by_role("link", name="Nieuw project").click()
    page.get_by_label("Naam", exact=True).fill(PROJECT)
    page.get_by_role("button", name="Project aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    # The overview says what to do first.
    expect(page.get_by_role("region", name="Opzetten")).to_contain_text("Volgende stap: Gebieden importeren")

    # Areas from a CSV file.
    page.get_by_role("link", name="Gebieden importeren").click()
    page.get_by_role("link", name="Gebieden importeren").or_(page.get_by_role("link", name="Importeren uit CSV")).first.click()
    csv_file = tmp_path / "gebieden.csv"
    csv_file.write_text(AREAS_CSV)
    page.get_by_label("CSV-bestand").set_input_files(csv_file)
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("main")).to_contain_text("Gebieden geïmporteerd: 6 nieuw")
    expect(page.locator("main")).to_contain_text("Stedenwijk-Midden")

    # The interviewer joins the team.
    tab(page, "Opzet", "Team")
    page.get_by_label("E-mailadres").fill(INTERVIEWER[0])
    page.get_by_label("Rol", exact=True).select_option(label="Interviewer")
    page.get_by_role("button", name="Toevoegen of uitnodigen").click()
    expect(page.get_by_role("row").filter(has_text=INTERVIEWER[0])).to_be_visible()
    page.get_by_label("E-mailadres").fill(POLICY_MAKER[0])
    page.get_by_label("Rol", exact=True).select_option(label="Beleidsmedewerker (alleen inzien)")
    page.get_by_role("button", name="Toevoegen of uitnodigen").click()
    expect(page.get_by_role("row").filter(has_text=POLICY_MAKER[0])).to_be_visible()

    # A guide with two questions, published.
    tab(page, "Opzet", "Gespreksleidraden")
    page.get_by_label("Naam van de gespreksleidraad").fill("Schouw Stedenwijk")
    page.get_by_role("button", name="Gespreksleidraad aanmaken").click()
    for kind, label in (("Schaal", "Hoe tevreden bent u over uw straat?"), ("Lange tekst", "Wat zou u verbeteren?")):
        add = page.locator(".add-question").last
        add.get_by_label("Vraag", exact=True).fill(label)
        add.get_by_label("Type").select_option(label=kind)
        add.get_by_role("button", name="Vraag toevoegen").click()
        expect(page.locator(".question-list")).to_contain_text(label)
    page.get_by_role("link", name="Deze versie publiceren").click()
    page.get_by_role("button", name="Ja, versie 1 publiceren").click()
    expect(page.locator("main")).to_contain_text("gepubliceerd")

    # A street-interview round and an information round, through their own forms.
    tab(page, "Veldwerk", "Rondes")
    page.get_by_role("link", name="Straatgesprekken plannen").click()
    page.get_by_label("Naam", exact=True).fill("Straatgesprekken Stedenwijk")
    page.get_by_label("Gespreksleidraad").select_option(label="Schouw Stedenwijk")
    page.get_by_label("Van", exact=True).fill("2027-03-01")
    page.get_by_label("Tot en met").fill("2027-03-31")
    page.get_by_label("Almere Stad › Stedenwijk", exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Straatgesprekken Stedenwijk")).to_be_visible()

    tab(page, "Veldwerk", "Rondes")
    page.get_by_role("link", name="Informatieronde plannen").click()
    page.get_by_label("Naam", exact=True).fill("Bewonersavond Stedenwijk")
    page.get_by_label("Soort bijeenkomst").select_option(index=0)
    page.get_by_label("Plaats").fill("Wijkcentrum De Schouw")
    page.get_by_label("Begint om").fill("2027-03-10T19:30")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Bewonersavond Stedenwijk")).to_be_visible()

    # Both edited through the page they are shown on.
    page.get_by_role("link", name="Ronde bewerken").click()
    page.get_by_label("Plaats").fill("Wijkcentrum De Schouw, zaal 2")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("zaal 2")
    tab(page, "Veldwerk", "Rondes")
    page.get_by_role("link", name="Straatgesprekken Stedenwijk").click()
    page.get_by_role("link", name="Ronde bewerken").click()
    page.get_by_label("Tot en met").fill("2027-04-15")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("15 april 2027")

    # The checklist is done.
    tab(page, "Overzicht")
    expect(page.get_by_role("heading", name="Het project staat klaar")).to_be_visible()
    assert page.errors == []
    logout(page)


def open_project(page: Any) -> None:
    page.get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)


def test_b_an_interviewer_records_an_interview_and_three_contributions(chromium, server):
    tablet = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    try:
        page = new_page(tablet)
        login(page, server, *INTERVIEWER)
        open_project(page)
        # The project page says where to start.
        page.get_by_role("link", name="Start een gesprek").click()
        page.get_by_label("De bewoner heeft de tekst hierboven gehoord").tap()
        # The round's own area is already chosen; only its areas are offered.
        assert page.get_by_label("Gebied", exact=True).input_value() != ""
        offered = page.get_by_label("Gebied", exact=True).locator("option").all_inner_texts()
        assert not any("De Werven" in o for o in offered), offered
        page.get_by_label("Straat (geen huisnummer)").fill("Brusselstraat")
        page.get_by_role("group", name="Hoe tevreden bent u over uw straat?").get_by_label("2").tap()
        page.get_by_label("Wat zou u verbeteren?").fill(SAID)
        page.get_by_role("button", name="Gesprek opslaan").tap()
        page.get_by_role("button", name="Opslaan en afronden").tap()
        receipt = page.locator("[data-local-receipt] .receipt-code")
        expect(receipt).to_be_visible()
        expect(page.locator("[data-syncbar]")).to_be_hidden()  # sent: nothing waits

        page.goto(server.url + "/")
        open_project(page)
        page.get_by_role("link", name="Bijdragen noteren").click()
        notes = [
            SAID.replace("lantaarnpaal", "stoeptegel"),
            "Meer bankjes bij het water graag.",
            "De hondenpoep op het veld is een probleem.",
        ]
        for n, text in enumerate(notes):
            page.get_by_label("Wat er gezegd werd").fill(text)
            if n == 0:
                page.get_by_label("Straat (geen huisnummer)").fill("Brusselstraat")
            page.get_by_role("button", name="Opslaan en volgende").tap()
            expect(page.locator("#contributions-heading")).to_contain_text(f"{n + 1} bijdrage")
            assert page.get_by_label("Straat (geen huisnummer)").input_value() == ""  # the next note starts clean
        # The session details, on the same page.
        page.get_by_label("Aantal aanwezigen").fill("23")
        page.get_by_role("button", name="Sessiegegevens opslaan").tap()
        expect(page.locator("[data-session-status]")).to_have_text("Sessiegegevens opgeslagen.")
        page.reload()
        expect(page.get_by_label("Aantal aanwezigen")).to_have_value("23")
        expect(page.locator("#contributions-heading")).to_have_text("3 bijdragen")
        assert page.errors == []
    finally:
        tablet.close()


def test_c_the_coordinator_codes_makes_an_action_item_reads_insights_and_downloads_the_workbook(desk, server):
    page = new_page(desk)
    login(page, server, *COORDINATOR)
    open_project(page)
    tab(page, "Codering", "Coderen")
    queue = page.locator(".queue-item")
    expect(queue).to_have_count(4)
    # Two texts coded at once.
    for text in ("lantaarnpaal", "stoeptegel"):
        queue.filter(has_text=text).locator("input[type=checkbox]").check()
    page.get_by_role("group", name="Geselecteerde uitspraken").get_by_label("Code").select_option(index=0)
    page.get_by_role("button", name="Selectie coderen").click()
    expect(page.locator(".queue-item .chip")).to_have_count(2)
    # The same two texts become an action item.
    for text in ("lantaarnpaal", "stoeptegel"):
        page.locator(".queue-item").filter(has_text=text).locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Nieuw actiepunt van selectie").click()
    expect(page.get_by_role("heading", name="Gebaseerd op 2 uitspraken")).to_be_visible()
    page.get_by_label("Titel").fill("Verlichting en tegels Brusselstraat")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Verlichting en tegels Brusselstraat")).to_be_visible()
    expect(page.locator("main blockquote")).to_have_count(2)

    # Every insights tab opens and shows something.
    tab(page, "Resultaten", "Inzichten")
    tabs = page.get_by_role("navigation", name="Inzichten").get_by_role("link")
    names = tabs.all_inner_texts()
    assert len(names) >= 7, names
    for name in names:
        page.get_by_role("navigation", name="Inzichten").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=2)).to_have_text(name)
    page.get_by_role("navigation", name="Inzichten").get_by_role("link", name="Actiepunten", exact=True).click()
    expect(page.locator("table.action-list")).to_contain_text("Verlichting en tegels Brusselstraat")

    # The workbook, pseudonymised by default.
    tab(page, "Resultaten", "Exporteren")
    page.get_by_label(re.compile("Excel-werkmap")).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren").click()
    workbook = workbook_text(download.value.path())
    assert "Verlichting en tegels Brusselstraat" in workbook and "[e-mailadres]" in workbook
    assert not [p for p in PERSONAL if p in workbook]
    assert page.errors == []
    logout(page)


def workbook_text(path: Any) -> str:
    with zipfile.ZipFile(io.BytesIO(Path(path).read_bytes())) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml"))


def test_d_a_policy_maker_reads_every_page_and_the_workbook_without_anything_personal(desk, server):
    from tests.browser.test_accessibility import SKIP, kind_of

    page = new_page(desk)
    login(page, server, *POLICY_MAKER)
    open_project(page)
    start = page.url
    seen: set[str] = set()
    queue = [start]
    opened = 0
    while queue and opened < 80:
        url = queue.pop(0)
        if kind_of(url) in seen:
            continue
        seen.add(kind_of(url))
        response = page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)  # no link leads to a refusal
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        opened += 1
        text = page.locator("body").inner_text()
        assert not [p for p in PERSONAL if p in text], (url, [p for p in PERSONAL if p in text])
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)"):
            href = href.split("#")[0]
            if href.startswith(start) and not SKIP.search(href) and kind_of(href) not in seen:
                queue.append(href)
    assert opened >= 15, opened
    # The resident's words reached a page, masked.
    page.goto(start)
    tab(page, "Veldwerk", "Bijdragen")
    expect(page.locator("main")).to_contain_text("[telefoonnummer]")

    tab(page, "Resultaten", "Exporteren")
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporteren").click()
    workbook = workbook_text(download.value.path())
    assert "Brusselstraat" in workbook and not [p for p in PERSONAL if p in workbook]
    assert page.errors == []


ADMIN = ("beheer@buitenbinnen.example", "beheer-demo-2027")


def test_e_a_lost_tablet_is_signed_out_from_the_desk_and_by_an_administrator(chromium, server, tmp_path: Path):
    """The interviewer ends the tablet's session from their desk; later an administrator signs them out everywhere."""
    tablet = chromium.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    office = chromium.new_context(viewport={"width": 1280, "height": 900})
    administration = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        on_tablet = new_page(tablet)
        login(on_tablet, server, *INTERVIEWER)
        at_desk = new_page(office)
        login(at_desk, server, *INTERVIEWER)
        at_desk.get_by_role("link", name="Mijn account").click()
        sessions = at_desk.get_by_role("region", name="Waar u bent ingelogd")
        expect(sessions).to_contain_text("dit apparaat")
        others = sessions.get_by_role("row").count() - 2  # the header and this browser; the tablet (and the earlier journey's)
        assert others >= 1
        at_desk.screenshot(path=str(tmp_path / "account-desk.png"), full_page=True)
        at_desk.get_by_role("button", name="Overal elders uitloggen").click()
        saved(at_desk, f"{others} andere inlogsessie{'s zijn' if others > 1 else ' is'} beëindigd.")
        expect(sessions.get_by_role("row")).to_have_count(2)

        on_tablet.reload()
        expect(on_tablet).to_have_url(re.compile(r".*/login.*"))  # the tablet's cookie is worth nothing now
        assert on_tablet.errors == []

        admin = new_page(administration)
        login(admin, server, *ADMIN)
        admin.get_by_role("link", name="Beheer").click()
        admin.get_by_role("link", name="Ilse Interviewer").click()
        expect(admin.get_by_role("region", name="Inlogsessies")).to_contain_text("Ingelogd op 1 apparaat of browser.")
        admin.get_by_role("button", name="Overal uitloggen").click()
        saved(admin, "1 inlogsessie van Ilse Interviewer is beëindigd.")
        at_desk.reload()
        expect(at_desk).to_have_url(re.compile(r".*/login.*"))
        assert at_desk.errors == [] and admin.errors == []
        logout(admin)
    finally:
        tablet.close()
        office.close()
        administration.close()
