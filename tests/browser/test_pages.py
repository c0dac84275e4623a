"""What only a browser shows: the pages work under the CSP, by keyboard, at tablet and phone size."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

COORDINATOR = ("coordinator@buitenbinnen.example", "coordinator-demo-2027")
SIZES = [(1024, 768), (768, 1024), (390, 844)]  # iPad landscape and portrait, a phone
MIN_TARGET = 44  # px; WCAG 2.5.5 asks 44, our tablet users wear gloves in winter


def login(page, server, email=COORDINATOR[0], password=COORDINATOR[1]):
    page.goto(server.url + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url + "/")


def open_project(page) -> str:
    """Open the demo project from the list; its address once the browser got there."""
    page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").click()
    page.wait_for_url(re.compile(r".*/projects/\d+$"))
    return page.url


def test_login_by_keyboard_only(page_at, demo_server):
    page = page_at()
    page.goto(demo_server.url + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"  # skip link first
    page.get_by_label("E-mailadres").focus()
    page.keyboard.type(COORDINATOR[0])
    page.keyboard.press("Tab")
    page.keyboard.type(COORDINATOR[1])
    page.keyboard.press("Enter")
    page.wait_for_url(demo_server.url + "/")
    assert page.get_by_role("heading", name="Mijn projecten").is_visible()
    assert page.get_by_role("link", name="Groot onderhoud Muziekwijk Zuid 2027").is_visible()
    assert page.errors == []  # nothing blocked by the CSP, no script errors


def test_focus_is_always_visible(page_at, demo_server):
    page = page_at()
    login(page, demo_server)
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("none", ""), page.evaluate("document.activeElement.outerHTML")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pages_fit_the_screen_with_large_touch_targets(page_at, demo_server, width, height):
    page = page_at(width, height, has_touch=True, is_mobile=width < 500)
    login(page, demo_server)
    project_url = open_project(page)
    for path in (
        "",
        "/areas/",
        "/members",
        "/edit",
        "/rounds/",
        "/rounds/1",
        "/rounds/2",
        "/rounds/1/interviews/new",
        "/interviews/",
        "/contributions/",
        "/guides/",
        "/guides/1",
        "/codebook/",
        "/codebook/codes/1",
        "/coding/",
        "/insights/",
        "/insights/areas?level=buurt",
        "/insights/trend",
        "/insights/quality",
        "/insights/quotes",
        "/insights/team",
        "/residents/",
        "/residents/card",
        "/audit/",
        "resident",
        "/account/two-factor",
        "public",
    ):
        if path == "resident":  # a resident's input, by the code of one who asked to hear back
            page.goto(project_url.rstrip("/") + "/residents/")
            page.locator("table code").first.click()
            page.wait_for_url(re.compile(r".*/residents/[A-Z0-9]{4}-[A-Z0-9]{4}$"))
        elif path == "public":  # the page the card's QR code leads to
            page.goto(project_url.rstrip("/") + "/residents/")
            page.get_by_role("link", name="Openbare informatiepagina (zonder inloggen)").click()
            page.wait_for_url(re.compile(r".*/info/[^/]+$"))
        elif path.startswith("/account"):
            assert page.goto(demo_server.url + path).ok, path
        else:
            assert page.goto(project_url.rstrip("/") + path).ok, path
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}x{height}"
        small = page.evaluate(
            """min => [...document.querySelectorAll('button, .button, input, select, textarea, nav a')]
                .filter(el => el.offsetParent !== null && el.type !== 'hidden')
                .map(el => el.closest('.tile') || el)  // a check box or radio button is tapped by its whole tile
                .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
                .filter(([, h]) => h < min)""",
            MIN_TARGET,
        )
        assert small == [], f"{path}: targets under {MIN_TARGET}px: {small}"
        broken = page.evaluate(BROKEN_WORDS)
        assert broken == [], f"{path}: words broken inside a button at {width}x{height}: {broken}"
    assert page.errors == []


# A button's label breaks between words, never inside one ("Verwijde-ren" on the Team page).
BROKEN_WORDS = """
() => [...document.querySelectorAll('button, .button')].filter(el => el.offsetParent !== null).flatMap(el => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
})
"""


def test_the_app_works_with_the_network_cut_off_from_the_outside(page_at, demo_server):
    """Nothing is fetched from another host: the page loads completely with only localhost."""
    page = page_at()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, demo_server)
    assert requested and all(url.startswith(demo_server.url) for url in requested)


CONTRAST_SCRIPT = """
() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.offsetParent || el.closest('.visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(el);
    const a = lum(rgb(style.color).slice(0, 3)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push([node.textContent.trim().slice(0, 40), ratio.toFixed(2), needed]);
  }
  return problems;
}
"""


def test_text_contrast_meets_wcag_aa(page_at, demo_server):
    page = page_at()
    page.goto(demo_server.url + "/login")
    page.get_by_role("button", name="Inloggen").click()  # an empty form shows the error styles too
    page.locator(".field-invalid .error").first.wait_for()  # the answer page, not the one being left
    assert page.evaluate(CONTRAST_SCRIPT) == []
    login(page, demo_server)
    assert page.evaluate(CONTRAST_SCRIPT) == []
    project_url = open_project(page)
    for path in (
        "",
        "/areas/",
        "/members",
        "/edit",
        "/insights/",
        "/insights/areas?level=wijk",
        "/insights/quality",
        "/insights/quotes",
        "/residents/",
        "/residents/card",
        "/audit/",
    ):
        assert page.goto(project_url.rstrip("/") + path).ok, path
        assert page.evaluate(CONTRAST_SCRIPT) == [], path
