"""The codebook editor: rename keeps the UUID, move, archive, merge keeps every tag, CSV in and out."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Code, CodeGroup, Interview
from app.models.fieldwork import interview_tags


@pytest.fixture
def world(one_project):
    """These tests use project A alone: the smaller world (tests/urlmap.py)."""
    return one_project


def code_by_key(query, project, key):
    return query(lambda: db.session.scalar(sa.select(Code).where(Code.project_id == project.id, Code.key == key)))


def test_rename_and_move_keep_the_uuid(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    code = code_by_key(query, project, "HEEL-VERL")
    other_group = query(lambda: db.session.scalar(sa.select(CodeGroup).where(CodeGroup.project_id == project.id, CodeGroup.key == "SOC")))
    response = client.form_post(
        f"/projects/{project.id}/codebook/codes/{code.id}",
        {
            "edit-group": str(other_group.id),
            "edit-name": "Verlichting & donkere plekken",
            "edit-description": "Te donker",
            "edit-colour": "#6a1b9a",
        },
    )
    assert response.status_code == 302
    after = code_by_key(query, project, "HEEL-VERL")
    assert (after.uuid, after.name, after.group_id, after.colour) == (code.uuid, "Verlichting & donkere plekken", other_group.id, "#6a1b9a")
    details = query(lambda: db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "codebook.code_update")).one())
    assert details["changes"]["name"] == ["Openbare verlichting", "Verlichting & donkere plekken"]


def test_add_codes_and_groups_with_checks(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    group = query(lambda: db.session.scalar(sa.select(CodeGroup.id).where(CodeGroup.project_id == project.id, CodeGroup.key == "GRN")))
    ok = client.form_post(
        f"/projects/{project.id}/codebook/codes",
        {"code-group": str(group), "code-key": "GRN-GEVEL", "code-name": "Geveltuinen", "code-colour": "#2e7d32"},
    )
    assert ok.status_code == 302 and code_by_key(query, project, "GRN-GEVEL").name == "Geveltuinen"
    taken = client.form_post(
        f"/projects/{project.id}/codebook/codes",
        {"code-group": str(group), "code-key": "GRN-GEVEL", "code-name": "Dubbel", "code-colour": "#2e7d32"},
    )
    assert taken.status_code == 422 and "is al in gebruik" in taken.text
    bad_colour = client.form_post(
        f"/projects/{project.id}/codebook/groups", {"group-key": "ECO", "group-name": "Economie", "group-colour": "#ffff00"}
    )
    assert bad_colour.status_code == 422
    new_group = client.form_post(
        f"/projects/{project.id}/codebook/groups", {"group-key": "ECO", "group-name": "Economie", "group-colour": "#00838f"}
    )
    assert new_group.status_code == 302


def test_archived_codes_leave_the_capture_chips(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    code = code_by_key(query, project, "SCH-HOND")
    client.form_post(f"/projects/{project.id}/codebook/codes/{code.id}/archive", {"archived": "1"})
    page = client.get(f"/projects/{project.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new").text
    assert "Hondenpoep" not in page
    client.form_post(f"/projects/{project.id}/codebook/codes/{code.id}/archive", {"archived": "0"})
    assert "Hondenpoep" in client.get(f"/projects/{project.id}/rounds/{world.fieldwork_a['round_id']}/interviews/new").text


def test_merge_keeps_every_tag(app, client, world, query):
    project = world.project_a
    source, target = code_by_key(query, project, "SCH-ZWRF"), code_by_key(query, project, "SCH-BAKK")
    with app.app_context():
        interview = db.session.get(Interview, world.fieldwork_a["interview_id"])
        db.session.execute(
            interview_tags.insert(),
            [{"interview_id": interview.id, "code_id": source.id}, {"interview_id": interview.id, "code_id": target.id}],
        )
        db.session.commit()

    client.login(world.coord_a.email)
    response = client.form_post(f"/projects/{project.id}/codebook/codes/{source.id}/merge", {"merge-target": str(target.id)})
    assert response.status_code == 302
    tags = query(
        lambda: (
            db.session.execute(
                sa.select(interview_tags.c.code_id).where(interview_tags.c.interview_id == world.fieldwork_a["interview_id"])
            )
            .scalars()
            .all()
        )
    )
    assert tags == [target.id]  # both tags became one, nothing lost
    assert code_by_key(query, project, "SCH-ZWRF").archived is True
    assert client.form_post(f"/projects/{project.id}/codebook/codes/{target.id}/merge", {"merge-target": str(target.id)}).status_code == 302
    assert code_by_key(query, project, "SCH-BAKK").archived is False  # merging into itself is refused


def test_csv_round_trip_and_a_bad_file(client, world, query):
    project = world.project_a
    client.login(world.coord_a.email)
    exported = client.get(f"/projects/{project.id}/codebook/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = (
        exported.text.replace("Openbare verlichting", "Straatverlichting")
        + 'GRN,Groen & water,GRN-NIEUW,Boomspiegels,"Beplanting rond bomen",,\n'
    )
    before = code_by_key(query, project, "HEEL-VERL").uuid
    response = client.form_post(
        f"/projects/{project.id}/codebook/import",
        {"import-file": (io.BytesIO(text.encode()), "codeboek.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert code_by_key(query, project, "HEEL-VERL").name == "Straatverlichting" and code_by_key(query, project, "HEEL-VERL").uuid == before
    assert code_by_key(query, project, "GRN-NIEUW").description == "Beplanting rond bomen"
    count = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Code).where(Code.project_id == project.id)))
    bad = "group,group_name,code,name,description\nGRN,Groen,GRN-OK,Prima,\nGRN,Groen,met spatie,Fout,\n"
    response = client.form_post(
        f"/projects/{project.id}/codebook/import",
        {"import-file": (io.BytesIO(bad.encode()), "fout.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Regel 3:" in response.text
    assert code_by_key(query, project, "GRN-OK") is None  # nothing half-imported
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Code).where(Code.project_id == project.id))) == count


def test_viewers_read_the_codebook_but_cannot_change_it(client, world):
    client.login(world.viewer_a.email)
    page = client.get(f"/projects/{world.project_a.id}/codebook/")
    assert page.status_code == 200 and "Openbare verlichting" in page.text and "Code toevoegen" not in page.text
