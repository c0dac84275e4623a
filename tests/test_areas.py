"""Area import from CSV: good files in the shapes people really save, bad files that import nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.areas import services
from app.extensions import db
from app.models import Area, AuditEvent

ALMERE = (Path(__file__).resolve().parent.parent / "app" / "demo_data" / "almere_areas.csv").read_text()


@pytest.fixture
def coordinator(client, make_user, make_project):
    user = make_user()
    project = make_project(user)
    client.login(user.email)
    return project


def upload(client, project, content: bytes | str, filename: str = "gebieden.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.form_post(
        f"/projects/{project.id}/areas/import",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def areas_of(query, project):
    return query(
        lambda: {
            a.path: (a.level.value, a.cbs_code, a.cbs_year, a.kind, a.parent.path if a.parent else None)
            for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))
        }
    )


def test_the_almere_file_imports_as_a_tree(client, coordinator, query):
    response = upload(client, coordinator, ALMERE)
    assert response.status_code == 302
    areas = areas_of(query, coordinator)
    stadsdelen = {p for p, v in areas.items() if v[0] == "stadsdeel"}
    assert stadsdelen == {line.split(",")[0] for line in ALMERE.splitlines()[1:] if line}
    assert {"Almere Haven", "Almere Stad", "Almere Buiten", "Almere Hout", "Almere Poort"} <= stadsdelen
    assert areas["Almere Stad/Muziekwijk Zuid"] == ("wijk", None, None, "wijk", "Almere Stad")
    assert areas["Almere Haven/De Steiger"][3] == "bedrijventerrein"
    assert len(areas) == len(stadsdelen) + len(ALMERE.strip().splitlines()) - 1
    page = client.get(f"/projects/{coordinator.id}/areas/").text
    assert "Muziekwijk Zuid" in page and "Bedrijventerrein" not in page


def test_importing_the_same_file_twice_changes_nothing(client, coordinator, query):
    upload(client, coordinator, ALMERE)
    before = areas_of(query, coordinator)
    response = upload(client, coordinator, ALMERE)
    assert response.status_code == 302
    assert areas_of(query, coordinator) == before
    message = client.get(response.location).text
    assert "0 nieuw, 0 bijgewerkt, 50 ongewijzigd" in message


def test_buurten_and_cbs_codes_and_updates(client, coordinator, query):
    upload(client, coordinator, "stadsdeel,wijk,buurt,cbs_code,cbs_year\nAlmere Stad,Muziekwijk Zuid,,WK003406,2023\n")
    upload(
        client,
        coordinator,
        "stadsdeel,wijk,buurt,cbs_code,cbs_year\n"
        "Almere Stad,Muziekwijk Zuid,,wk003406,2024\n"
        "Almere Stad,Muziekwijk Zuid,Bluesbuurt,BU00340611,2024\n",
    )
    areas = areas_of(query, coordinator)
    assert areas["Almere Stad/Muziekwijk Zuid"][:3] == ("wijk", "WK003406", 2024)
    assert areas["Almere Stad/Muziekwijk Zuid/Bluesbuurt"] == ("buurt", "BU00340611", 2024, "", "Almere Stad/Muziekwijk Zuid")
    rows = query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "area.import")).all())
    assert rows[-1] == {"rows": 2, "created": 1, "updated": 1}


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("\ufeffstadsdeel;wijk\r\nAlmere Haven;De Werven\r\n".encode("utf-8"), "De Werven"),  # Excel "CSV UTF-8"
        ("stadsdeel;wijk\r\nAlmere Buiten;Sieradenbuurt é\r\n".encode("cp1252"), "Sieradenbuurt é"),  # Excel on Windows
        (b'"stadsdeel","wijk"\n"Almere Stad","Tussen de Vaarten, Noord"\n', "Tussen de Vaarten, Noord"),
        (b"STADSDEEL , Wijk\nAlmere Poort,Duin\n\n\n", "Duin"),
    ],
)
def test_files_as_spreadsheets_save_them(client, coordinator, query, raw, name):
    assert upload(client, coordinator, raw).status_code == 302
    assert any(path.endswith("/" + name) for path in areas_of(query, coordinator))


BAD_FILES = [
    ("", ["Regel 1: Het bestand is leeg."]),
    ("stadsdeel,wijk\n", ["Regel 2: Het bestand heeft een kopregel maar geen gebieden."]),
    ("stadsdeel,buurt\nA,B\n", ["Regel 1: Kolom(men) ontbreken: wijk."]),
    ("stadsdeel,wijk,postcode\nA,B,1234\n", ["Regel 1: Onbekende kolom(men): postcode."]),
    ("stadsdeel,wijk,wijk\nA,B,C\n", ["Regel 1: Kolom(men) komen twee keer voor: wijk."]),
    (
        "stadsdeel,wijk,cbs_code,cbs_year\n"
        "Almere Stad,Filmwijk,WK003401,2024\n"
        ",Danswijk,,\n"
        "Almere Stad,Parkwijk,BU00340101,2024\n"
        "Almere Stad,Waterwijk,WK003405,\n"
        "Almere Stad,Verzetswijk,,2024\n"
        "Almere Stad,Filmwijk,WK003499,2024\n"
        "Almere Stad,Kruiden/wijk,,\n"
        "Almere Stad,Stedenwijk,WK003409,20x4\n"
        "Almere Stad,A,B,C,D\n",
        [
            "Regel 3: De kolom stadsdeel is leeg.",
            "Regel 4: CBS-code BU00340101 is geen geldige wijkcode",
            "Regel 5: Bij CBS-code WK003405 hoort een jaar",
            "Regel 6: Er staat een CBS-jaar zonder CBS-code.",
            "Regel 7: Almere Stad/Filmwijk staat ook op regel 2, met andere CBS-gegevens.",
            "Regel 8: De naam in wijk bevat een schuine streep (/).",
            "Regel 9: CBS-jaar 20x4 is geen jaartal.",
            "Regel 10: Deze regel heeft meer waarden dan de kopregel kolommen heeft.",
        ],
    ),
    ("stadsdeel,wijk\nA," + "x" * 121 + "\n", ["Regel 2: De naam in wijk is langer dan 120 tekens."]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["Regel 1: Dit is geen tekstbestand (CSV)."]),
]


@pytest.mark.parametrize(("content", "messages"), BAD_FILES)
def test_a_bad_file_gives_an_error_per_line_and_imports_nothing(client, coordinator, query, content, messages):
    upload(client, coordinator, "stadsdeel,wijk\nAlmere Haven,De Werven\n")
    before = areas_of(query, coordinator)
    response = upload(client, coordinator, content)
    assert response.status_code == 422
    for message in messages:
        assert message in response.text.replace("&#34;", '"')
    assert response.text.count("<li>Regel ") == len(messages)
    assert areas_of(query, coordinator) == before


def test_no_file_chosen(client, coordinator):
    response = client.form_post(f"/projects/{coordinator.id}/areas/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand." in response.text


def test_too_many_rows(app):
    text = "stadsdeel,wijk\n" + "".join(f"S,W{i}\n" for i in range(6))
    with pytest.raises(services.AreaImportError) as error:
        services.parse(text, max_rows=5)
    assert [(e.line, e.params) for e in error.value.errors] == [(7, {"max": 5})]


def test_area_names_are_escaped(client, coordinator):
    upload(client, coordinator, 'stadsdeel,wijk\nAlmere Stad,"<img src=x onerror=alert(1)> "" onmouseover=""x"\n')
    page = client.get(f"/projects/{coordinator.id}/areas/").text
    assert "<img src=x" not in page and '" onmouseover="x' not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &#34; onmouseover=&#34;x" in page
