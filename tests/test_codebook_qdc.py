"""The codebook as REFI-QDA Codebook Exchange (.qdc), valid against the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from app.extensions import db
from app.models import Code, CodeGroup


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "data" / "refi-qda" / "Codebook.xsd")))
NS = {"q": "urn:QDA-XML:codebook:1.0"}


def test_the_qdc_export_validates_and_keeps_every_uuid(app, client, world, query):
    with app.app_context():
        archived = db.session.scalars(sa.select(Code).where(Code.project_id == world.project_a.id).order_by(Code.id).limit(1)).one()
        archived.archived = True
        archived_uuid = str(archived.uuid)
        group = db.session.scalars(
            sa.select(CodeGroup).where(CodeGroup.project_id == world.project_a.id).order_by(CodeGroup.id).limit(1)
        ).one()
        group.name = 'Groen & water <"test">'
        db.session.commit()
    client.login(world.viewer_a.email)  # policy makers and researchers may take the codebook along
    response = client.get(f"/projects/{world.project_a.id}/codebook/export.qdc")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.qdc"')
    document = etree.fromstring(response.data)
    SCHEMA.assertValid(document)
    groups = query(
        lambda: {str(g.uuid): g.name for g in db.session.scalars(sa.select(CodeGroup).where(CodeGroup.project_id == world.project_a.id))}
    )
    codes = query(
        lambda: {
            str(c.uuid) for c in db.session.scalars(sa.select(Code).where(Code.project_id == world.project_a.id, Code.archived.is_(False)))
        }
    )
    top = document.findall("q:Codes/q:Code", NS)
    assert {c.get("guid"): c.get("name") for c in top} == groups
    assert all(c.get("isCodable") == "false" for c in top)
    nested = document.findall("q:Codes/q:Code/q:Code", NS)
    assert {c.get("guid") for c in nested} == codes and len(nested) == len(codes) == 22
    assert all(c.get("isCodable") == "true" and c.get("color").startswith("#") for c in nested)
    assert document.find("q:Sets", NS) is None
    assert archived_uuid not in response.text


def test_the_schema_rejects_what_it_should():
    """The check above can fail: an empty <Sets/> is invalid."""
    bad = etree.fromstring(
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="5b2c1f8e-0000-4000-8000-000000000001" name="x" isCodable="true"/></Codes><Sets/></CodeBook>'
    )
    assert not SCHEMA.validate(bad)
