"""Dutch by default, English complete, every message translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def source_messages() -> set[str]:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_in_the_code_is_translated(language):
    with (ROOT / f"app/translations/{language}/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    in_code = source_messages()
    assert len(in_code) > 100  # the extraction itself works
    missing = sorted(in_code - set(translated))
    assert missing == [], f"run `make messages` and translate: {missing}"
    untranslated = [k for k, m in translated.items() if not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
    assert [k for k, m in translated.items() if m.fuzzy] == []


def test_dutch_is_the_default(client):
    page = client.get("/login").text
    assert '<html lang="nl">' in page and "Inloggen" in page and "Wachtwoord" in page


def test_the_login_page_can_switch_to_english(client):
    response = client.form_post("/language", {"language": "en", "next": "/login"})
    assert response.location == "/login"
    page = client.get("/login").text
    assert '<html lang="en">' in page and "Password" in page


def test_an_unknown_language_is_ignored(client):
    client.form_post("/language", {"language": "xx"})
    assert '<html lang="nl">' in client.get("/login").text
