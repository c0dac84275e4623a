"""Issue 24.4: the coded project as a REFI-QDA project (.qdpx), valid against the standard's schema."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from app.coding import memos
from app.extensions import db
from app.models import Answer, AuditEvent, Code, Coding, Contribution, Memo, Project, User
from tests.test_exports import export, login
from tests.test_insights import world  # noqa: F401  (world: fixture)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "app" / "domain_data" / "refi-qda" / "Project.xsd"
SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
SHARED = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project.xsd"
Q = "{urn:QDA-XML:project:1.0}"


def test_the_schema_is_the_standards_own():
    """The app validates imports with REFI's schema as shipped beside this repository (MIT licence)."""
    if SHARED.exists():  # next to the checkout on a workstation; the copy in the app is what CI validates with
        assert SHARED.read_bytes() == SCHEMA_FILE.read_bytes()
    assert b'targetNamespace="urn:QDA-XML:project:1.0"' in SCHEMA_FILE.read_bytes()


def opened(response) -> tuple[zipfile.ZipFile, etree._ElementTree]:
    assert response.mimetype == "application/zip" and response.headers["Content-Disposition"].rstrip('"').endswith(".qdpx")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    project = etree.parse(io.BytesIO(archive.read("project.qde")))
    SCHEMA.assertValid(project)
    return archive, project


def add_memos(app, world):
    with app.app_context():
        project = db.session.get(Project, world.project_id)
        author = db.session.get(User, world.users["coordinator"].id)
        coding = db.session.scalars(
            sa.select(Coding)
            .where(Coding.project_id == project.id, Coding.start.is_not(None), Coding.sample_id.is_(None))
            .order_by(Coding.id)
        ).first()
        memos.add_memo(project, author, "Projectmemo: bel 0612345678.")
        memos.add_memo(
            project, author, "Over deze code.", code=db.session.scalars(sa.select(Code).where(Code.project_id == project.id)).first()
        )
        memos.add_memo(project, author, "Over dit fragment.", coding=coding)
        db.session.commit()


def test_the_export_is_valid_and_codes_the_same_characters(app, world, client):
    add_memos(app, world)
    login(client, world)
    archive, project = opened(
        export(client, world.project_id, format="qdpx", personal="y", reason="Analyse in ATLAS.ti door de onderzoeker")
    )
    root = project.getroot()
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    with app.app_context():
        statements = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Answer)
            .join(Answer.interview)
            .where(Answer.text != "", Answer.interview.has(project_id=world.project_id))
        ) + db.session.scalar(sa.select(sa.func.count()).select_from(Contribution).where(Contribution.project_id == world.project_id))
        expected = {
            str(c.uuid): (c.fragment, str(c.code.uuid))
            for c in db.session.scalars(
                sa.select(Coding).where(Coding.project_id == world.project_id, Coding.sample_id.is_(None), Coding.start.is_not(None))
            )
        }
        whole = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Coding)
            .where(Coding.project_id == world.project_id, Coding.sample_id.is_(None), Coding.start.is_(None))
        )
    assert len(sources) == statements
    found = {}
    for source in sources:
        text = archive.read(source.get("plainTextPath").replace("internal://", "sources/")).decode("utf-8")
        for selection in source.findall(f"{Q}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            found[selection.get("guid")] = (text[start:end], selection.find(f"{Q}Coding/{Q}CodeRef").get("targetGUID"))
    assert found == expected  # the same code on the same characters
    assert len(root.findall(f"{Q}Sources/{Q}TextSource/{Q}Coding")) == whole
    notes = {n.find(f"{Q}PlainTextContent").text for n in root.findall(f"{Q}Notes/{Q}Note")}
    assert {"Projectmemo: bel 0612345678.", "Over deze code.", "Over dit fragment."} <= notes
    assert len(root.findall(f"{Q}NoteRef")) == 1  # the project memo, from the project
    assert root.findall(f"{Q}Cases/{Q}Case") and root.findall(f"{Q}Variables/{Q}Variable")
    assert "Cor Coördinator" in {u.get("name") for u in root.findall(f"{Q}Users/{Q}User")}


def test_pseudonymised_by_default_with_fragments_on_the_same_words(app, world, client):
    add_memos(app, world)
    login(client, world)
    archive, project = opened(export(client, world.project_id, format="qdpx"))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8")
    assert "0612345678" not in everything and "Cor Coördinator" not in everything and "Anna Interviewer" not in everything
    assert "[telefoonnummer]" in everything
    root = project.getroot()
    with app.app_context():
        fragments = {
            str(c.uuid): c.fragment
            for c in db.session.scalars(sa.select(Coding).where(Coding.project_id == world.project_id, Coding.start.is_not(None)))
        }
    for source in root.findall(f"{Q}Sources/{Q}TextSource"):
        text = archive.read(source.get("plainTextPath").replace("internal://", "sources/")).decode("utf-8")
        for selection in source.findall(f"{Q}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            if "[" not in text:  # nothing replaced in this text: the very same characters
                assert text[start:end] == fragments[selection.get("guid")]


def codings_by_text(project_id: int) -> set[tuple[str, str, str | None]]:
    """(statement text, code name, coded characters or None for the whole text) of a project's own coding."""
    found = set()
    for c in db.session.scalars(sa.select(Coding).where(Coding.project_id == project_id, Coding.sample_id.is_(None))):
        target = c.answer or c.contribution
        text = target.text
        found.add((text, c.code.name, text[c.start : c.end] if c.start is not None else None))
    return found


def test_an_exported_project_imported_again_has_the_same_codes_on_the_same_characters(app, world, client):
    add_memos(app, world)
    login(client, world)
    exported = export(client, world.project_id, format="qdpx", personal="y", reason="Terug naar een nieuw project, zonder verlies").data
    page = client.get("/projects/new").text
    assert "/projects/import/qdpx" in page
    response = client.form_post(
        "/projects/import/qdpx",
        {"file": (io.BytesIO(exported), "project.qdpx"), "name": "Teruggelezen"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(sa.select(Project).where(Project.name == "Teruggelezen"))
        assert response.headers["Location"].endswith(f"/projects/{new.id}/coding/")
        before, after = codings_by_text(world.project_id), codings_by_text(new.id)
        assert after == before and len(after) > 10
        texts = set(db.session.scalars(sa.select(Contribution.text).where(Contribution.project_id == new.id)))
        assert texts >= {t for t, _code, _chars in before}
        kept = set(db.session.scalars(sa.select(Memo.text).where(Memo.project_id == new.id)))
        assert {"Projectmemo: bel 0612345678.", "Over deze code.", "Over dit fragment."} <= kept
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Memo).where(Memo.project_id == new.id, Memo.coding_id.is_not(None)))
            == 1
        )
        contributions = db.session.scalar(sa.select(sa.func.count()).select_from(Contribution).where(Contribution.project_id == new.id))
        assert db.session.scalar(sa.select(AuditEvent.details).where(AuditEvent.action == "project.import_qdpx"))["texts"] == contributions


def qdpx_with(project_xml: bytes, files: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", project_xml)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


CODE = "11111111-2222-3333-4444-555555555555"
SOURCE = "aaaaaaaa-2222-3333-4444-555555555555"


def minimal(selection: str = 'startPosition="0" endPosition="4"', code_ref: str = CODE, text: str = "Gras te lang.") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="Klein">'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Groen" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{SOURCE}" name="t"><PlainTextContent>{text}</PlainTextContent>'
        f'<PlainTextSelection guid="bbbbbbbb-2222-3333-4444-555555555555" {selection}>'
        f'<Coding guid="cccccccc-2222-3333-4444-555555555555"><CodeRef targetGUID="{code_ref}"/></Coding>'
        f"</PlainTextSelection></TextSource></Sources></Project>"
    ).encode()


def test_a_bad_qdpx_is_refused_with_a_reason_and_nothing_is_stored(app, world, client):
    login(client, world)
    with app.app_context():
        projects = db.session.scalar(sa.select(sa.func.count()).select_from(Project))
    bad = {
        b"not a zip": "geen zip-bestand",
        qdpx_with(b"<Project/>"): "REFI-QDA-standaard",
        qdpx_with(b"<<<"): "geen geldige XML",
        qdpx_with(minimal('startPosition="5" endPosition="99"')): "buiten de tekst",
        qdpx_with(minimal(code_ref="99999999-2222-3333-4444-555555555555")): "niet in het codeboek",
        qdpx_with(
            minimal()
            .replace(b"<PlainTextContent>Gras te lang.</PlainTextContent>", b"")
            .replace(b'name="t"', b'name="t" plainTextPath="internal://weg.txt"')
        ): "niet in het bestand",
        qdpx_with(
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]><Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>'
        ): "",
    }
    for data, message in bad.items():
        response = client.form_post("/projects/import/qdpx", {"file": (io.BytesIO(data), "x.qdpx")}, content_type="multipart/form-data")
        assert response.status_code == 422, message
        assert message in response.text
        assert "root:" not in response.text  # no file read from the server
    assert client.form_post("/projects/import/qdpx", {}, content_type="multipart/form-data").status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == projects
    good = client.form_post(
        "/projects/import/qdpx", {"file": (io.BytesIO(qdpx_with(minimal())), "x.qdpx")}, content_type="multipart/form-data"
    )
    assert good.status_code == 302
    with app.app_context():
        (row,) = db.session.execute(
            sa.select(Coding.fragment, Code.name)
            .join(Code, Code.id == Coding.code_id)
            .join(Project, Project.id == Coding.project_id)
            .where(Project.name == "Klein")
        ).all()
        assert tuple(row) == ("Gras", "Groen")
