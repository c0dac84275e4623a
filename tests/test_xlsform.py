"""XLSForm import: workbooks as ODK and KoboToolbox users make them."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.guides import xlsform
from app.models import Guide, QuestionType


def workbook(survey: list[list[object]], choices: list[list[object]] | None = None, title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        choice_sheet = book.create_sheet("choices")
        for row in choices:
            choice_sheet.append(row)
    if title:
        settings = book.create_sheet("settings")
        settings.append(["form_title", "form_id"])
        settings.append([title, "buurt"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


GOOD_SURVEY = [
    [
        "type",
        "name",
        "label::Nederlands (nl)",
        "label::English (en)",
        "hint::Nederlands (nl)",
        "required",
        "relevant",
        "appearance",
        "parameters",
    ],
    ["start", "start", None, None, None, None, None, None, None],
    ["note", "welkom", "Welkom bij de enquête", "Welcome", None, None, None, None, None],
    ["begin_group", "buurt", "Over uw buurt", "About", None, None, None, None, None],
    ["text", "naam_straat", "In welke straat woont u?", "Street?", "Geen huisnummer", "yes", None, None, None],
    ["text", "verhaal", "Wat wilt u kwijt?", "Story", None, "no", None, "multiline", None],
    ["integer", "jaren", "Hoe lang woont u hier?", "Years", None, None, None, None, None],
    ["decimal", "afstand", "Afstand tot de bushalte (km)", "Km", None, None, None, None, None],
    ["select_one ja_nee", "veilig", "Voelt u zich veilig?", "Safe?", None, "true()", None, None, None],
    ["text", "waarom", "Waarom niet?", "Why not?", None, None, "${veilig} = 'nee'", None, None],
    ["end_group", None, None, None, None, None, None, None, None],
    ["begin group", "wensen", "Wensen", "Wishes", None, None, None, None, None],
    ["select_multiple thema", "themas", "Welke thema's?", "Themes", None, None, None, None, None],
    ["text", "spelen_wens", "Wat voor speelplek?", "Play?", None, None, "selected(${themas}, 'spelen')", None, None],
    ["range", "cijfer", "Rapportcijfer buitenruimte", "Grade", None, None, None, None, "start=1 end=10 step=1"],
    ["date", "datum", "Datum", "Date", None, None, None, None, None],
    ["geopoint", "plek", "Waar precies?", "Where?", None, None, None, None, None],
    ["end group", None, None, None, None, None, None, None, None],
]
GOOD_CHOICES = [
    ["list_name", "name", "label::Nederlands (nl)", "label::English (en)"],
    ["ja_nee", "ja", "Ja", "Yes"],
    ["ja_nee", "nee", "Nee", "No"],
    ["thema", "groen", "Groen", "Green"],
    ["thema", "spelen", "Spelen", "Play"],
    ["thema", "afval", "Afval", "Litter"],
]


def test_a_good_workbook_becomes_a_guide():
    result = xlsform.read(workbook(GOOD_SURVEY, GOOD_CHOICES, "Buurtonderzoek Haven"), "buurt.xlsx")
    assert result.name == "Buurtonderzoek Haven"
    assert [s.title for s in result.sections] == ["Over uw buurt", "Wensen"]
    questions = {q.key: q for s in result.sections for q in s.questions}
    assert list(questions) == [
        "naam_straat",
        "verhaal",
        "jaren",
        "afstand",
        "veilig",
        "waarom",
        "themas",
        "spelen_wens",
        "cijfer",
        "datum",
        "plek",
    ]
    assert questions["naam_straat"].label == "In welke straat woont u?"  # the Dutch label column
    assert questions["naam_straat"].help == "Geen huisnummer"
    assert questions["naam_straat"].required and questions["veilig"].required and not questions["verhaal"].required
    assert questions["verhaal"].type == QuestionType.long_text
    assert (questions["jaren"].type, questions["jaren"].config) == (QuestionType.number, {"integer": True})
    assert questions["afstand"].config == {}
    assert questions["veilig"].options == [{"value": "ja", "label": "Ja"}, {"value": "nee", "label": "Nee"}]
    assert questions["waarom"].show_if == {"question": "veilig", "op": "equals", "value": "nee"}
    assert questions["spelen_wens"].show_if == {"question": "themas", "op": "includes", "value": "spelen"}
    assert (questions["cijfer"].type, questions["cijfer"].config["min"], questions["cijfer"].config["max"]) == (QuestionType.scale, 1, 10)
    assert questions["plek"].type == QuestionType.gps and questions["datum"].type == QuestionType.date
    assert sorted((p.row, p.params.get("type")) for p in result.skipped) == [(2, "start"), (3, "note")]


def test_unsupported_rows_are_reported_and_nothing_is_imported():
    survey = [
        ["type", "name", "label", "relevant", "parameters"],
        ["text", "goed", "Een goede vraag", None, None],
        ["audio", "geluid", "Neem het geluid op", None, None],
        ["select_one kleuren", "kleur", "Kleur?", None, None],
        ["text", "complex", "Complexe voorwaarde", "${goed} != '' and ${kleur} = 'rood'", None],
        ["begin_repeat", "huishouden", "Per persoon", None, None],
        ["range", "heel", "Heel groot bereik", None, "start=0 end=100 step=5"],
    ]
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(workbook(survey, [["list_name", "name", "label"]]))
    problems = [(p.row, p.message) for p in error.value.problems]
    assert problems == [
        (3, "Question type %(type)s cannot be imported."),
        (4, "The choice list %(list)s is not on the choices sheet."),
        (5, "Only relevant conditions like ${q} = 'x' or selected(${q}, 'x') can be imported: %(rule)s"),
        (6, "Question type %(type)s cannot be imported."),
        (7, "Only ranges of whole steps between 0 and 10 can be imported, as a scale."),
    ]


def test_guide_rules_apply_to_imports_too():
    survey = [
        ["type", "name", "label", "relevant"],
        ["text", "a", "A", "${later} = 'x'"],
        ["text", "later", "Later", None],
        ["text", "a", "Dubbel", None],
    ]
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(workbook(survey))
    assert [(p.row, p.message) for p in error.value.problems] == [
        (2, "Show-if refers to %(key)s, which is not an earlier question."),
        (2, "The key %(key)s is used twice."),
    ]


def test_settings_that_this_app_did_not_write_are_refused():
    survey = [
        ["type", "name", "label", "buitenbinnen_config"],
        ["integer", "jaren", "Jaren", "{niet json"],
        ["integer", "leeftijd", "Leeftijd", "[1, 2]"],
        ["integer", "kinderen", "Kinderen", '{"min": 5, "max": 1}'],
    ]
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(workbook(survey))
    assert [(p.row, p.message) for p in error.value.problems] == [
        (2, "The column %(column)s holds no settings this app wrote."),
        (3, "The column %(column)s holds no settings this app wrote."),
        (4, "The lowest number is above the highest."),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not really", "This is not an Excel workbook (.xlsx)."),
        (b"type,name\ntext,a\n", "This is not an Excel workbook (.xlsx)."),
    ],
)
def test_files_that_are_not_workbooks(data, message):
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(data)
    assert error.value.problems[0].message == message


def test_a_workbook_without_survey_sheet():
    book = Workbook()
    book.active.title = "vragen"
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(data.getvalue())
    assert error.value.problems[0].message == "The workbook has no sheet named survey."


def test_import_through_the_page(client, make_user, make_project, query):
    user = make_user()
    project = make_project(user)
    client.login(user.email)
    good = client.form_post(
        f"/projects/{project.id}/guides/import/xlsform",
        {"file": (io.BytesIO(workbook(GOOD_SURVEY, GOOD_CHOICES)), "Buurt enquête.xlsx")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    names = query(lambda: db.session.scalars(sa.select(Guide.name)).all())
    assert names == ["Buurt enquête"]
    page = client.get(good.location).text
    assert "welkom" not in page  # the note was skipped...
    bad = client.form_post(
        f"/projects/{project.id}/guides/import/xlsform",
        {"file": (io.BytesIO(workbook([["type", "name", "label"], ["audio", "geluid", "Neem op"]])), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "rij 2" in bad.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Guide))) == 1


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part replaced (or added): how a crafted file is made."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            if part.filename != name:
                target.writestr(part.filename, source.read(part))
        target.writestr(name, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_a_far_cell_is_refused_without_reading_the_sheet_it_declares():
    """A 1.5 KB file declaring A1:XFD1048576 with one far cell took a worker to 7.6 GB."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    sheet.append(["text", "a", "A"])
    sheet["XFD1048576"] = "x"
    data = io.BytesIO()
    book.save(data)
    assert len(data.getvalue()) < 10_000
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(data.getvalue())
    assert error.value.problems[0].message.startswith("A sheet holds more than %(rows)s rows")


def test_formatting_far_away_is_no_reason_to_refuse():
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>type</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
    rows += b'<row r="2"><c r="A2" t="inlineStr"><is><t>text</t></is></c><c r="B2" t="inlineStr"><is><t>a</t></is></c></row>'
    rows += b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    xml = SHEET_OPEN + b'<dimension ref="A1:XFD1048576"/><sheetData>' + rows + b"</sheetData></worksheet>"
    result = xlsform.read(with_part(workbook([["type"]]), SHEET, xml))
    assert [q.key for q in result.sections[0].questions] == ["a"]


@pytest.mark.parametrize(
    "row",
    [
        b'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>text</t></is></c></row>',  # a million rows
        b'<row><c t="inlineStr"><is><t>text</t></is></c></row>',  # without positions
    ],
)
def test_a_million_rows_are_refused_at_once(row):
    body = b"".join(row.replace(b"{n}", str(n).encode()) for n in range(1, 400_001))
    data = with_part(workbook([["type"]]), SHEET, SHEET_OPEN + b"<sheetData>" + body + b"</sheetData></worksheet>")
    assert len(data) <= xlsform.MAX_BYTES
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(data)
    assert error.value.problems[0].message in (
        "The workbook is too large to be an interview guide.",
        "A sheet holds more than %(rows)s rows or %(columns)s columns; an interview guide is smaller.",
    )


@pytest.mark.parametrize(
    "xml",
    [
        SHEET_OPEN + b"<sheetData><row>",  # not closed
        SHEET_OPEN + b"<sheetData>&undefined;</sheetData></worksheet>",
        SHEET_OPEN + b"<sheetData><row><c t='inlineStr'><is><t>&#0;</t></is></c></row></sheetData></worksheet>",
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b"<row><c t='inlineStr'><is><t>&x;</t></is></c></row></sheetData></worksheet>",
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b"<row><c t='inlineStr'><is><t>&d;</t></is></c></row></sheetData></worksheet>",
    ],
    ids=["unclosed", "undefined-entity", "nul-reference", "external-entity", "entity-expansion"],
)
def test_damaged_xml_is_a_clear_refusal(xml):
    with pytest.raises(xlsform.XLSFormError) as error:
        xlsform.read(with_part(workbook([["type", "name"], ["text", "a"]]), SHEET, xml))
    assert error.value.problems[0].message == "The workbook is damaged: its XML cannot be read."


def test_the_refusal_page_stays_small_for_a_form_full_of_problems(client, make_user, make_project):
    """A 60 KB form made a 60 MB error page: every problem repeated its cell text in full."""
    user = make_user()
    project = make_project(user)
    client.login(user.email)
    rule = "x" * 2000
    survey = [["type", "name", "label", "relevant"]] + [["text", f"q{n}", "Q", rule] for n in range(400)]
    response = client.form_post(
        f"/projects/{project.id}/guides/import/xlsform",
        {"file": (io.BytesIO(workbook(survey)), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert len(response.data) < 100_000
    listed = lxml.html.fromstring(response.text).xpath("//ul[@class='line-errors']/li")
    assert len(listed) == xlsform.MAX_PROBLEMS + 1
    assert "351" in response.text  # "… and 351 more" (400 rules and "the guide has no questions")


# -- export, and back --------------------------------------------------------------------------

EVERY_KIND = [
    (
        "Over de buurt",
        [
            ("naam_straat", "short_text", "Welke straat?", {"help": "Alleen de straat, geen huisnummer."}),
            ("verhaal", "long_text", "Vertel eens", {"required": True}),
            (
                "vervoer",
                "single_choice",
                "Vervoer?",
                {
                    "options": [{"value": "fiets", "label": "Fiets"}, {"value": "auto", "label": "Auto"}],
                    "translations": {
                        "en": {"label": "Transport?", "help": "", "options": {"fiets": "Bicycle", "auto": "Car"}},
                        "tr": {"label": "Ulaşım?", "help": "", "options": {"fiets": "Bisiklet", "auto": "Araba"}},
                    },
                },
            ),
            (
                "thema",
                "multi_choice",
                "Thema's",
                {"options": [{"value": "groen", "label": "Groen"}, {"value": "spelen", "label": "Spelen"}]},
            ),
            ("cijfer", "scale", "Cijfer", {"config": {"min": 1, "max": 5, "min_label": "slecht", "max_label": "goed"}}),
            (
                "veilig",
                "yes_no",
                "Veilig?",
                {"translations": {"en": {"label": "Safe?", "help": "At night too."}, "ar": {"label": "آمن؟", "help": ""}}},
            ),
        ],
    ),
    (
        "",
        [
            ("jaren", "number", "Jaren", {"config": {"min": 0, "max": 99, "integer": True}}),
            ("bedrag", "number", "Bedrag", {"config": {"min": None, "max": None, "integer": False}}),
            ("sinds", "date", "Sinds?", {}),
            ("wijk", "area", "Welke wijk?", {}),
            ("plek", "gps", "Waar?", {}),
            ("groen", "quality", "Beeld groen", {"config": {"element": "gras"}}),
            ("foto", "photo", "Foto", {"config": {"max_photos": 2}}),
            ("waarom", "short_text", "Waarom niet?", {"show_if": {"question": "veilig", "op": "equals", "value": "no"}}),
            ("speel", "short_text", "Waar speelt u?", {"show_if": {"question": "thema", "op": "includes", "value": "spelen"}}),
        ],
    ),
]


def test_a_guide_exported_to_xlsform_reads_in_odk_and_imports_as_the_same_guide(client, make_user, make_project, query):
    """Every kind of question, two sections (one untitled), rules and settings: export through the
    guide page, convert with pyxform (what ODK and KoboToolbox use), import through the page."""
    from pyxform.xls2xform import convert

    from app.guides import services
    from app.guides.definition import QuestionDef, SectionDef
    from app.models import Guide, QuestionType

    user = make_user()
    project = make_project(user)
    client.login(user.email)

    def make() -> int:
        sections = [
            SectionDef(title, [QuestionDef(k, QuestionType(t), label, **extra) for k, t, label, extra in qs]) for title, qs in EVERY_KIND
        ]
        guide = services.create_guide(db.session.get(type(project), project.id), "Straat & buurt 2027", sections)
        db.session.commit()
        return guide.id

    guide_id = query(make)
    version_id = query(lambda: db.session.get(Guide, guide_id).versions[0].id)
    exported = client.get(f"/projects/{project.id}/guides/{guide_id}/versions/{version_id}/export.xlsx")
    assert exported.status_code == 200 and exported.headers["Content-Disposition"].endswith('v1.xlsx"')

    xform = convert(xlsform=io.BytesIO(exported.data), file_type=".xlsx", validate=False).xform
    assert "<h:title>Straat &amp; buurt 2027</h:title>" in xform
    assert "<h:title>Straat &amp; buurt 2027</h:title>" in xform
    assert "relevant=\" /data/section_1/veilig  = 'no'\"" in xform
    assert "relevant=\"selected( /data/section_1/thema , 'spelen')\"" in xform
    assert '<range ref="/data/section_1/cijfer" start="1" end="5" step="1">' in xform
    assert 'constraint=". &gt;= 0 and . &lt;= 99"' in xform and 'type="geopoint"' in xform and 'mediatype="image/*"' in xform
    assert "<label>Over de buurt</label>" in xform and "<name>yes</name><label>Ja</label>" in xform

    response = client.form_post(
        f"/projects/{project.id}/guides/import/xlsform",
        {"file": (io.BytesIO(exported.data), "leidraad.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text[:2000]
    imported_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    assert imported_id != guide_id

    def definition(gid: int) -> tuple[str, list[Any]]:
        guide = db.session.get(Guide, gid)
        return guide.name, services.definition_of(guide.versions[0])

    assert query(lambda: definition(imported_id)) == query(lambda: definition(guide_id))


def test_other_languages_are_read_from_label_and_hint_columns():
    survey = [
        ["type", "name", "label", "label::English (en)", "label::Türkçe", "hint", "hint::English (en)", "label::Klingon (tlh)"],
        [
            "select_one ja_nee",
            "buurt",
            "Woont u hier?",
            "Do you live here?",
            "Burada mı yaşıyorsunuz?",
            "Ook als u hier werkt.",
            "Also if you work here.",
            "x",
        ],
        ["text", "waarom", "Waarom?", "Why?", "", "", "", ""],
    ]
    choices = [
        ["list_name", "name", "label", "label::English (en)", "label::Türkçe"],
        ["ja_nee", "ja", "Ja", "Yes", "Evet"],
        ["ja_nee", "nee", "Nee", "No", "Hayır"],
    ]
    result = xlsform.read(workbook(survey, choices))
    first, second = result.sections[0].questions
    assert first.label == "Woont u hier?" and first.help == "Ook als u hier werkt."
    assert first.translations == {
        "en": {"label": "Do you live here?", "help": "Also if you work here.", "options": {"ja": "Yes", "nee": "No"}},
        "tr": {"label": "Burada mı yaşıyorsunuz?", "help": "", "options": {"ja": "Evet", "nee": "Hayır"}},
    }
    assert second.translations == {"en": {"label": "Why?", "help": ""}}  # no Turkish text: no Turkish version; Klingon is no language here
