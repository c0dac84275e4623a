"""Issue 24 through the pages a coordinator uses: memos written, changed and removed on the memo page;
the coded project taken out as a REFI-QDA file and brought back in as a new project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import database_rows
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser


def test_a_coordinator_writes_changes_and_removes_a_memo(page_at, demo_server):
    page = page_at(1024, 768)
    login(page, demo_server)
    page.goto(f"{demo_server.url}/projects/1/coding/")
    page.get_by_role("link", name="Memo's").first.click()
    form = page.locator("form", has=page.get_by_role("heading", name="Nieuwe memo"))
    form.get_by_label("Memo").fill("Na de tweede ronde de codes voor verkeer opnieuw bekijken.")
    form.get_by_role("button", name="Memo opslaan").click()
    expect(page.get_by_text("Na de tweede ronde de codes voor verkeer opnieuw bekijken.")).to_be_visible()
    ((memo_id,),) = database_rows(demo_server, "SELECT id FROM memos WHERE text LIKE 'Na de tweede ronde%'")

    item = page.locator("li", has_text="Na de tweede ronde")
    item.get_by_role("link", name="Wijzigen memo").click()
    editor = page.get_by_label("Memo", exact=True).last
    expect(editor).to_be_focused()
    editor.fill("Na de tweede ronde verkeer en parkeren samen bekijken.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text("Na de tweede ronde verkeer en parkeren samen bekijken.")).to_be_visible()
    assert database_rows(demo_server, f"SELECT text FROM memos WHERE id = {memo_id}") == [
        ("Na de tweede ronde verkeer en parkeren samen bekijken.",)
    ]

    page.get_by_label("Zoeken", exact=True).fill("parkeren samen")
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("1 memo", exact=True)).to_be_visible()
    page.locator("li", has_text="parkeren samen").get_by_role("button", name="Verwijderen memo").click()
    expect(page.get_by_text("Na de tweede ronde verkeer en parkeren samen bekijken.")).to_have_count(0)
    assert database_rows(demo_server, f"SELECT count(*) FROM memos WHERE id = {memo_id}") == [(0,)]
    actions = [a for (a,) in database_rows(demo_server, f"SELECT action FROM audit_events WHERE object_id = '{memo_id}' ORDER BY id")]
    assert actions[-3:] == ["memo.create", "memo.update", "memo.delete"]
    assert page.errors == []


def test_a_coordinator_takes_the_coded_project_out_as_qdpx_and_back_in(page_at, demo_server, tmp_path):
    page = page_at(1440, 900, accept_downloads=True)
    login(page, demo_server)
    page.goto(f"{demo_server.url}/projects/1/exports/")
    page.get_by_label(re.compile(r"REFI-QDA-project \(\.qdpx\): de gecodeerde")).check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Exporteren", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".qdpx")
    target = Path(tmp_path) / download.suggested_filename
    download.save_as(target)

    page.goto(f"{demo_server.url}/projects/new")
    page.get_by_role("link", name="Een REFI-QDA-project (.qdpx) importeren").click()
    page.get_by_label("REFI-QDA-project (.qdpx)").set_input_files(target)
    page.get_by_label("Naam van het nieuwe project").fill("Muziekwijk, teruggehaald")
    page.get_by_role("button", name="Importeren").click()
    page.wait_for_url(re.compile(r".*/projects/\d+/coding/$"))  # straight to coding the imported project
    new_id = int(page.url.rstrip("/").split("/")[-2])
    assert new_id != 1
    expect(page.get_by_role("heading", name="Muziekwijk, teruggehaald")).to_be_visible()
    expect(page.get_by_text("Project geïmporteerd", exact=False)).to_be_visible()
    ((codings, codes),) = database_rows(
        demo_server,
        f"SELECT count(*), count(DISTINCT k.key) FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.project_id = {new_id}",
    )
    ((source_codings, source_codes),) = database_rows(
        demo_server,
        "SELECT count(*), count(DISTINCT k.key) FROM codings c JOIN codes k ON k.id = c.code_id WHERE c.project_id = 1 AND c.sample_id IS NULL",
    )
    assert (codings, codes) == (source_codings, source_codes) and codings > 0
    assert page.errors == []
