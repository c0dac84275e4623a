"""Exports: the workbook opened again and checked sheet by sheet against counts made here from the raw
rows; pseudonymisation over the raw XML; every formula prefix; CSV, GeoJSON, the token URL, the
command line, background jobs (in-process and on RQ with the real Redis) and LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from tests.conftest import redis_url_or_skip, require_service
from tests.test_insights import current_sources, expected_overview, passes, raw_codings, world  # noqa: F401  (world: fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS_NL = [
    "Toelichting",
    "Gesprekken",
    "Antwoorden",
    "Antwoorden breed",
    "Codering",
    "Uitspraken × thema's",
    "Veldthema's",
    "Observaties",
    "Per gebied",
    "Thema's × wie",
    "Thema's",
    "Codegroepen",
    "Beleefde kwaliteit",
    "Gesloten vragen",
    "Citaten",
    "Actiepunten",
    "Onderbouwing",
    "Participatie",
    "Codeboek",
    "Memo's",
]
SHEETS_EN = [
    "About",
    "Interviews",
    "Answers",
    "Answers wide",
    "Coding",
    "Statements × themes",
    "Field themes",
    "Observations",
    "Per area",
    "Themes × who",
    "Themes",
    "Code groups",
    "Perceived quality",
    "Closed questions",
    "Quotes",
    "Action items",
    "Grounds",
    "Participation",
    "Codebook",
    "Memos",
]
# What a pseudonymised export must never hold: the test resident's contact details, the house number and
# the phone number and e-mail address residents said, the interviewers' names, their reflections.
PERSONAL = [
    "Jan Jansen",
    "jan.jansen@example.nl",
    "0612345678",
    "06-12345678",
    "jan@example.nl",
    "Kerkstraat 12",
    "Anna Interviewer",
    "Bert Interviewer",
    "Verrassing",
]
RISKY = [
    "=1+1",
    "+31 6 1234",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    "#N/A",
    '=HYPERLINK("http://example.com","klik")',
    "=cmd|' /C calc'!A0",
]


def login(client: Any, world: Any, who: str = "coordinator") -> None:
    client.login(world.users[who].email)


def export(client: Any, project_id: int, expect: int = 200, **data: Any) -> Any:
    response = client.form_post(f"/projects/{project_id}/exports/", data={"format": "xlsx", **data})
    assert response.status_code == expect, response.text[:2000] if response.mimetype == "text/html" else response.status_code
    return response


def workbook(response: Any, **kwargs: Any) -> Any:
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data), **kwargs)


def raw_xml(data: bytes) -> str:
    """Every part of a zip (a workbook is one) as text: what anyone could read without Excel."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def rows_of(ws: Any) -> list[dict[str, Any]]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row)) for row in values[1:] if any(v is not None for v in row)]


def form_args(f: dict[str, Any]) -> dict[str, str]:
    return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in f.items()}


def audit_exports() -> list[Any]:
    from app.models import AuditEvent

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)))


# -- the workbook ----------------------------------------------------------------------------------


def test_the_workbook_has_every_sheet_as_a_styled_excel_table(app, world, client):
    login(client, world)
    response = export(client, world.project_id)
    book = workbook(response)
    assert book.sheetnames == SHEETS_NL
    for ws in book.worksheets[1:]:
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        header = [c.value for c in ws[1]]
        last_row = max(ws.max_row, 2)
        assert table.ref == f"A1:{ws.cell(1, len(header)).column_letter}{last_row}", ws.title
        assert [c.name for c in table.tableColumns] == header, ws.title  # the table's names are the header's
        assert table.autoFilter is not None and table.tableStyleInfo.name.startswith("TableStyle")
        assert ws.freeze_panes == "A2", ws.title
        assert all(ws[1][n].font.b for n in range(len(header))), ws.title  # a styled header row
        assert ws.column_dimensions["A"].width > 5 and ws.column_dimensions[ws.cell(1, len(header)).column_letter].width > 5
    about = [row for row in book["Toelichting"].iter_rows(values_only=True) if row and row[0]]
    labels = {row[0]: row[1] for row in about}
    assert "Nee" in labels["Persoonsgegevens"] or "Niet" in labels["Persoonsgegevens"]  # says it is pseudonymised
    assert any(row[0] == "Gesprekken" and row[1] and "rij" in str(row[1]) for row in about)

    interviews = book["Gesprekken"]
    first = interviews[2]
    header = [c.value for c in interviews[1]]
    date_cell = first[header.index("Datum")]
    assert isinstance(date_cell.value, datetime) and date_cell.number_format == "dd-mm-yyyy hh:mm"
    assert isinstance(first[header.index("Duur (min)")].value, (int, float))
    themes = book["Thema's"]
    theme_header = [c.value for c in themes[1]]
    share = themes[2][theme_header.index("Aandeel gesprekken")]
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    assert themes[2][theme_header.index("Mensen")].number_format == "#,##0"
    assert interviews[2][header.index("Duur (min)")].number_format == "0.0"  # one decimal where it means something
    for ws in book.worksheets:  # printable as it is
        widths = sum(d.width for d in ws.column_dimensions.values() if d.width)
        assert ws.page_setup.orientation == ("landscape" if widths > 110 else "portrait"), ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
        assert ws.print_title_rows in ("1:1", "$1:$1") and ws.page_setup.paperSize == 9, ws.title  # A4, the header row on every page
        assert ws.oddHeader.left.text == "Groot onderhoud Filmwijk" and ws.oddHeader.right.text, ws.title
        assert ws.oddFooter.center.text == "Pagina &P van &N", ws.title
    coding = book["Codering"]
    assert {type(r["Citaat"]) for r in rows_of(coding)} == {bool}

    charts = themes._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"
    xml = raw_xml(response.data)
    assert "<barChart>" in xml and "<strRef><f>'Thema''s'!$B$2:$B$" in xml  # theme names along the axis
    assert "<val><numRef><f>'Thema''s'!$D$2:$D$" in xml  # the bars read the people column of the theme rows


def test_the_sheets_count_what_the_raw_rows_hold_under_the_filters(app, world, client):
    from app.models import Answer, Area, Code

    login(client, world)
    with app.app_context():
        area_paths = {a.id: a.path for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        code_keys = {c.id: c.key for c in db.session.scalars(sa.select(Code).where(Code.project_id == world.project_id))}
        answers_per_interview = dict(
            db.session.execute(sa.select(Answer.interview_id, sa.func.count()).group_by(Answer.interview_id)).all()
        )
    anna = world.users["anna"].id
    for f in [
        {},
        {"area": world.areas["Filmwijk"]},
        {"round": world.rounds["evening"]},
        {"from": date(2026, 10, 1), "respondent": "resident"},
        {"interviewer": anna, "area": world.areas["Almere Stad"]},
    ]:
        book = workbook(export(client, world.project_id, **form_args(f)))
        with app.app_context():
            sources = current_sources(world)
            kept = [key for key, source in sources.items() if passes(world, source, f, area_paths)]
            coded = raw_codings(world, f)
            expected = expected_overview(coded)
        interviews = [k for k in kept if k[0] == "interview"]
        contributions = [k for k in kept if k[0] == "contribution"]
        assert len(rows_of(book["Gesprekken"])) == len(kept), f
        if f.get("respondent"):
            assert {r["Respondent"] for r in rows_of(book["Gesprekken"]) if r["Soort"] == "Gesprek"} == {"Bewoner"}
        assert len(rows_of(book["Antwoorden"])) == sum(answers_per_interview.get(i, 0) for _, i in interviews) + len(contributions), f
        assert len(rows_of(book["Antwoorden breed"])) <= len(interviews)  # one guide version's interviews
        assert len(rows_of(book["Codering"])) == len(coded), f
        assert world.codes[-1] not in {r["code"] for r in coded}
        themes = {r["Sleutel"]: r for r in rows_of(book["Thema's"])}
        assert {key: (r["Mensen"], r["Gesprekken"], r["Uitspraken"], r["Negatief"]) for key, r in themes.items()} == {
            code_keys[code]: (e["people"], e["interviews"], e["inputs"], e["negative"]) for code, e in expected.items()
        }, f
        assert code_keys[world.codes[-1]] not in themes  # the blind sample's code never counts


def test_the_wide_sheet_has_a_column_per_question_of_the_chosen_version(app, world, client):
    from app.models import Interview

    login(client, world)
    book = workbook(export(client, world.project_id, version=str(world.versions[1])))
    ws = book["Antwoorden breed"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Referentie", "Datum", "Gebied"]
    assert [h.split(":")[0] for h in header[3:]] == ["verbeteren", "wens", "groen", "eerst", "vaak", "veilig", "jaren", "cijfer"]
    with app.app_context():
        second = db.session.scalar(sa.select(sa.func.count()).select_from(Interview).where(Interview.guide_version_id == world.versions[1]))
    rows = rows_of(ws)
    assert len(rows) == second == 8
    answers = rows_of(workbook(export(client, world.project_id))["Antwoorden"])
    ratings = [(r["Antwoord"], r["Getal"]) for r in answers if r["Vraagsleutel"] == "groen"]
    scores = {"A+ zeer hoog": 5, "A hoog": 4, "B basis": 3, "C laag": 2, "D zeer laag": 1, "weet niet": None}
    assert len(ratings) == 16 and all(scores[text] == number for text, number in ratings)
    assert {r[header[5]] for r in rows} <= {"A+ zeer hoog", "A hoog", "B basis", "C laag", "D zeer laag", "weet niet"}


def test_english_users_get_english_sheet_and_column_names(app, world, client):
    from app.models import User

    with app.app_context():
        db.session.get(User, world.users["coordinator"].id).language = "en"
        db.session.commit()
    login(client, world)
    book = workbook(export(client, world.project_id))
    assert book.sheetnames == SHEETS_EN
    assert [c.value for c in book["Interviews"][1]][:4] == ["Reference", "Kind", "Round", "Date"]
    assert book["Interviews"][2][3].number_format == "yyyy-mm-dd hh:mm"


# -- privacy ---------------------------------------------------------------------------------------


def add_gps(app: Any, world: Any) -> int:
    from app.models import Interview

    with app.app_context():
        interview = db.session.scalars(sa.select(Interview).where(Interview.project_id == world.project_id).order_by(Interview.id)).first()
        interview.gps_lat, interview.gps_lon, interview.street = 52.371234, 5.222345, "Kerkstraat 12"
        db.session.commit()
        return interview.id


def test_exports_are_pseudonymised_by_default_in_every_format(app, world, client_factory):
    add_gps(app, world)
    for who in ("coordinator", "viewer"):
        client = client_factory()
        login(client, world, who)
        xlsx = export(client, world.project_id)
        csv_zip = export(client, world.project_id, format="csv")
        geojson = export(client, world.project_id, format="geojson")
        for name, text in (("xlsx", raw_xml(xlsx.data)), ("csv", raw_xml(csv_zip.data)), ("geojson", geojson.data.decode())):
            for personal in PERSONAL:
                assert personal not in text, (who, name, personal)
            assert "52.371234" not in text and "5.222345" not in text  # the exact point stays out
        book = workbook(xlsx)
        assert "Contactgegevens" not in book.sheetnames
        interviewers = {r["Interviewer"] for r in rows_of(book["Gesprekken"])}
        assert interviewers and all(v.startswith("INT-") for v in interviewers if v)
        assert len(interviewers) == 2  # Anna and Bert, each their own pseudonym
        streets = {r["Straat"] for r in rows_of(book["Gesprekken"])}
        assert "Kerkstraat" in streets  # the street stays, its number goes
        texts = " ".join(str(r["Antwoord"]) for r in rows_of(book["Antwoorden"]))
        assert "[adres]" in texts and "[telefoonnummer]" in texts and "[e-mailadres]" in texts
    # The same pseudonyms in every export, for every reader.
    again = workbook(export(client, world.project_id))
    assert {r["Interviewer"] for r in rows_of(again["Gesprekken"])} == interviewers


def test_personal_data_needs_a_coordinator_and_a_reason_and_is_logged(app, world, client_factory):
    add_gps(app, world)
    viewer = client_factory()
    login(viewer, world, "viewer")
    refused = export(viewer, world.project_id, expect=422, personal="y", reason="Terugkoppeling aan bewoners")
    assert "coördinator" in refused.text
    coordinator = client_factory()
    login(coordinator, world)
    no_reason = export(coordinator, world.project_id, expect=422, personal="y", reason="ok")
    assert "waarom" in no_reason.text.lower()
    with app.app_context():
        assert audit_exports() == []  # refused: nothing exported, nothing logged
    reason = "Terugkoppeling aan bewoners die daarom vroegen"
    response = export(coordinator, world.project_id, personal="y", reason=reason, area=str(world.areas["Almere Stad"]))
    book = workbook(response)
    assert book.sheetnames[-1] == "Contactgegevens"
    contacts = rows_of(book["Contactgegevens"])
    assert [(r["Naam"], r["E-mail"]) for r in contacts] == [("Jan Jansen", "jan.jansen@example.nl")]
    text = raw_xml(response.data)
    assert "Anna Interviewer" in text and "Kerkstraat 12" in text and "52.371234" in text
    export(coordinator, world.project_id, format="csv")
    with app.app_context():
        events = audit_exports()
        assert [(e.details["format"], e.details["pseudonymised"]) for e in events] == [("xlsx", False), ("csv", True)]
        assert events[0].details["reason"] == reason and "reason" not in events[1].details
        assert events[0].details["filters"] == {"area": str(world.areas["Almere Stad"])}
        assert events[0].actor_id == world.users["coordinator"].id and events[0].project_id == world.project_id
        assert events[0].details["rows"] > 0


# -- safe text -------------------------------------------------------------------------------------


def add_contributions(app: Any, world: Any, texts: list[str]) -> list[int]:
    """Contributions with these texts, stored as they are (as an import or an older version could have)."""
    from app.models import Contribution

    with app.app_context():
        template = db.session.scalars(sa.select(Contribution).where(Contribution.project_id == world.project_id)).first()
        ids = []
        for n, text in enumerate(texts):
            contribution = Contribution(
                uuid=__import__("uuid").uuid4(),
                project_id=world.project_id,
                round_id=template.round_id,
                author_id=template.author_id,
                recorded_at=datetime(2026, 11, 1, 12, n, tzinfo=UTC),
                text=text,
                fingerprint="x" * 64,
            )
            db.session.add(contribution)
            db.session.flush()
            ids.append(contribution.id)
        db.session.commit()
        return ids


def test_every_formula_prefix_is_stored_as_text_and_reads_back_unchanged(app, world, client):
    from app.spreadsheet import csv_value

    ids = add_contributions(app, world, RISKY)
    login(client, world)
    response = export(client, world.project_id, round=str(world.rounds["evening"]))
    book = workbook(response)
    ws = book["Antwoorden"]
    header = [c.value for c in ws[1]]
    found = {}
    for row in ws.iter_rows(min_row=2):
        reference = row[header.index("Referentie")].value
        if reference in {f"C-{i}" for i in ids}:
            cell = row[header.index("Antwoord")]
            assert cell.data_type == "s", (reference, cell.value)
            found[reference] = cell.value
    assert [found[f"C-{i}"] for i in ids] == RISKY
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any("<f>" in archive.read(n).decode() or "<f " in archive.read(n).decode() for n in sheets)

    csv_zip = export(client, world.project_id, format="csv", round=str(world.rounds["evening"]))
    with zipfile.ZipFile(io.BytesIO(csv_zip.data)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("02 "))
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline=""), delimiter=";"))
    by_reference = {row[0]: row[6] for row in rows[1:]}
    for i, text in zip(ids, RISKY):
        field = by_reference[f"C-{i}"]
        assert field == "'" + text  # guarded: a spreadsheet shows it as text
        assert csv_value(field) == text  # and what it was comes back
    assert by_reference[rows[1][0]] == rows[1][6]


def test_control_characters_and_overlong_texts_never_break_the_export(app, world, client):
    long_text = "Lange toelichting. " * 2200  # 41,800 characters: more than a cell holds
    ids = add_contributions(app, world, ["bel\x07letje en\x0b nul\x1b", long_text])
    login(client, world)
    response = export(client, world.project_id, round=str(world.rounds["evening"]))
    book = workbook(response)
    answers = {r["Referentie"]: r["Antwoord"] for r in rows_of(book["Antwoorden"])}
    assert answers[f"C-{ids[0]}"] == "belletje en nul"
    cut = answers[f"C-{ids[1]}"]
    assert len(cut) == 32_767 and cut.startswith("Lange toelichting.") and cut.endswith("[afgekort: de CSV-export heeft de hele tekst]")
    facts = {row[0]: row[1] for row in book["Toelichting"].iter_rows(values_only=True) if row and row[0]}
    assert "afgekort" in facts["Lange uitspraken"] and "verwijderd" in facts["Verwijderde tekens"]
    csv_zip = export(client, world.project_id, format="csv", round=str(world.rounds["evening"]))
    with zipfile.ZipFile(io.BytesIO(csv_zip.data)) as archive:
        text = archive.read(next(n for n in archive.namelist() if n.startswith("02 "))).decode("utf-8-sig")
    assert long_text.strip() in text  # the CSV holds it whole


def test_the_writer_handles_every_prefix_an_empty_sheet_and_repeated_headers(app, tmp_path):
    from app.exports.sheets import TEXT, Column, Sheet
    from app.exports.xlsx import XlsxWriter

    values = [*RISKY, "gewoon", "", "a\tb", "#N/B"]
    sheets = [
        Sheet(
            "texts",
            "Teksten",
            "Texts",
            "",
            [Column("Tekst"), Column("Tekst"), Column("=kop")],
            lambda: iter([(v, v, None) for v in values]),
        ),
        Sheet("empty", "Leeg", "Empty", "", [Column("Een", TEXT)], lambda: iter([])),
    ]
    with app.app_context():
        writer = XlsxWriter("nl", " [afgekort]")
        for sheet in sheets:
            writer.add_sheet(sheet)
        path = tmp_path / "t.xlsx"
        writer.save(str(path))
    book = load_workbook(path)
    ws = book["Teksten"]
    assert [c.value for c in ws[1]] == ["Tekst", "Tekst (2)", "=kop"]
    assert ws["C1"].data_type == "s"
    assert [r[0] or "" for r in ws.iter_rows(min_row=2, values_only=True)] == values
    assert all(row[0].data_type == "s" for row in ws.iter_rows(min_row=2) if row[0].value)  # text, never a formula or an error
    empty = book["Leeg"]
    assert next(iter(empty.tables.values())).ref == "A1:A2"  # a table needs a data row, even an empty one
    assert writer.report.rows == {"texts": len(values), "empty": 0}


# -- CSV and GeoJSON -------------------------------------------------------------------------------


def test_the_csv_zip_has_a_file_per_sheet_for_dutch_excel_or_with_commas(app, world, client):
    login(client, world)
    book = workbook(export(client, world.project_id))
    response = export(client, world.project_id, format="csv")
    assert response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert [n.split(" ", 1)[1].rsplit(".", 1)[0] for n in sorted(names)] == SHEETS_NL
        raw = archive.read(next(n for n in names if n.startswith("01 ")))
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 and the accents stay right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:4] == ["Referentie", "Soort", "Ronde", "Datum"]
    assert len(rows) - 1 == len(rows_of(book["Gesprekken"]))
    duration = rows[0].index("Duur (min)")
    assert rows[1][duration] == "10,0"  # decimal comma with semicolons
    commas = export(client, world.project_id, format="csv", delimiter=",")
    with zipfile.ZipFile(io.BytesIO(commas.data)) as archive:
        text = archive.read(next(n for n in archive.namelist() if n.startswith("01 "))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=","))
    assert rows[1][duration] == "10.0" and len(rows[0]) == len(rows[1])


def test_geojson_holds_the_gps_points_with_reference_area_date_and_codes(app, world, client_factory):
    interview_id = add_gps(app, world)
    from app.models import Area, Interview

    with app.app_context():
        receipt = db.session.get(Interview, interview_id).receipt_code
        db.session.get(Interview, interview_id).area_id = world.areas["Filmwijk Noord"]  # a buurt without a CBS code of its own
        filmwijk = db.session.get(Area, world.areas["Filmwijk"])
        filmwijk.cbs_code, filmwijk.cbs_year = "WK003401", 2024
        db.session.commit()
    client = client_factory()
    login(client, world)
    response = export(client, world.project_id, format="geojson")
    assert response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and data["metadata"]["pseudonymised"] is True
    assert len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.222, 52.371]}  # longitude first; about 100 m
    assert feature["properties"]["ontvangstcode"] == receipt and set(feature["properties"]) >= {"soort", "gebied", "datum", "codes"}
    assert feature["properties"]["gebied"] == "Almere Stad › Filmwijk › Filmwijk Noord"
    assert feature["properties"]["cbs_code"] == "WK003401"  # the wijk's code: a GIS joins on it
    # Filtered out, the point goes too.
    assert json.loads(export(client, world.project_id, format="geojson", round=str(world.rounds["evening"])).data)["features"] == []
    exact = export(client, world.project_id, format="geojson", personal="y", reason="Kaart voor de wijkbeheerder")
    assert json.loads(exact.data)["features"][0]["geometry"]["coordinates"] == [5.222345, 52.371234]


# -- ways in ---------------------------------------------------------------------------------------


def test_every_dashboard_links_to_the_export_with_its_filters(app, world, client):
    login(client, world)
    area = world.areas["Filmwijk"]
    page = client.get(f"/projects/{world.project_id}/insights/areas?area={area}&level=buurt&respondent=resident")
    assert f"/projects/{world.project_id}/exports/?level=buurt&amp;" in page.text and f"area={area}" in page.text
    form = client.get(f"/projects/{world.project_id}/exports/?area={area}&respondent=resident&code=5")
    assert form.status_code == 200
    assert "Almere Stad › Filmwijk" in form.text and "Bewoner" in form.text
    assert f'name="area" value="{area}"' in form.text and 'name="code"' not in form.text  # only the shared filters travel


def test_interviewers_cannot_export(app, world, client):
    login(client, world, "anna")
    assert client.get(f"/projects/{world.project_id}/exports/").status_code == 403
    assert client.form_post(f"/projects/{world.project_id}/exports/", data={"format": "xlsx"}).status_code == 403


def test_the_token_url_lets_excel_or_power_bi_refresh_a_pseudonymised_export(app, world, client):
    from app.auth import services as auth_services
    from app.models import User

    with app.app_context():
        _token, plain = auth_services.create_token(db.session.get(User, world.users["viewer"].id), "Power BI")
        db.session.commit()
    url = f"/api/v1/projects/{world.project_id}/export.xlsx?area={world.areas['Filmwijk']}&personal=1"
    assert client.get(url).status_code == 401
    response = client.get(url, headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    book = workbook(response)
    assert "Contactgegevens" not in book.sheetnames
    assert not any(p in raw_xml(response.data) for p in PERSONAL)
    assert client.get(f"/api/v1/projects/{world.project_id}/export.exe", headers={"Authorization": f"Bearer {plain}"}).status_code == 422
    csv_response = client.get(f"/api/v1/projects/{world.project_id}/export.csv?delimiter=,", headers={"Authorization": f"Bearer {plain}"})
    assert csv_response.status_code == 200 and csv_response.mimetype == "application/zip"
    with app.app_context():
        events = audit_exports()
        assert [(e.origin, e.details["format"], e.details["pseudonymised"]) for e in events] == [
            ("api", "xlsx", True),
            ("api", "csv", True),
        ]
        assert events[0].details["filters"] == {"area": str(world.areas["Filmwijk"])}


def test_the_export_command_writes_the_file_and_refuses_bad_input(app, world, runner, tmp_path):
    target = tmp_path / "export.xlsx"
    result = runner.invoke(args=["export", str(world.project_id), "--output", str(target), "--filter", f"area={world.areas['Filmwijk']}"])
    assert result.exit_code == 0, result.output
    assert "pseudonymised" in result.output
    assert load_workbook(target).sheetnames == SHEETS_NL
    for args in (["--filter", "nope=1"], ["--personal"], ["--format", "pdf"]):
        bad = tmp_path / "bad.xlsx"
        result = runner.invoke(args=["export", str(world.project_id), "--output", str(bad), *args])
        assert result.exit_code != 0 and not bad.exists(), args
    qdc = tmp_path / "codeboek.qdc"
    assert runner.invoke(args=["export", str(world.project_id), "--format", "qdc", "--output", str(qdc)]).exit_code == 0
    assert b"urn:QDA-XML:codebook:1.0" in qdc.read_bytes()
    assert runner.invoke(args=["export", "99999", "--output", str(tmp_path / "x.xlsx")]).exit_code != 0
    with app.app_context():
        events = audit_exports()
        assert [(e.origin, e.details["format"]) for e in events] == [("cli", "xlsx"), ("cli", "qdc")]


# -- background jobs -------------------------------------------------------------------------------


@pytest.fixture
def live_app(live_database: Any, make_app: Any, tmp_path: Any) -> Any:
    """An app on a fresh database with the demo and real commits (jobs run on threads of their own)."""
    apps = []

    def make(**config: Any) -> Any:
        app = make_app(live_database(demo=True), EXPORT_DIR=str(tmp_path / "exports"), **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def demo_client(app: Any) -> tuple[Any, int]:
    from app import demo
    from app.models import Membership, Role, User

    app.test_client_class = __import__("tests.conftest", fromlist=["Client"]).Client
    client = app.test_client()
    with app.app_context():
        coordinator = db.session.scalar(sa.select(User).join(Membership).where(Membership.role == Role.coordinator))
        project_id = db.session.scalar(
            sa.select(Membership.project_id).where(Membership.user_id == coordinator.id).order_by(Membership.project_id)
        )
        password = next(p for email, _n, p, _a in demo.DEMO_USERS if email == coordinator.email)
    client.post("/login", data={"email": coordinator.email, "password": password, "csrf_token": client.csrf_token()})
    return client, project_id


def finish(app: Any, client: Any, project_id: int, location: str) -> dict[str, Any]:
    from app.exports import jobs

    key = location.rstrip("/").split("/")[-1]
    jobs.wait(key, 120)
    return client.get(f"/projects/{project_id}/exports/jobs/{key}/status").get_json()


def test_a_big_export_runs_in_the_background_with_progress_and_expires(live_app, tmp_path):
    app = live_app(EXPORT_SYNC_ROWS=0)
    client, project_id = demo_client(app)
    response = client.form_post(f"/projects/{project_id}/exports/", data={"format": "xlsx"})
    assert response.status_code == 303
    page = client.get(response.location)
    assert page.status_code == 200 and 'role="status"' in page.text and "<progress" in page.text
    status = finish(app, client, project_id, response.location)
    assert status["status"] == "done" and status["progress"] == 1 and status["rows_done"] > 0, status
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert workbook(download).sheetnames == SHEETS_NL
    with app.app_context():
        from app.models import AuditEvent, ExportJob

        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.origin == "job" and event.details["pseudonymised"] is True
        job = db.session.scalar(sa.select(ExportJob))
        assert job.expires_at is not None and job.expires_at > job.finished_at
        job.expires_at = job.finished_at - timedelta(seconds=1)  # its time is up
        db.session.commit()
        files = list((tmp_path / "exports").iterdir())
        assert len(files) == 1
    assert client.get(status["download_url"]).status_code == 410
    assert client.get(response.location.rstrip("/") + "/status").get_json()["status"] == "expired"
    assert list((tmp_path / "exports").iterdir()) == []  # the file is gone
    # Another person cannot follow or fetch it.
    other = app.test_client()
    assert other.get(status["download_url"]).status_code == 302  # to the login page


def test_a_job_that_cannot_be_made_fails_with_a_reason_and_leaves_no_file(live_app, tmp_path):
    from app.exports import jobs, services
    from app.models import AuditEvent, ExportJob, JobStatus, Membership, Project, Role, User

    app = live_app()
    with app.app_context():
        membership = db.session.scalars(sa.select(Membership).where(Membership.role == Role.viewer)).first()
        project, user = db.session.get(Project, membership.project_id), db.session.get(User, membership.user_id)
        # Asked for with personal data (as a coordinator could), run for someone who is a policy maker now.
        job = jobs.start(project, user, services.ExportOptions(format="xlsx", personal=True, reason="Een goede reden hier"), "nl", 10)
        key, job_id = str(job.uuid), job.id
        db.session.rollback()  # hold no lock while the job runs
        jobs.wait(key, 60)
        job = db.session.get(ExportJob, job_id)
        assert job.status == JobStatus.failed and "coördinator" in job.error
        assert list((tmp_path / "exports").iterdir()) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")) == 0


def test_with_redis_the_export_runs_on_an_rq_worker(live_app):
    from redis import Redis
    from rq import Queue, SimpleWorker

    redis_url = redis_url_or_skip()
    app = live_app(EXPORT_SYNC_ROWS=0, EXPORT_QUEUE_URL=redis_url)
    connection = Redis.from_url(redis_url)
    queue = Queue("exports", connection=connection)
    queue.empty()
    client, project_id = demo_client(app)
    response = client.form_post(f"/projects/{project_id}/exports/", data={"format": "csv"})
    assert response.status_code == 303
    key = response.location.rstrip("/").split("/")[-1]
    status_url = f"/projects/{project_id}/exports/jobs/{key}/status"
    assert client.get(status_url).get_json()["status"] == "queued"  # waiting for a worker
    assert queue.count == 1
    with app.app_context():
        SimpleWorker([queue], connection=connection).work(burst=True)
    status = client.get(status_url).get_json()
    assert status["status"] == "done", status
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert queue.count == 0
    connection.close()


# -- a real spreadsheet program --------------------------------------------------------------------


def test_libreoffice_opens_and_converts_the_workbook(app, world, client, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        require_service("LibreOffice", "soffice is not installed (apt-get install libreoffice-calc)")
    add_contributions(app, world, RISKY)
    login(client, world)
    source = tmp_path / "export.xlsx"
    source.write_bytes(export(client, world.project_id).data)
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    converted = tmp_path / "export.csv"
    assert converted.exists(), (result.stdout, result.stderr)
    text = converted.read_text("utf-8", "replace")
    assert "Groot onderhoud Filmwijk" in text and "Gesprekken" in text
    assert "Err:" not in text and "#NAME" not in text


def test_an_export_made_while_a_resident_was_erased_is_thrown_away(live_app, tmp_path, monkeypatch):
    """The job reads one snapshot; if a resident's input is erased meanwhile, its file may hold it."""
    from app.exports import jobs, services
    from app.models import ErasedRecord, ExportJob, JobStatus, Membership, Project, Role, User
    from app.models.types import utcnow

    app = live_app()
    real_write = services.write

    def erase_meanwhile(project, *args, **kwargs):
        # Another request erases a resident's input after the job began, and commits.
        db.session.execute(
            sa.insert(ErasedRecord),
            [{"uuid": uuid.uuid4(), "project_id": project.id, "kind": "contribution", "reason": "request", "erased_at": utcnow()}],
        )
        db.session.commit()
        return real_write(project, *args, **kwargs)

    monkeypatch.setattr(services, "write", erase_meanwhile)
    with app.app_context():
        membership = db.session.scalars(sa.select(Membership).where(Membership.role == Role.coordinator)).first()
        project, user = db.session.get(Project, membership.project_id), db.session.get(User, membership.user_id)
        job = ExportJob(project_id=project.id, user_id=user.id, format="xlsx", params=services.ExportOptions(format="xlsx").as_params())
        db.session.add(job)
        db.session.commit()
        key, job_id = str(job.uuid), job.id
        jobs.run(key)  # here, in this thread: the worker's part
        job = db.session.get(ExportJob, job_id)
        assert job.status == JobStatus.failed and "gewist" in job.error
        assert list((tmp_path / "exports").iterdir()) == []
        # Without an erasure the same job is made.
        monkeypatch.setattr(services, "write", real_write)
        again = ExportJob(project_id=project.id, user_id=user.id, format="xlsx", params=services.ExportOptions(format="xlsx").as_params())
        db.session.add(again)
        db.session.commit()
        jobs.run(str(again.uuid))
        assert db.session.get(ExportJob, again.id).status == JobStatus.done


@pytest.mark.parametrize("export_format", ["xlsx", "csv", "geojson", "qdc"])
def test_every_format_takes_the_question_filter_the_dashboards_carry(app, client_factory, world, export_format):
    """The dashboards' "Exporteren" carries ?question=…, and so may the token URL: an export filtered by a
    question answered 500 (the question's probe correlated with the count's own answers)."""
    from app.auth import services as auth_services
    from app.models import User

    client = client_factory()
    if export_format != "qdc":  # the codebook has no form choice: the token URL only
        login(client, world)
        export(client, world.project_id, format=export_format, question="verbeteren")
    with app.app_context():
        _token, plain = auth_services.create_token(db.session.get(User, world.users["viewer"].id), "Power BI")
        db.session.commit()
    response = client.get(
        f"/api/v1/projects/{world.project_id}/export.{export_format}?question=verbeteren", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200, response.status_code


def test_every_row_of_every_sheet_matches_its_columns(app, world):
    """Each sheet names its row (a NamedTuple, one field per column) or, with a column per area or
    question, yields rows exactly as long as its columns: a column added without its value fails here."""
    from app.exports.sheets import Scope, workbook_sheets
    from app.filters import Filters
    from app.models import Project

    with app.test_request_context(), app.app_context():
        scope = Scope(db.session.get(Project, world.project_id), Filters(), personal=True)
        sheets = workbook_sheets(scope)
        assert "contacts" in {sheet.key for sheet in sheets}
        counted = {}
        for sheet in sheets:
            if sheet.row is not None:
                assert len(sheet.row._fields) == len(sheet.columns), sheet.key
            rows = list(sheet.rows())
            counted[sheet.key] = len(rows)
            for row in rows:
                assert len(row) == len(sheet.columns), (sheet.key, row)
                if sheet.row is not None:
                    assert isinstance(row, sheet.row), sheet.key
    named = {"interviews", "answers", "coding", "quotes", "actions", "codebook", "contacts"}
    assert named <= {sheet.key for sheet in sheets if sheet.row is not None}
    assert all(counted[key] > 0 for key in ("interviews", "answers", "answers_wide", "coding", "themes", "quotes", "codebook")), counted


def test_the_grounds_sheet_lists_every_statement_behind_each_action_item_pseudonymised(app, world, client):
    """Onderbouwing: one row per action item × statement, with the statement's reference, words and themes."""
    from app.actions import services as actions
    from app.models import ActionStatus, Answer, Contribution, Element, Interview, Project, User

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        coordinator = db.session.get(User, world.users["coordinator"].id)
        answers = list(
            db.session.scalars(
                sa.select(Answer).join(Interview).where(Interview.project_id == project.id, Answer.text.like("%Kerkstraat 12%"))
            )
        )[:2]
        contribution = db.session.scalars(sa.select(Contribution).where(Contribution.project_id == project.id).limit(1)).one()
        element = db.session.scalar(sa.select(Element).where(Element.project_id == project.id, Element.key == "verkeersborden"))
        first = actions.create_action(
            project,
            coordinator,
            actions.ActionData(
                "Drempels Kerkstraat",
                status=ActionStatus.planned,
                planned_year=2028,
                estimated_cost=12500,
                element_id=element.id,
                object_ref="BGT-1",
            ),
            [*answers, contribution],
        )
        actions.create_action(project, coordinator, actions.ActionData("Nog niets gekoppeld"))
        expected = {(first.id, a.interview.receipt_code, a.question.key) for a in answers} | {(first.id, f"C-{contribution.id}", None)}
        db.session.commit()
    login(client, world)
    book = workbook(export(client, world.project_id))
    grounds = rows_of(book["Onderbouwing"])
    assert {(r["Actiepuntnr."], r["Referentie"], r["Vraagsleutel"]) for r in grounds} == expected
    assert len(grounds) == len(expected) == 3 and {r["Status"] for r in grounds} == {"opgenomen in plan"}
    assert all("Kerkstraat 12" not in r["Uitspraak"] for r in grounds) and any("te hard gereden" in r["Uitspraak"] for r in grounds)
    assert {r["Soort"] for r in grounds} == {"Gesprek", "Bijdrage"}
    plan = {r["Titel"]: r for r in rows_of(book["Actiepunten"])}
    row = plan["Drempels Kerkstraat"]
    assert (row["Gepland jaar"], row["Geschatte kosten"], row["Element"], row["Objectverwijzing"], row["Uitspraken"]) == (
        2028,
        12500,
        "Verkeersborden en bebording",
        "BGT-1",
        3,
    )
    header = [c.value for c in book["Actiepunten"][1]]
    cost = next(r for r in book["Actiepunten"].iter_rows(min_row=2) if r[1].value == "Drempels Kerkstraat")[
        header.index("Geschatte kosten")
    ]
    assert cost.number_format == '"€" #,##0'
    assert plan["Nog niets gekoppeld"]["Uitspraken"] == 0


def test_the_printed_workbook_fits_every_sheet_to_the_page_width(app, world, client, tmp_path):
    """LibreOffice prints the workbook to PDF: every page carries the project in its header and a page
    number, and every page starts at a sheet's first column (a sheet wider than the page would print
    its right-hand columns on pages of their own, without it)."""
    from pypdf import PdfReader

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        require_service("LibreOffice", "soffice is not installed (apt-get install libreoffice-calc)")
    login(client, world)
    source = tmp_path / "export.xlsx"
    source.write_bytes(export(client, world.project_id).data)
    book = load_workbook(source)
    firsts = {str(ws.cell(1, 1).value) for ws in book.worksheets}
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    pages = [page.extract_text() for page in PdfReader(tmp_path / "export.pdf").pages]
    assert len(book.worksheets) <= len(pages) <= 3 * len(book.worksheets), len(pages)  # a small project: a page or so per sheet
    for n, text in enumerate(pages, 1):
        assert "Groot onderhoud Filmwijk" in text and f"Pagina {n} van {len(pages)}" in text, (n, text[:300])
        squeezed = "".join(text.split())
        assert any("".join(first.split())[:5] in squeezed for first in firsts), (n, text[:300])  # a wrapped header breaks its words


def test_the_per_area_sheet_has_the_project_and_every_area_with_what_was_heard_there(app, world, client):
    from app.models import Area

    login(client, world)
    with app.app_context():
        areas = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == world.project_id))}
        sources = current_sources(world)
        paths = {a.id: a.path for a in areas.values()}
    rows = {r["Gebied"]: r for r in rows_of(workbook(export(client, world.project_id))["Per gebied"])}
    assert next(iter(rows)) == "Het hele project" and len(rows) == len(areas) + 1
    for name, area_id in [("Het hele project", None), *((a.label, a.id) for a in areas.values())]:
        f = {"area": area_id} if area_id else {}
        kept = [key for key, source in sources.items() if passes(world, source, f, paths)]
        assert rows[name]["Gesprekken"] == sum(k == "interview" for k, _ in kept), name
        assert rows[name]["Bijdragen"] == sum(k == "contribution" for k, _ in kept), name
    assert rows["Almere Stad › Filmwijk"]["Niveau"] == "Wijk" and "Groen: mediaan" in rows["Het hele project"]["Beleefde kwaliteit"]
    assert "Wat moet eerst?:" in rows["Het hele project"]["Wat bewoners het eerst willen"]
    assert rows["Het hele project"]["Meest genoemde thema's"].count("%") == 3


def test_the_teams_memos_go_with_the_project_pseudonymised_unless_personal(app, world, client):
    """Issue 24.2: memos on the project, a code, a statement and a coding export with their author and day;
    what they say is pseudonymised like residents' texts unless personal data is included."""
    from app.coding import memos
    from app.models import Code, Coding, Contribution, Project, User

    with app.app_context():
        project = db.session.get(Project, world.project_id)
        author = db.session.get(User, world.users["coordinator"].id)
        code = db.session.scalars(sa.select(Code).where(Code.project_id == project.id).order_by(Code.id)).first()
        coding = db.session.scalars(
            sa.select(Coding)
            .where(Coding.project_id == project.id, Coding.answer_id.is_not(None), Coding.start.is_not(None), Coding.sample_id.is_(None))
            .order_by(Coding.id)
        ).first()
        contribution = db.session.scalars(
            sa.select(Contribution).where(Contribution.project_id == project.id).order_by(Contribution.id)
        ).first()
        memos.add_memo(project, author, "Projectmemo: bel 0612345678 voor de sleutel.")
        memos.add_memo(project, author, "Codememo over de grenzen van deze code.", code=code)
        memos.add_memo(project, author, "Codeermemo bij dit fragment.", coding=coding)
        memos.add_memo(project, author, "Uitspraakmemo bij de bijdrage.", target=contribution)
        db.session.commit()
        expected_code = (code.key, coding.code.key)
        fragment = coding.fragment
    login(client, world)
    sheet = workbook(export(client, world.project_id))["Memo's"]
    header = [c.value for c in sheet[1]]
    assert header == ["Over", "Code", "Thema", "Referentie", "Fragment", "Memo", "Geschreven door", "Geschreven op", "Gewijzigd op"]
    rows = {row[header.index("Memo")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {
        "Projectmemo: bel [telefoonnummer] voor de sleutel.",
        "Codememo over de grenzen van deze code.",
        "Codeermemo bij dit fragment.",
        "Uitspraakmemo bij de bijdrage.",
    }
    assert rows["Codememo over de grenzen van deze code."][:2] == ("een code", expected_code[0])
    coded = rows["Codeermemo bij dit fragment."]
    assert coded[0] == "een codering" and coded[1] == expected_code[1] and coded[3] and coded[4]
    assert rows["Uitspraakmemo bij de bijdrage."][0] == "een uitspraak" and rows["Uitspraakmemo bij de bijdrage."][3].startswith("C-")
    assert "Cor Coördinator" not in {row[6] for row in rows.values()}  # the author by pseudonym
    assert isinstance(coded[7], datetime)
    personal = workbook(export(client, world.project_id, personal="y", reason="Controle van de memo's door de coördinator"))["Memo's"]
    texts = {row[5] for row in personal.iter_rows(min_row=2, values_only=True)}
    assert "Projectmemo: bel 0612345678 voor de sleutel." in texts
    assert {row[6] for row in personal.iter_rows(min_row=2, values_only=True)} == {"Cor Coördinator"}
    assert fragment in {row[4] for row in personal.iter_rows(min_row=2, values_only=True)}


def test_the_theme_matrix_sheet_has_the_dashboards_figures(app, world, client):
    """Issue 24.3: the code × attribute table as a workbook sheet, in long form (one row per cell)."""
    from app.insights import queries
    from app.models import Project
    from tests.test_insights import filters

    login(client, world)
    sheet = workbook(export(client, world.project_id))["Thema's × wie"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        questions = {q.key: q.label for q in queries.option_questions(project)}
        tables = {
            "Ronde": queries.attribute_table(project, filters({}), "round"),
            questions["veilig"]: queries.attribute_table(project, filters({}), "answer", key="veilig"),  # a closed question's answers
        }
        expected = {
            by: {
                (c.label or "onbekend", t.key): table.cells[(t.id, c.value)]
                for t in table.themes
                for c in table.columns
                if table.cells.get((t.id, c.value))
            }
            for by, table in tables.items()
        }
    assert {r["Kenmerk"] for r in rows} == {"Ronde", "Respondent", "Leeftijdsgroep", "Gebied", *questions.values()}
    for by, cells in expected.items():
        assert {(r["Waarde"], r["Code"]): r["Mensen"] for r in rows if r["Kenmerk"] == by} == cells
    assert all(0 < r["Aandeel van de kolom"] <= 1 and 0 < r["Aandeel van de rij"] <= 1 for r in rows)
