"""An observation walk on a tablet (issue 21): the route recorded while walking, three observations with
a point, an element, a level and a photo; everything arrives once and reaches the export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_page
from tests.browser.test_offline import INTERVIEWER, TABLET, Field, eventually, field  # noqa: F401 (field is a fixture)
from tests.browser.test_pages import login
from tests.browser.test_photos import camera_jpeg

pytestmark = pytest.mark.browser
START = {"latitude": 52.37010, "longitude": 5.21010, "accuracy": 8}
OBSERVATIONS = [
    ("Tegels liggen los bij de bank", "Elementenverharding (tegels en klinkers)", "C laag"),
    ("Zwerfvuil onder de struiken bij het water", "Zwerfafval", "D zeer laag"),
    ("Nieuwe bestrating bij de school ligt er netjes bij", "Elementenverharding (tegels en klinkers)", "A hoog"),
]


def at(context: Any, step: int) -> None:
    context.set_geolocation({**START, "latitude": START["latitude"] + step * 0.0005})


def test_an_observation_walk_with_a_route_and_three_observations_arrives_and_exports(chromium: Any, field: Field, tmp_path: Path) -> None:
    walk_round = "round_id = (SELECT id FROM rounds WHERE name = 'Wijkschouw Muziekwijk')"
    observations, routes = field.count("contributions", walk_round), field.count("walk_routes")
    context = chromium.new_context(viewport=TABLET, has_touch=True, geolocation=START, permissions=["geolocation"])
    page = new_page(context)
    login(page, field, *INTERVIEWER)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn projecten").tap()
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").first.tap()
    page.get_by_role("link", name="Veldwerk").first.tap()
    page.get_by_role("link", name="Wijkschouw Muziekwijk").first.tap()
    expect(page.get_by_role("heading", name="Nieuwe observatie")).to_be_visible()

    page.get_by_role("button", name="Route vastleggen").tap()
    status = page.locator("[data-route-status]")
    expect(status).to_contain_text("1 punt.", timeout=10000)  # the first fix
    for step, (note, element, level) in enumerate(OBSERVATIONS):
        at(context, step * 2 + 1)
        expect(status).to_contain_text(f"{step * 2 + 2} punten", timeout=10000)
        page.get_by_label("Wat we zien").fill(note)
        where = page.get_by_role("group", name="Waar precies")
        where.get_by_role("button", name="Mijn locatie gebruiken").tap()
        expect(where.locator("[data-gps-status]")).to_contain_text("Locatie gevonden")
        page.get_by_label("Element van de openbare ruimte").select_option(label=element)
        page.get_by_role("group", name="Hoe ziet het eruit?").get_by_text(level, exact=True).tap()
        if step == 0:
            photos = page.get_by_role("group", name="Foto's (optioneel)")
            photos.get_by_label("Foto kiezen").set_input_files(
                files=[{"name": "IMG_7.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg((150, 90, 60))}]
            )
            expect(photos.locator("[data-photo-list] img")).to_have_count(1, timeout=15000)
        page.get_by_role("button", name="Opslaan en volgende").tap()
        expect(page.locator("[data-local-notes] .note").filter(has_text=note)).to_be_visible()
        at(context, step * 2 + 2)
        expect(status).to_contain_text(f"{step * 2 + 3} punten", timeout=10000)
    page.get_by_role("button", name="Route pauzeren").tap()
    expect(status).to_contain_text("Route gepauzeerd")

    # A photo of the walk as a whole goes with the session's details.
    session = page.get_by_role("group", name="Foto's van de bijeenkomst (optioneel)")
    session.get_by_label("Foto kiezen").set_input_files(
        files=[{"name": "IMG_9.jpg", "mimeType": "image/jpeg", "buffer": camera_jpeg((40, 90, 160))}]
    )
    expect(session.locator("[data-photo-list] img")).to_have_count(1, timeout=15000)
    page.get_by_role("button", name="Sessiegegevens opslaan").tap()

    outbox = """() => new Promise((resolve) => { const open = indexedDB.open("buitenbinnen"); open.onsuccess = () => {
        const all = open.result.transaction("outbox").objectStore("outbox").getAll();
        all.onsuccess = () => resolve(all.result.map((i) => [i.kind, i.status, JSON.stringify(i.problem || null).slice(0, 300)])); }; })"""
    eventually(
        page,
        lambda: field.count("contributions", walk_round) == observations + 3 and field.count("walk_routes") == routes + 1,
        timeout=30,
        explain=lambda: (
            field.count("contributions", walk_round) - observations,
            field.count("walk_routes") - routes,
            page.evaluate(outbox),
        ),
    )
    observed = f"{walk_round} AND gps_lat IS NOT NULL AND element_id IS NOT NULL AND quality IN ('C', 'D', 'A')"
    assert field.count("contributions", observed) >= 3
    eventually(page, lambda: field.count("photos", "received_at IS NOT NULL AND contribution_id IS NOT NULL") == 1, timeout=30)
    eventually(page, lambda: field.count("photos", f"received_at IS NOT NULL AND {walk_round}") == 1, timeout=30)  # the session's
    assert page.errors == []
    page.screenshot(path=str(tmp_path / "walk-tablet.png"), full_page=True)
    context.close()

    # At the desk: the GeoJSON from the export page has the route as a line and the observations as points.
    desk = new_page(chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True))
    login(desk, field)
    desk.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").first.click()
    desk.goto(desk.url + "/exports/")
    desk.get_by_label("GeoJSON: de GPS-punten en gelopen routes, voor QGIS of ArcGIS").check()
    with desk.expect_download() as info:
        desk.get_by_role("button", name="Exporteren").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    features = json.loads(target.read_text())["features"]
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert len(lines) == routes + 1 and max(len(f["geometry"]["coordinates"]) for f in lines) >= 6
    assert sum(1 for f in features if f["properties"].get("soort") == "Observatie") >= observations + 3
    desk.context.close()
