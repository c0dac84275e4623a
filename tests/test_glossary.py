"""One vocabulary (../shared/GLOSSARY.md): every page, sheet, CSV header and GeoJSON property a person
reads in Dutch uses the glossary's word, never one from its "not" column, never a raw enum value, a
decimal point, a slash in an area path or raw JSON."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

# Words from the glossary's "not" column (and their plain forms), as whole words, any case.
NOT_WORDS = {
    r"\w*interviews?": "gesprek (interview in a Dutch screen)",
    r"informatiebijeenkomst\w*": "informatieronde",
    r"vragenlijst\w*": "gespreksleidraad",
    r"bewijscode\w*": "ontvangstcode",
    r"beeldkwaliteit(?!sniveau)": "beleefde kwaliteit (beeldkwaliteit is the CROW standard)",
    r"streefniveau\w*": "ambitieniveau",
    r"snelle tags?": "veldthema",
    r"getagd": "veldthema",
    r"sticky[- ]?notes?": "bijdrage",
    r"acties?": "actiepunt",
    r"taak|taken": "actiepunt",
    r"(?<!opgenomen )in plan": "opgenomen in plan",
    r"geïnformeerd": "teruggekoppeld",
    r"markeren": "terugkoppeling",
    r"beleidsmakers?": "beleidsmedewerker",
    r"audit\w*": "logboek",
    r"outbox|wachtrij": "nog te versturen",
    r"items?": "uitspraak",
    r"teksten": "uitspraken",
    r"keer inbreng|\d+ inbreng": "uitspraken (inbreng is uncountable)",
}
# Stored enum values that must be turned into words before a person reads them (lower case, whole
# words, case-sensitive: "Nee" is Dutch, "no" is an enum value).
ENUM_VALUES = [
    "yes",
    "no",
    "true",
    "false",
    "none",
    "null",
    "success",
    "failure",
    "refused",
    "walk",
    "drop_in",
    "evening",
    "street",
    "contribution",
    "contributions",
    "answer",
    "resident",
    "entrepreneur",
    "passer_by",
    "viewer",
    "coordinator",
    "admin",
    "new",
    "in_plan",
    "done",
    "rejected",
    "positive",
    "negative",
    "neutral",
    "suggestion",
    "high",
    "medium",
    "low",
    "downloading",
    "factual",
    "empathic",
    "generative",
    "pending",
    "running",
    "failed",
    "xlsx_job",
]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # an identifier: login_failed, drop_in, project.update
DOTTED = re.compile(r"\b[a-z]+\.[a-z_]+\b")
DECIMAL_POINT = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")
AREA_SLASH = re.compile(r"[A-Za-z]/[A-Z]")
PATTERNS = [(re.compile(rf"(?i)\b(?:{p})\b"), why) for p, why in NOT_WORDS.items()] + [
    (re.compile(rf"\b(?:{'|'.join(ENUM_VALUES)})\b"), "a raw enum value"),
    (SNAKE, "an identifier"),
    (DOTTED, "an identifier"),
    (DECIMAL_POINT, "a decimal point (Dutch: comma)"),
    (AREA_SLASH, "an area path with / (use ›)"),
    (re.compile(r"\{\""), "raw JSON"),
]
# E-mail addresses, links, paths and file names are not words; nor are the column names of the CSV
# files a coordinator imports and the example of a question key, which are typed as they stand.
ADDRESSES = re.compile(
    r"\S+@\S+|https?://\S+|/[\w/.-]+|[\w.-]+\.(?:xlsx|csv|zip|geojson|json|qdc)\b|\b(?:cbs_code|cbs_year|group_name|groen_oordeel)\b"
)


def visible_text(html: str) -> str:
    """What a person reads: text nodes, the title and the labels a screen reader speaks."""
    tree = lxml_html.fromstring(html)
    # Code and examples (<pre>, <code>, <kbd>) show what a person types, as they type it.
    for element in tree.xpath("//script|//style|//template|//svg|//pre|//code|//kbd"):
        element.drop_tree()
    parts = [tree.text_content()]
    for attribute in ("title", "aria-label", "placeholder", "alt"):
        parts += tree.xpath(f"//@{attribute}")
    parts += tree.xpath("//input[@type='submit' or @type='button']/@value")
    return ADDRESSES.sub(" ", "\n".join(parts))


def findings(text: str, where: str) -> list[str]:
    found = []
    for pattern, why in PATTERNS:
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            found.append(f"{where}: {match.group(0)!r} ({why}) in …{context}…")
    return found


def test_the_patterns_catch_what_they_should():
    bad = [
        "3 interviews",
        "Straatinterviews",
        "Acties",
        "success",
        "Auditlog",
        "κ 0.64",
        "Almere Stad/Filmwijk",
        '{"changes": 1}',
        "in plan",
        "login_failed",
        "project.update",
        "Beleidsmaker",
        "12 inbreng",
    ]
    good = [
        "3 gesprekken",
        "interviewer",
        "Actiepunten",
        "gelukt",
        "Logboek",
        "κ 0,64",
        "Almere Stad › Filmwijk",
        "opgenomen in plan",
        "Nee",
        "Beleidsmedewerker",
        "beeldkwaliteitsniveau A+",
        "inbreng",
    ]
    assert all(findings(text, "x") for text in bad), [t for t in bad if not findings(t, "x")]
    assert not any(findings(text, "x") for text in good), [findings(t, "x") for t in good if findings(t, "x")]


def test_every_page_speaks_one_dutch_vocabulary(app, client, world):
    from app.access.policy import rule_for
    from tests.urlmap import routes, url_for_rule

    problems: list[str] = []
    seen = 0
    with app.test_request_context():
        pages = [(r, rule_for(r.endpoint).kind == "public") for r in routes(app) if "GET" in r.methods]
    for who in (world.coord_a, world.viewer_a, world.interviewer_a, world.admin, None):
        if who is not None:
            client.login(who.email)
        for rule, public in pages:
            if public != (who is None):
                continue  # people walk the pages behind the login, nobody the public ones
            response = client.get(url_for_rule(rule, world.own()))
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            seen += 1
            html = response.text
            title = re.search(r"<title>(.*?)</title>", html, re.S)
            assert title and "<" not in title.group(1), (rule.rule, title)
            problems += findings(visible_text(html), f"{getattr(who, 'email', 'anonymous')} {rule.rule}")
        if who is not None:
            client.post("/logout", data={"csrf_token": client.csrf_token()})
    assert seen > 60
    assert problems == [], "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("export_format", ["xlsx", "csv", "geojson"])
def test_every_sheet_column_and_property_speaks_dutch(app, client, world, export_format):
    from app.extensions import db
    from app.models import Interview

    with app.app_context():  # a point for the GeoJSON
        interview = db.session.get(Interview, world.fieldwork_a["interview_id"])
        interview.gps_lat, interview.gps_lon = 52.371234, 5.222345
        db.session.commit()
    client.login(world.coord_a.email)
    response = client.submit(f"/projects/{world.project_a.id}/exports/", {"format": export_format})
    assert response.status_code == 200
    texts: list[tuple[str, str]] = []
    if export_format == "xlsx":
        workbook = load_workbook(io.BytesIO(response.data), read_only=True)
        for sheet in workbook.worksheets:
            texts.append((sheet.title, sheet.title))
            for row in sheet.iter_rows(values_only=True):
                texts += [(sheet.title, v) for v in row if isinstance(v, str)]
    elif export_format == "csv":
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            for name in archive.namelist():
                rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
                texts.append((name, name))
                texts += [(name, v) for row in rows for v in row]
    else:
        for feature in json.loads(response.data)["features"]:
            texts += [("geojson", f"{key}: {value}") for key, value in feature["properties"].items()]
    assert len(texts) > 5
    problems = [p for where, text in texts for p in findings(ADDRESSES.sub(" ", str(text)), where)]
    assert problems == [], "\n".join(sorted(set(problems)))


def test_enum_labels_are_the_glossarys_words(app):
    """Action statuses, sentiments and roles in Dutch are exactly the glossary's words."""
    from flask_babel import force_locale

    from app.i18n import ACTION_STATUS_LABELS, ROLE_LABELS, ROUND_KIND_LABELS, SENTIMENT_LABELS

    with app.test_request_context(), force_locale("nl"):
        assert [str(v) for v in ACTION_STATUS_LABELS.values()] == ["nieuw", "opgenomen in plan", "uitgevoerd", "afgewezen"]
        assert [str(v) for v in SENTIMENT_LABELS.values()] == ["positief", "negatief", "suggestie"]
        assert [str(v) for v in ROUND_KIND_LABELS.values()] == ["Straatgesprekken", "Informatieronde"]
        assert str(ROLE_LABELS[list(ROLE_LABELS)[2]]).startswith("Beleidsmedewerker")
