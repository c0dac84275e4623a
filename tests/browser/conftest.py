"""Browser tests: Debian's Chromium driven by Playwright, against gunicorn serving the demo."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import require_service
from tests.live import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        require_service("Chromium", f"{CHROMIUM} not found (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def demo_server(live_database: Any, tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(live_database(demo=True), tmp_path / "instance") as server:
        yield server


def database_rows(server: LiveServer, sql: str) -> list[Any]:
    """What a query gives, read straight from a live server's database."""
    engine = sa.create_engine(server.env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


def new_page(context: Any, console: bool = False) -> Any:
    """A page that collects script errors in ``page.errors`` (and console errors, with ``console``)."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    if console:
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    return page


@pytest.fixture
def page_at(chromium: Any) -> Iterator[Any]:
    """Open a fresh page at a viewport size; collects console errors in ``page.errors``."""
    contexts: list[Any] = []

    def open_page(width: int = 1024, height: int = 768, **options: Any) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
