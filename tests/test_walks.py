"""Observation walks (wijkschouw): observations with a point, an element, a level and photos; the walked
route in stretches; both in the workbook (sheet Observaties), the GeoJSON and the photos zip."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Contribution, Element, InfoFormat, Photo, Project, RoundKind, WalkRoute
from tests.test_photos import api, jpeg  # noqa: F401 (api is a fixture)

NOW = datetime.now(UTC)


@pytest.fixture
def walk(app, world) -> dict[str, Any]:
    from app.rounds import services as rounds

    with app.app_context():
        project = db.session.get(Project, world.project_a.id)
        round_ = rounds.create_round(project, rounds.RoundData(RoundKind.info, "Wijkschouw Filmwijk", info_format=InfoFormat.walk))
        elements = {e.key: e.id for e in db.session.scalars(sa.select(Element).where(Element.project_id == project.id))}
        other = db.session.scalar(sa.select(Element.id).where(Element.project_id == world.project_b.id).limit(1))
        db.session.commit()
        return {"round_id": round_.id, "element_id": elements["verharding-elementen"], "other_element": other}


def observation(world, walk, **changes: Any) -> dict[str, Any]:
    return {
        "client_version": 1,
        "project_id": world.project_a.id,
        "round_id": walk["round_id"],
        "recorded_at": NOW.isoformat(),
        "text": "Tegels liggen los bij de bank",
        "gps": {"lat": 52.3712345, "lon": 5.2212345, "accuracy": 5},
        "element_id": walk["element_id"],
        "quality": "C",
        **changes,
    }


def route(world, walk, points: int = 3, **changes: Any) -> dict[str, Any]:
    start = NOW - timedelta(minutes=30)
    return {
        "client_version": 1,
        "project_id": world.project_a.id,
        "round_id": walk["round_id"],
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(minutes=points)).isoformat(),
        "points": [[52.37 + n * 0.001, 5.22, 6, int((start + timedelta(minutes=n)).timestamp() * 1000)] for n in range(points)],
        **changes,
    }


def test_an_observation_keeps_its_point_element_and_level(api, world, walk, query):
    record = str(uuid.uuid4())
    response = api("PUT", f"/api/v1/contributions/{record}", observation(world, walk))
    assert response.status_code == 201, response.json
    stored = query(lambda: db.session.scalar(sa.select(Contribution).where(Contribution.uuid == uuid.UUID(record))))
    assert (stored.gps_lat, stored.gps_lon, stored.gps_accuracy, stored.element_id, stored.quality) == (
        52.3712345,
        5.2212345,
        5,
        walk["element_id"],
        "C",
    )
    assert api("PUT", f"/api/v1/contributions/{record}", observation(world, walk)).status_code == 200
    assert api("PUT", f"/api/v1/contributions/{record}", observation(world, walk, quality="D")).status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"element_id": "other"}, "element_id"),
        ({"element_id": 2_000_000}, "element_id"),
        ({"quality": "E"}, "quality"),
        ({"quality": 3}, "quality"),
        ({"gps": {"lat": 95, "lon": 5}}, "gps"),
        ({"gps": {"lat": "noord", "lon": 5}}, "gps"),
    ],
    ids=["other-projects-element", "no-such-element", "no-level", "number-level", "off-earth", "words"],
)
def test_a_bad_observation_is_refused_whole(api, world, walk, query, changes, field):
    if changes.get("element_id") == "other":
        changes = {"element_id": walk["other_element"]}
    before = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)))
    response = api("PUT", f"/api/v1/contributions/{uuid.uuid4()}", observation(world, walk, **changes))
    assert response.status_code == 422 and field in response.json["fields"]
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))) == before


def test_a_route_arrives_in_a_batch_once_and_only_for_a_walk(api, world, walk, query):
    stretch = str(uuid.uuid4())
    items = [{"kind": "route", "uuid": stretch, "payload": route(world, walk)}]
    first = api("POST", "/api/v1/batch", {"items": items})
    assert first.status_code == 200 and first.json["results"][0]["status"] == 201, first.json
    again = api("POST", "/api/v1/batch", {"items": items})
    assert again.json["results"][0]["status"] == 200
    changed = api("POST", "/api/v1/batch", {"items": [{"kind": "route", "uuid": stretch, "payload": route(world, walk, points=4)}]})
    assert changed.json["results"][0]["status"] == 409
    evening = route(world, walk, round_id=world.fieldwork_a["info_round_id"])
    refused = api("POST", "/api/v1/batch", {"items": [{"kind": "route", "uuid": str(uuid.uuid4()), "payload": evening}]})
    assert refused.json["results"][0]["status"] == 422
    bad_points = route(world, walk)
    bad_points["points"][1] = [52.3, 5.2, 6]
    refused = api("POST", "/api/v1/batch", {"items": [{"kind": "route", "uuid": str(uuid.uuid4()), "payload": bad_points}]})
    assert refused.json["results"][0]["status"] == 422 and "points.1" in refused.json["results"][0]["body"]["fields"]
    rows = query(lambda: db.session.scalars(sa.select(WalkRoute)).all())
    assert len(rows) == 1 and len(rows[0].points) == 3


def test_observations_routes_and_photos_reach_the_workbook_the_geojson_and_the_photos_zip(app, api, client_factory, world, walk, query):
    cleared, hidden = str(uuid.uuid4()), str(uuid.uuid4())
    assert api("PUT", f"/api/v1/contributions/{uuid.uuid4()}", observation(world, walk, photos=[cleared, hidden])).status_code == 201
    for photo in (cleared, hidden):
        assert api("PUT", f"/api/v1/photos/{photo}", raw=jpeg(), content_type="image/jpeg").status_code == 201
    api("POST", "/api/v1/batch", {"items": [{"kind": "route", "uuid": str(uuid.uuid4()), "payload": route(world, walk, points=5)}]})
    with app.app_context():
        db.session.scalar(sa.select(Photo).where(Photo.uuid == uuid.UUID(cleared))).cleared = True
        db.session.commit()
    reference = "C-" + str(query(lambda: db.session.scalar(sa.select(Contribution.id).where(Contribution.round_id == walk["round_id"]))))
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    page = f"/projects/{world.project_a.id}/exports/"

    book = load_workbook(io.BytesIO(coordinator.submit(page, {"format": "xlsx"}).data))
    [row] = [r for r in book["Observaties"].iter_rows(min_row=2, values_only=True) if r[0] == reference]
    header = [c.value for c in book["Observaties"][1]]
    values = dict(zip(header, row))
    assert values["Element"] == "Elementenverharding (tegels en klinkers)"
    assert values["Beleefde kwaliteit"] == "C laag" and values["Ronde"] == "Wijkschouw Filmwijk"
    assert values["Breedtegraad"] != 52.3712345  # rounded: no personal data in this export
    assert values["Foto's"] == f"{reference}-1.jpg"  # the photo that shows no one, only
    assert values["Fotolinks"].endswith(f"/projects/{world.project_a.id}/photos/{cleared}")

    geojson = json.loads(coordinator.submit(page, {"format": "geojson"}).data)
    kinds = {(f["properties"]["soort"], f["geometry"]["type"]) for f in geojson["features"]}
    assert ("Observatie", "Point") in kinds and ("Gelopen route", "LineString") in kinds
    [line] = [f for f in geojson["features"] if f["geometry"]["type"] == "LineString"]
    assert len(line["geometry"]["coordinates"]) == 5

    world_photo = "C-{}-1.jpg".format(world.fieldwork_a["contribution_id"])  # the world's evening note has one, cleared
    archive = zipfile.ZipFile(io.BytesIO(coordinator.submit(page, {"format": "photos"}).data))
    assert sorted(archive.namelist()) == sorted([f"{reference}-1.jpg", world_photo])
    assert archive.read(f"{reference}-1.jpg")[:3] == b"\xff\xd8\xff"
    personal = coordinator.submit(page, {"format": "photos", "personal": "y", "reason": "Aanlevering aan de aannemer voor herstel"})
    assert sorted(zipfile.ZipFile(io.BytesIO(personal.data)).namelist()) == sorted(
        [f"{reference}-1.jpg", f"{reference}-2.jpg", world_photo]
    )


def test_the_purge_rounds_an_observations_point_with_personal_data_and_takes_routes_with_the_input(app, api, world, walk, query):
    from app.privacy import coarse
    from app.residents import retention

    record = str(uuid.uuid4())
    assert api("PUT", f"/api/v1/contributions/{record}", observation(world, walk)).status_code == 201
    api("POST", "/api/v1/batch", {"items": [{"kind": "route", "uuid": str(uuid.uuid4()), "payload": route(world, walk)}]})
    stored = lambda: query(lambda: db.session.scalar(sa.select(Contribution).where(Contribution.uuid == uuid.UUID(record))))  # noqa: E731
    routes = lambda: query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(WalkRoute)))  # noqa: E731
    with app.app_context():
        retention.purge(now=NOW + timedelta(days=400))  # personal data (12 months) expired, the input (24) not
    kept = stored()
    assert (kept.gps_lat, kept.gps_lon, kept.gps_accuracy) == (coarse(52.3712345), coarse(5.2212345), None)
    assert routes() == 1
    with app.app_context():
        report = retention.purge(now=NOW + timedelta(days=800))
        assert next(p for p in report.projects if p.project_id == world.project_a.id).counts["routes"] == 1
    assert stored() is None and routes() == 0
