"""A big export on a tablet: it runs in the background, the page follows its progress and offers the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_pages import login
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_the_export_page_follows_a_background_export_to_its_download(page_at, live_database, tmp_path):
    # Every export counts as big here, so it goes to the background and the page has to follow it.
    with LiveServer(live_database(demo=True), tmp_path / "instance", EXPORT_SYNC_ROWS="0") as server:
        page = page_at(1024, 768, has_touch=True, accept_downloads=True)
        login(page, server)
        page.goto(server.url + "/projects/1/insights/?respondent=resident")
        page.get_by_role("link", name="Exporteren naar Excel, CSV of GeoJSON").click()
        expect(page.get_by_text("Respondent: Bewoner")).to_be_visible()  # the dashboard's filter came along
        page.get_by_role("button", name="Exporteren").click()
        page.wait_for_url("**/exports/jobs/*")
        expect(page.get_by_role("status")).to_have_text("Uw export is klaar.", timeout=60_000)
        link = page.get_by_role("link", name="Downloaden")
        expect(link).to_be_visible()
        assert page.locator("progress").get_attribute("value") == "100"
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        target = Path(tmp_path) / download.suggested_filename
        download.save_as(target)
        assert load_workbook(target).sheetnames[:2] == ["Toelichting", "Gesprekken"]
        assert page.errors == []  # nothing blocked by the CSP
