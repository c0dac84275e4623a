"""Each project starts with the default public-space codebook."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from app.codebook.services import DEFAULT_CODEBOOK, groups_with_codes
from app.extensions import db
from app.models import Code, Project


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


def test_a_new_project_gets_the_default_codebook(app, make_user, make_project):
    with DEFAULT_CODEBOOK.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    first = make_project(make_user())
    make_project(make_user())  # a second project, with its own codebook
    with app.app_context():
        groups = groups_with_codes(db.session.get(Project, first.id))
        assert [g.key for g in groups] == list(dict.fromkeys(r["group"] for r in rows))
        assert [(c.key, c.name, c.description) for g in groups for c in g.codes] == [(r["code"], r["name"], r["description"]) for r in rows]
        assert all(c.colour == g.colour and c.colour.startswith("#") for g in groups for c in g.codes)
        uuids = db.session.scalars(sa.select(Code.uuid)).all()
        assert len(uuids) == len(set(uuids)) == 2 * len(rows)  # stable ids, never shared between projects


def test_the_codebook_shows_as_theme_chips_on_the_capture_form(client, world):
    client.login(world.interviewer_a.email)
    page = client.get(f"/projects/{world.project_a.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new").text
    assert "Openbare verlichting" in page and "Hondenpoep" in page
