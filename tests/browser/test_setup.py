"""A project set up in minutes, through the visible pages: started from a template, a colleague
invited (no mail server: the link is passed on) who joins on a phone, areas changed and merged."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import database_rows
from tests.browser.test_pages import login

pytestmark = pytest.mark.browser


def test_a_coordinator_starts_from_a_template_invites_a_colleague_and_fixes_areas(demo_server, page_at):
    page = page_at(1024, 768)
    login(page, demo_server)

    # A project from the template "Duurzame initiatieven".
    page.get_by_role("link", name="Nieuw project").click()
    page.get_by_label("Duurzame initiatieven").check()
    page.get_by_label("Naam", exact=True).fill("Duurzaam Nobelhorst 2027")
    page.get_by_role("button", name="Project aanmaken").click()
    expect(page.locator(".flash-success")).to_contain_text("met het sjabloon Duurzame initiatieven")
    project_url = page.url
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Veldwerk", exact=True).click()
    page.get_by_role("navigation", name="Veldwerk").get_by_role("link", name="Rondes", exact=True).click()
    for name in ("Gesprekken met initiatiefnemers", "Gesprekken met partners", "Netwerkbijeenkomst"):
        expect(page.locator("main")).to_contain_text(name)

    # A colleague without an account is invited; without a mail server the link is shown to pass on.
    page.goto(project_url)
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Opzet", exact=True).click()
    page.get_by_role("navigation", name="Opzet").get_by_role("link", name="Team", exact=True).click()
    page.get_by_label("E-mailadres").fill("nina.nieuw@almere.example")
    page.get_by_label("Rol", exact=True).select_option(label="Interviewer")
    page.get_by_role("button", name="Toevoegen of uitnodigen").click()
    expect(page.get_by_role("heading", name="Geef deze link door aan nina.nieuw@almere.example")).to_be_visible()
    link = page.get_by_label("Uitnodigingslink").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invitation/[A-Za-z0-9_-]{40,}", link), link

    phone = page_at(390, 844, is_mobile=True, has_touch=True)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Meedoen aan Duurzaam Nobelhorst 2027")
    phone.get_by_label("Uw naam").fill("Nina Nieuw")
    phone.get_by_label("Kies een wachtwoord").fill("een lange zin als wachtwoord")
    phone.get_by_label("Herhaal het wachtwoord").fill("een lange zin als wachtwoord")
    phone.get_by_role("button", name="Meedoen aan het project").click()
    expect(phone.locator(".flash-success")).to_contain_text("Welkom bij Duurzaam Nobelhorst 2027")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Duurzaam Nobelhorst 2027")
    assert database_rows(
        demo_server, "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'nina.nieuw@almere.example'"
    ) == [("interviewer",)]

    # Areas: added by hand, one renamed, one added twice by mistake and merged into the right one.
    page.get_by_role("navigation", name="Opzet").get_by_role("link", name="Gebieden", exact=True).click()
    for inside, name in ((None, "Almere Poort"), ("Almere Poort", "Europakwartier"), ("Almere Poort", "Europa kwartier")):
        if inside:
            page.get_by_label("Binnen").select_option(label=inside)
        page.get_by_label("Naam", exact=True).fill(name)
        page.get_by_role("button", name="Gebied toevoegen").click()
        expect(page.locator(".flash-success")).to_contain_text("is toegevoegd")
    page.get_by_role("link", name="Wijzigen Almere Poort › Europakwartier", exact=True).click()
    page.get_by_label("Naam", exact=True).fill("Europakwartier Oost")
    page.get_by_role("button", name="Hernoemen").click()
    expect(page.locator(".flash-success")).to_contain_text("Hernoemd: Almere Poort › Europakwartier Oost")
    page.get_by_role("link", name="Wijzigen Almere Poort › Europa kwartier", exact=True).click()
    page.get_by_label("Samenvoegen met", exact=True).select_option(label="Almere Poort › Europakwartier Oost")
    page.get_by_label(re.compile("Ik begrijp het")).check()
    page.get_by_role("button", name="Samenvoegen").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Almere Poort › Europa kwartier is samengevoegd met Almere Poort › Europakwartier Oost"
    )
    expect(page.locator("table")).not_to_contain_text("Europa kwartier")
    expect(page.locator("table")).to_contain_text("Europakwartier Oost")
    assert page.errors == [] and phone.errors == []
