"""Issue 24.4: the coded project as a REFI-QDA project (.qdpx), valid against the standard's schema."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from app.coding import memos
from app.extensions import db
from app.models import Answer, Code, Coding, Contribution, Project, User
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
