"""Photos on the tablet (issue 21): taken offline with an interview, kept through a reload and a browser
restart, sent once their interview is acknowledged, each arriving once, without EXIF; an upload cut off
mid-transfer completes later."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import new_page
from tests.browser.test_field_day import receipt_code, tablet
from tests.browser.test_offline import (  # noqa: F401 (field is a fixture)
    INTERVIEWER,
    Field,
    answer_interview,
    eventually,
    field,
    ready_for_offline,
)
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser
PHOTO_QUESTION = "Foto van de plek (zonder mensen of kentekens)"


def camera_jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A photo as a tablet's camera gives it: bigger than kept, with EXIF (maker, GPS position)."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "Tabletcamera"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 22.0, 10.0), 3: "E", 4: (5.0, 13.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def add_photo(page: Any, name: str, colour: tuple[int, int, int]) -> None:
    group = page.get_by_role("group", name=PHOTO_QUESTION)
    before = group.locator("[data-photo-list] img").count()
    group.get_by_label("Foto kiezen").set_input_files(files=[{"name": name, "mimeType": "image/jpeg", "buffer": camera_jpeg(colour)}])
    expect(group.locator("[data-photo-list] img")).to_have_count(before + 1, timeout=15000)


def stored_photos(field: Field, code: str) -> list[Any]:
    engine = sa.create_engine(field.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT p.uuid, p.project_id, p.received_at, p.width, p.height FROM photos p JOIN interviews i ON i.id = p.interview_id "
                "WHERE i.receipt_code = :code ORDER BY p.position"
            ),
            {"code": code},
        ).all()
    engine.dispose()
    return rows


def photo_file(field: Field, row: Any, suffix: str = ".jpg") -> Path:
    return field.tmp_path / "instance" / "photos" / str(row.project_id) / f"{uuid.UUID(str(row.uuid))}{suffix}"


def test_photos_taken_offline_survive_a_reload_and_a_restart_and_arrive_once(chromium: Any, field: Field, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    context = tablet(chromium, profile)
    page = new_page(context)
    urls = ready_for_offline(page, field)

    # In the street without signal: an interview with two photos, one removed again and one more.
    context.set_offline(True)
    page.goto(urls["interview"])
    answer_interview(page, "2", "De stoeptegels liggen los bij de school", touch=True)
    add_photo(page, "IMG_0001.jpg", (200, 40, 40))
    add_photo(page, "IMG_0002.jpg", (40, 200, 40))
    group = page.get_by_role("group", name=PHOTO_QUESTION)
    expect(group.locator("[data-photo-count]")).to_have_text("2 van hoogstens 3 foto's")
    group.get_by_role("button", name="Verwijderen: Foto 2").tap()
    expect(group.locator("[data-photo-list] img")).to_have_count(1)
    add_photo(page, "IMG_0003.jpg", (40, 40, 200))

    # The page reloads half-way (offline): the draft comes back with its photos.
    page.wait_for_url(re.compile(r".*\?draft="))
    page.wait_for_timeout(500)  # the draft is saved 300 ms after the last change
    page.reload()
    expect(page.get_by_role("group", name=PHOTO_QUESTION).locator("[data-photo-list] img")).to_have_count(2, timeout=15000)
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    code = receipt_code(page)
    stored_count = lambda: field.count("photos")  # noqa: E731
    before = stored_count()

    # The browser is closed and opened again, still offline; then the signal comes back.
    context.close()
    context = tablet(chromium, profile)
    context.set_offline(True)
    page = new_page(context)
    page.goto(urls["device"])
    expect(page.get_by_role("heading", name="Dit apparaat", level=1)).to_be_visible(timeout=15000)
    assert stored_photos(field, code) == []
    context.set_offline(False)
    page.get_by_role("button", name="Nu versturen").first.tap()
    eventually(page, lambda: len([r for r in stored_photos(field, code) if r.received_at]) == 2, timeout=30)

    rows = stored_photos(field, code)
    assert stored_count() == before + 2  # the removed photo never left the tablet
    for row in rows:
        kept = photo_file(field, row).read_bytes()
        assert b"Exif" not in kept and b"Tabletcamera" not in kept
        with Image.open(io.BytesIO(kept)) as image:
            assert dict(image.getexif()) == {} and max(image.size) == 1600  # scaled down on the tablet
        assert photo_file(field, row, "-thumb.jpg").is_file()
    # Sent again ("Nu versturen" twice): nothing arrives twice, and the tablet dropped the blobs.
    page.get_by_role("button", name="Nu versturen").first.tap()
    page.wait_for_timeout(1000)
    assert stored_count() == before + 2
    blobs = page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("buitenbinnen");
            open.onsuccess = () => {
              const all = open.result.transaction("photos").objectStore("photos").getAll();
              all.onsuccess = () => resolve(all.result.map((p) => [p.status, Boolean(p.blob)]));
            };
        })"""
    )
    assert sorted(blobs) == [["sent", False], ["sent", False]]
    context.close()

    # The coordinator sees the thumbnails on the interview's page.
    desk = new_page(chromium.new_context(viewport={"width": 1440, "height": 900}))
    login(desk, field)
    desk.goto(urls["project"] + "/interviews/")
    desk.get_by_role("row").filter(has_text=code).get_by_role("link").first.click()
    thumbnails = desk.locator(".photo-gallery img")
    expect(thumbnails).to_have_count(2)
    loaded = "() => [...document.querySelectorAll('.photo-gallery img')].every((img) => img.complete && img.naturalWidth > 0)"
    eventually(desk, lambda: desk.evaluate(loaded), timeout=10)
    desk.context.close()


def test_an_upload_cut_off_mid_transfer_completes_later(chromium: Any, field: Field, tmp_path: Path) -> None:
    context = tablet(chromium, tmp_path / "profile")
    page = new_page(context)
    urls = ready_for_offline(page, field)
    cut: list[str] = []

    def drop_first(route: Any) -> None:
        if not cut:
            cut.append(route.request.url)
            route.abort("connectionreset")  # the connection drops while the photo is on its way
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/photos/.*"), drop_first)
    page.goto(urls["interview"])
    answer_interview(page, "4", "Een bankje bij de vijver", touch=True)
    add_photo(page, "IMG_0100.jpg", (90, 90, 30))
    page.get_by_role("button", name="Gesprek opslaan").tap()
    page.get_by_role("button", name="Opslaan en afronden").tap()
    code = receipt_code(page)
    eventually(page, lambda: bool(cut), timeout=20)
    eventually(page, lambda: [r.received_at is not None for r in stored_photos(field, code)] == [True], timeout=40)
    where = f"received_at IS NOT NULL AND interview_id = (SELECT id FROM interviews WHERE receipt_code = '{code}')"
    assert field.count("photos", where) == 1
    context.close()
