"""Maps in Chromium (issue 22): a point placed with a finger on the tablet's map while offline finds its
area and arrives where it was placed; the theme map renders from the page and its areas say what the
table beside them says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from shapely.geometry import Point, shape

from tests.browser.conftest import new_page
from tests.browser.test_offline import TABLET, answer_interview, eventually, field, ready_for_offline, tablet  # noqa: F401 (fixtures)
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser
COORDINATOR = ("coordinator@buitenbinnen.example", "coordinator-demo-2027")


def test_placing_a_point_offline_on_the_tablet_map(tablet: Any, field: Any) -> None:
    page = new_page(tablet)
    urls = ready_for_offline(page, field)
    interviews = field.count("interviews")
    tablet.set_offline(True)
    page.goto(urls["interview"])
    answer_interview(page, "4", "Het pleintje bij de school is te donker.", touch=True)
    where = page.get_by_role("group", name="GPS-locatie (optioneel)")
    picker = where.locator("[data-picker-map]")
    expect(picker).to_be_visible()
    # The outlines come from the page itself (no tiles, no network): the round's wijken are named on it.
    label = picker.locator(".leaflet-tooltip").filter(has_text="Muziekwijk Zuid")
    expect(label).to_be_visible()
    expect(picker.locator("path.leaflet-interactive")).to_have_count(2)  # Muziekwijk Noord and Zuid
    # "Mijn locatie gebruiken": the point with its accuracy on the map, its area found and chosen.
    noord = field.row("SELECT outline FROM areas WHERE path = 'Almere Stad/Muziekwijk Noord' AND project_id = 1")[0]
    inside = shape(noord if isinstance(noord, dict) else json.loads(noord)).representative_point()
    tablet.set_geolocation({"latitude": inside.y, "longitude": inside.x, "accuracy": 12})
    tablet.grant_permissions(["geolocation"])
    quiet = picker.locator("path:not(.leaflet-interactive)")
    outlines_only = quiet.count()
    where.get_by_role("button", name="Mijn locatie gebruiken").tap()
    status = where.locator("[data-picker-status]")
    expect(status).to_have_text("Dit punt ligt in Almere Stad › Muziekwijk Noord: als gebied gekozen.")
    assert where.get_by_label("Nauwkeurigheid (meter)").input_value() == "12"
    expect(quiet).to_have_count(outlines_only + 1)  # the accuracy circle
    # A finger on the map, in Muziekwijk Zuid (where its name is written): the pin moves, the area follows.
    picker.evaluate("map => map.scrollIntoView({block: 'center'})")  # clear of the sticky save bar, as a person scrolls
    box = label.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] + 12)
    expect(status).to_have_text("Dit punt ligt in Almere Stad › Muziekwijk Zuid: als gebied gekozen.")
    expect(page.get_by_label("Gebied", exact=True)).to_have_value(
        str(field.row("SELECT id FROM areas WHERE path = 'Almere Stad/Muziekwijk Zuid' AND project_id = 1")[0])
    )
    expect(where.locator(".map-pin")).to_have_count(1)
    lat = float(where.get_by_label("Breedtegraad").input_value())
    lon = float(where.get_by_label("Lengtegraad").input_value())
    assert where.get_by_label("Nauwkeurigheid (meter)").input_value() == ""  # placed by hand: no accuracy claimed
    # The keyboard's way: the map's middle, then back with a tap.
    where.get_by_role("button", name="Zet het punt in het midden van de kaart").tap()
    assert float(where.get_by_label("Breedtegraad").input_value()) != lat
    picker.evaluate("map => map.scrollIntoView({block: 'center'})")  # clear of the sticky save bar, as a person scrolls
    box = label.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] + 12)
    expect(status).to_contain_text("Muziekwijk Zuid")
    lat = float(where.get_by_label("Breedtegraad").input_value())
    lon = float(where.get_by_label("Lengtegraad").input_value())
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    expect(page.locator("[data-local-receipt] .receipt-code")).to_be_visible()
    assert field.count("interviews") == interviews

    tablet.set_offline(False)
    eventually(page, lambda: field.count("interviews") == interviews + 1)
    stored = field.row(
        "SELECT i.gps_lat, i.gps_lon, i.gps_accuracy, a.path, a.outline FROM interviews i JOIN areas a ON a.id = i.area_id ORDER BY i.id DESC LIMIT 1",
    )
    assert stored[0] == pytest.approx(lat, abs=1e-6) and stored[1] == pytest.approx(lon, abs=1e-6) and stored[2] is None
    assert stored[3] == "Almere Stad/Muziekwijk Zuid"
    outline = stored[4] if isinstance(stored[4], dict) else json.loads(stored[4])
    assert shape(outline).contains(Point(lon, lat))
    assert page.errors == []


def test_the_theme_map_renders_and_its_areas_say_what_the_table_says(chromium: Any, field: Any) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = new_page(context)
    login(page, field, *COORDINATOR)
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").first.click()
    page.get_by_role("link", name="Resultaten").first.click()
    page.get_by_role("navigation", name="Inzichten").get_by_role("link", name="Kaart").click()
    expect(page.get_by_role("heading", name="Kaart")).to_be_visible()
    # A theme heard in more than one area (the demo's talks lie in the round's two wijken): the first after the
    # one most raised that has two rows.
    for number in range(1, 8):
        theme = page.get_by_label("Thema")
        chosen = theme.locator("option").nth(number).inner_text()
        theme.select_option(label=chosen)
        page.get_by_role("button", name="Toon").click()
        table = page.locator("table[data-map-table]")
        expect(table).to_contain_text(chosen.split(" ", 1)[1] + " per gebied")
        rows = {
            row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in table.locator("tbody tr[data-area-id]").all()
        }
        if len(rows) >= 2:
            break
    assert len(rows) >= 2, "the table lists the areas where people were heard"
    the_map = page.locator("[data-theme-map]")
    features = json.loads(page.locator("[data-map-features]").text_content())
    expect(the_map.locator("path.leaflet-interactive")).to_have_count(len(features))
    # Hover each area with people heard: its tooltip says the share its table row says.
    colours = {f["properties"]["label"]: f["properties"]["colour"] for f in features}
    checked = 0
    for path in the_map.locator("path.leaflet-interactive").all():
        path.scroll_into_view_if_needed()  # an area below the fold cannot be hovered
        box = path.bounding_box()
        if not box or box["width"] < 8 or box["height"] < 8:
            continue
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # Read the tooltip in one step: moving on from an area removes its tooltip.
        text = the_map.evaluate(
            "(m) => { const t = m.querySelector('.leaflet-tooltip-pane .leaflet-tooltip:last-child'); return t ? t.innerText : null; }"
        )
        if not text:
            continue
        label, _, share = text.rpartition(": ")
        if label in rows:
            assert rows[label][-1] == share, label
            assert path.get_attribute("fill") == colours[label]
            checked += 1
    assert checked >= 2, "the map's areas could be hovered and read"
    # No map service was asked for anything.
    assert page.errors == []


def test_the_vendored_leaflet_is_the_pinned_package() -> None:
    """static/vendor/leaflet is a byte-for-byte copy of the npm package package-lock.json pins (make vendor)."""
    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/leaflet"]["version"] == "1.9.4"
    package = root / "node_modules" / "leaflet"
    assert json.loads((package / "package.json").read_text())["version"] == "1.9.4"
    for served, source in (("leaflet.js", "dist/leaflet.js"), ("leaflet.css", "dist/leaflet.css"), ("LICENSE", "LICENSE")):
        assert (root / "static" / "vendor" / "leaflet" / served).read_bytes() == (package / source).read_bytes(), served


class TileServer:
    """A map-tile server on another origin (a port of its own), as PDOK's would be: one small PNG for
    every tile, with CORS; it counts what it was asked and can go away."""

    def __init__(self) -> None:
        import http.server
        import io
        import threading

        from PIL import Image

        image = io.BytesIO()
        Image.new("RGB", (256, 256), (200, 220, 200)).save(image, "PNG")
        body, served = image.getvalue(), []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.served = served
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_background_tiles_are_kept_on_the_tablet_and_shown_offline(tablet: Any, field: Any) -> None:
    tiles = TileServer()
    try:
        field.down()
        field.up(MAP_TILE_URL=f"http://127.0.0.1:{tiles.port}/{{z}}/{{x}}/{{y}}.png", MAP_TILE_ATTRIBUTION="Testkaart")
        page = new_page(tablet)
        urls = ready_for_offline(page, field)
        page.goto(urls["interview"])
        picker = page.get_by_role("group", name="GPS-locatie (optioneel)").locator("[data-picker-map]")
        expect(picker.locator("img.leaflet-tile-loaded").first).to_be_attached(timeout=15000)
        expect(picker).to_contain_text("Testkaart")
        # While online the tablet keeps the tiles over the round's areas, several zoom levels deep.
        kept = """async () => (await (await caches.open("map-tiles")).keys()).length"""
        eventually(page, lambda: page.evaluate(kept) > 50, timeout=30)
        page.wait_for_load_state("networkidle")
        asked = len(tiles.served)
    finally:
        tiles.close()
    # The tile server is gone and the tablet offline: the map still has its background, from the device.
    tablet.set_offline(True)
    page.goto(urls["interview"])
    expect(picker.locator(".leaflet-tooltip").filter(has_text="Muziekwijk Zuid")).to_be_visible()
    expect(picker.locator("img.leaflet-tile-loaded").first).to_be_attached(timeout=15000)
    assert asked > 0
    tablet.set_offline(False)


def test_a_coordinator_imports_outlines_through_the_page(chromium: Any, field: Any) -> None:
    """The coordinator's way in: Opzet › Gebieden › Grenzen importeren, a file from the municipality's GIS
    with a mistake (every problem listed, nothing imported), then the corrected file."""
    from app.areas import services as area_services
    from app.demo_outlines import collection

    rows = area_services.parse((Path(__file__).resolve().parents[2] / "app" / "demo_data" / "almere_areas.csv").read_text())
    good = collection(rows)
    wrong = json.loads(json.dumps(good))
    wrong["features"][1]["properties"] = {"naam": "Nergenswijk"}
    wrong["features"][2]["geometry"] = {"type": "Point", "coordinates": [140000, 485000]}
    # Filmwijk drawn 50 m further east: had anything been imported, its outline would have moved.
    filmwijk = next(f for f in wrong["features"] if f["properties"].get("path") == "Almere Stad/Filmwijk")
    filmwijk["geometry"]["coordinates"] = [[[x + 50, y] for x, y in ring] for ring in filmwijk["geometry"]["coordinates"]]
    before = field.row("SELECT CAST(outline AS TEXT) FROM areas WHERE path = 'Almere Stad/Filmwijk' AND project_id = 1")[0]

    page = new_page(chromium.new_context(viewport={"width": 1440, "height": 900}))
    login(page, field, *COORDINATOR)
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").first.click()
    page.get_by_role("link", name="Opzet").first.click()
    page.get_by_role("link", name="Gebieden").first.click()
    page.get_by_role("link", name="Grenzen importeren (GeoJSON)").click()
    page.get_by_label("GeoJSON-bestand").set_input_files(
        files=[{"name": "wijken.geojson", "mimeType": "application/geo+json", "buffer": json.dumps(wrong).encode()}]
    )
    page.get_by_label("RD New (EPSG:28992), meters").check()
    page.get_by_role("button", name="Importeren").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Het bestand is niet geïmporteerd: 2 problemen.")
    expect(problems).to_contain_text("Nergenswijk")
    expect(problems).to_contain_text("De vorm is een Point")
    assert field.row("SELECT CAST(outline AS TEXT) FROM areas WHERE path = 'Almere Stad/Filmwijk' AND project_id = 1")[0] == before

    page.get_by_label("GeoJSON-bestand").set_input_files(
        files=[{"name": "wijken.geojson", "mimeType": "application/geo+json", "buffer": json.dumps(good).encode()}]
    )
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator(".flash")).to_contain_text(f"Grenzen geïmporteerd voor {len(good['features'])} gebieden.")
    expect(page.get_by_role("img", name="Grenzen van de gebieden van het project")).to_be_visible()
    assert page.errors == []
