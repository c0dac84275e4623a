"""Area outlines from GeoJSON (RD New and WGS 84, bad files that import nothing), points that find
their area (holes, multipolygons, a buurt before its wijk) and points outside their round."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pyproj
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from app.areas import locate, outlines
from app.areas import services as area_services
from app.extensions import db
from app.models import Area, AuditEvent, Contribution, Interview, Project, ThemeFact

AREAS = """stadsdeel,wijk,buurt,cbs_code,cbs_year
Almere Stad,Filmwijk,,WK003401,2024
Almere Stad,Filmwijk,Noord,BU00340101,2024
Almere Stad,Filmwijk,Zuid,BU00340102,2024
Almere Stad,Danswijk,,,
Almere Haven,Danswijk,,,
"""
TO_RD = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)


def box(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# Filmwijk: 5.20–5.22 × 52.37–52.38 with a lake (a hole) in its north half and an island in the lake
# that belongs to buurt Noord (a MultiPolygon); Noord is the north half (without the lake), Zuid the south.
LAKE = box(5.208, 52.376, 5.212, 52.378)
ISLAND = box(5.2095, 52.3768, 5.2105, 52.3772)
FILMWIJK = {"type": "Polygon", "coordinates": [box(5.20, 52.37, 5.22, 52.38), LAKE[::-1]]}
NOORD = {"type": "MultiPolygon", "coordinates": [[box(5.20, 52.375, 5.22, 52.38), LAKE[::-1]], [ISLAND]]}
ZUID = {"type": "Polygon", "coordinates": [box(5.20, 52.37, 5.22, 52.375)]}
DANS = {"type": "Polygon", "coordinates": [box(5.22, 52.37, 5.24, 52.38)]}


def feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features: dict, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": list(features)}).encode()


GOOD = collection(
    feature({"wijkcode": "WK003401", "wijknaam": "Filmwijk"}, FILMWIJK),
    feature({"buurtcode": "BU00340101", "wijkcode": "WK003401", "buurtnaam": "Noord"}, NOORD),
    feature({"buurtcode": "BU00340102", "buurtnaam": "Zuid"}, ZUID),
    feature({"path": "Almere Stad/Danswijk"}, DANS),
)


def to_rd(geometry: dict) -> dict:
    found = shapely.transform(shape(geometry), lambda c: __import__("numpy").column_stack(TO_RD.transform(c[:, 0], c[:, 1])))
    return json.loads(shapely.to_geojson(found))


@pytest.fixture
def coordinator(client, make_user, make_project, app):
    user = make_user()
    project = make_project(user)
    with app.app_context():
        area_services.import_areas(db.session.get(Project, project.id), area_services.parse(AREAS))
        db.session.commit()
    client.login(user.email)
    project.user = user
    return project


def upload(client, project, content: bytes, crs: str = "auto", skip: bool = False, name: str = "wijken.geojson"):
    data = {"file": (io.BytesIO(content), name), "crs": crs}
    if skip:
        data["skip_unmatched"] = "y"
    return client.form_post(f"/projects/{project.id}/areas/outlines", data, content_type="multipart/form-data")


def outlines_of(query, project) -> dict[str, dict | None]:
    return query(lambda: {a.path: a.outline for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))})


def test_the_import_form_is_on_the_area_page_and_takes_wgs84(client, coordinator, query):
    page = client.get(f"/projects/{coordinator.id}/areas/").text
    assert f"/projects/{coordinator.id}/areas/outlines" in page and "<svg" not in page
    form = client.get(f"/projects/{coordinator.id}/areas/outlines").text
    assert 'type="file"' in form and 'name="crs"' in form and 'name="skip_unmatched"' in form
    response = upload(client, coordinator, GOOD)
    assert response.status_code == 302, response.text
    found = outlines_of(query, coordinator)
    assert found["Almere Stad"] is None and found["Almere Haven/Danswijk"] is None  # by path, not the other Danswijk
    assert shape(found["Almere Stad/Filmwijk"]).equals(shape(FILMWIJK))
    assert shape(found["Almere Stad/Filmwijk/Noord"]).geom_type == "MultiPolygon"
    assert shape(found["Almere Stad/Danswijk"]).equals(shape(DANS))
    page = client.get(f"/projects/{coordinator.id}/areas/").text
    assert page.count('class="outline outline-depth') == 4 and "<title>Almere Stad › Filmwijk › Noord</title>" in page
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "area.outlines"))) == 1


def test_rd_new_is_turned_into_wgs84_whether_named_or_recognised(client, coordinator, query):
    rd = [feature({"wijkcode": "WK003401"}, to_rd(FILMWIJK)), feature({"buurtcode": "BU00340102"}, to_rd(ZUID))]
    named = collection(*rd, crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}})
    assert upload(client, coordinator, named).status_code == 302
    found = outlines_of(query, coordinator)
    # Back in longitude and latitude, within a few centimetres of where it started.
    assert shape(found["Almere Stad/Filmwijk"]).hausdorff_distance(shape(FILMWIJK)) < 1e-6
    assert shape(found["Almere Stad/Filmwijk/Zuid"]).hausdorff_distance(shape(ZUID)) < 1e-6
    # A file without a crs member is recognised by where its coordinates lie; the choice overrides.
    assert upload(client, coordinator, collection(rd[0])).status_code == 302
    assert upload(client, coordinator, collection(rd[0]), crs="rd").status_code == 302
    assert shape(outlines_of(query, coordinator)["Almere Stad/Filmwijk"]).hausdorff_distance(shape(FILMWIJK)) < 1e-6
    # RD coordinates declared as WGS 84 are refused, nothing changed.
    response = upload(client, coordinator, collection(feature({"wijkcode": "WK003401"}, to_rd(DANS))), crs="wgs84")
    assert response.status_code == 422 and "breedtegraad (WGS 84)" in response.text
    assert shape(outlines_of(query, coordinator)["Almere Stad/Filmwijk"]).hausdorff_distance(shape(FILMWIJK)) < 1e-6


def test_the_known_point_of_rd_new():
    # Amersfoort's Onze Lieve Vrouwetoren, the origin of RD: (155000, 463000) is 52.15517 N, 5.38721 E.
    found = outlines.read(collection(feature({"naam": "x"}, {"type": "Polygon", "coordinates": [box(154_990, 462_990, 155_010, 463_010)]})))
    centre = found[0].geometry.centroid
    assert centre.y == pytest.approx(52.15517, abs=2e-5) and centre.x == pytest.approx(5.38721, abs=2e-5)


BOWTIE = {"type": "Polygon", "coordinates": [[[5.2, 52.37], [5.22, 52.38], [5.22, 52.37], [5.2, 52.38], [5.2, 52.37]]]}


@pytest.mark.parametrize(
    "content, messages",
    [
        (b"stadsdeel,wijk\nA,B\n", ["geen geldige JSON"]),
        (b'{"type": "Polygon", "coordinates": []}', ["geen GeoJSON FeatureCollection"]),
        (collection(), ["geen objecten"]),
        (
            collection(feature({"wijkcode": "WK003401"}, {"type": "Point", "coordinates": [5.2, 52.37]})),
            ["Point", "Polygon of MultiPolygon"],
        ),
        (collection(feature({"naam": "Nergenswijk"}, DANS)), ["Nergenswijk", "Geen gebied van dit project"]),
        (collection(feature({"naam": "Danswijk"}, DANS)), ["2 gebieden heten Danswijk"]),
        (collection(feature({"wijkcode": "WK003401"}, FILMWIJK), feature({"naam": "Filmwijk"}, DANS)), ["is ook object 1"]),
        (collection(feature({"wijkcode": "WK003401"}, BOWTIE)), ["niet geldig", "Self-intersection"]),
        (
            collection(feature({"wijkcode": "WK003401"}, {"type": "Polygon", "coordinates": [box(900_000, 900_000, 900_100, 900_100)]})),
            ["RD New"],
        ),
        (
            collection(feature({"wijkcode": "WK003401"}, {"type": "Polygon", "coordinates": [[[5.2, 52.3], ["x", 1]]]})),
            ["niet worden gelezen"],
        ),
        (
            collection(feature({"wijkcode": "WK003401"}, {"type": "Polygon", "coordinates": [box(5.2, 52.3, float("inf"), 52.4)]})).replace(
                b"Infinity", b"1e999"
            ),
            ["niet worden gelezen"],
        ),
    ],
)
def test_a_bad_file_names_each_bad_feature_and_imports_nothing(client, coordinator, query, content, messages):
    before = outlines_of(query, coordinator)
    # One good feature beside the bad one(s): it is not imported either.
    response = upload(client, coordinator, content)
    assert response.status_code == 422
    for message in messages:
        assert message in response.text
    assert outlines_of(query, coordinator) == before
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "area.outlines"))) == 0


def test_one_bad_feature_among_good_ones_keeps_the_good_ones_out(client, coordinator, query):
    content = json.loads(GOOD)
    content["features"].append(feature({"naam": "Nergenswijk"}, DANS))
    response = upload(client, coordinator, json.dumps(content).encode())
    assert response.status_code == 422 and "<td>5</td>" in response.text and "Nergenswijk" in response.text
    assert all(v is None for v in outlines_of(query, coordinator).values())
    # Leaving out what matches nothing, as for a file of the whole municipality.
    response = upload(client, coordinator, json.dumps(content).encode(), skip=True)
    assert response.status_code == 302
    assert "1 objecten weggelaten" in client.get(f"/projects/{coordinator.id}/areas/").text
    assert outlines_of(query, coordinator)["Almere Stad/Danswijk"] is not None


def test_no_file_too_big_and_unknown_choice(client, coordinator, app, query):
    assert client.form_post(f"/projects/{coordinator.id}/areas/outlines", {}, content_type="multipart/form-data").status_code == 422
    assert upload(client, coordinator, GOOD, crs="mercator").status_code == 422
    app.config["AREA_OUTLINE_MAX_BYTES"] = 100
    response = upload(client, coordinator, GOOD)
    assert response.status_code == 422 and "groter dan" in response.text
    assert all(v is None for v in outlines_of(query, coordinator).values())


def test_only_a_coordinator_imports_outlines(client_factory, coordinator, make_user, app):
    from app.models import Role
    from app.projects import services as project_services

    other = make_user()
    with app.app_context():
        project_services.add_member(db.session.get(Project, coordinator.id), db.session.get(type(other), other.id), Role.interviewer)
        db.session.commit()
    client = client_factory()
    client.login(other.email)
    assert client.get(f"/projects/{coordinator.id}/areas/outlines").status_code == 403
    assert upload(client, coordinator, GOOD).status_code == 403


def locator_of(query, project):
    return query(lambda: locate.Locator.of(list(db.session.scalars(sa.select(Area).where(Area.project_id == project.id)))))


@pytest.mark.parametrize(
    "lat, lon, path",
    [
        (52.379, 5.21, "Almere Stad/Filmwijk/Noord"),  # north half: the buurt before its wijk
        (52.372, 5.21, "Almere Stad/Filmwijk/Zuid"),
        (52.3765, 5.2085, None),  # in the lake: a hole of Filmwijk, and of Noord
        (52.3770, 5.2100, "Almere Stad/Filmwijk/Noord"),  # on the island in the lake: Noord's second polygon
        (52.375, 5.23, "Almere Stad/Danswijk"),
        (52.375, 5.22, "Almere Stad/Filmwijk/Noord"),  # on the border of Filmwijk and Danswijk: the deeper wins
        (52.39, 5.21, None),  # outside everything
    ],
)
def test_a_point_finds_its_area(client, coordinator, query, lat, lon, path):
    assert upload(client, coordinator, GOOD).status_code == 302
    found = query(lambda: (lambda a: a.path if a else None)(locator_of(query, coordinator).area_at(lat, lon)))
    assert found == path


def sync(client, project, round_id, version_id, *, area_id=None, gps=None, kind="interview", text="Te weinig bankjes"):
    """Send one record as the tablet does (POST /api/v1/batch); its UUID."""
    now = datetime.now(UTC)
    if kind == "interview":
        payload = {
            "client_version": 1,
            "project_id": project.id,
            "round_id": round_id,
            "guide_version_id": version_id,
            "consent": True,
            "started_at": (now - timedelta(minutes=5)).isoformat(),
            "ended_at": now.isoformat(),
            "answers": {"tevreden": 4},
            "tags": [],
        }
    else:
        payload = {"project_id": project.id, "round_id": round_id, "recorded_at": now.isoformat(), "text": text}
    if area_id is not None:
        payload["area_id"] = area_id
    if gps is not None:
        payload["gps"] = gps
    record_uuid = str(uuid.uuid4())
    token = client.get("/api/v1/csrf").json["csrf_token"]
    response = client.post(
        "/api/v1/batch", json={"items": [{"kind": kind, "uuid": record_uuid, "payload": payload}]}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.text
    result = response.get_json()["results"][0]
    assert result["status"] == 201, result
    return record_uuid


def test_records_with_a_point_and_no_area_get_theirs_and_strays_are_flagged(client, coordinator, query, make_fieldwork, app):
    ids = make_fieldwork(coordinator, coordinator.user, coordinator.user)
    assert upload(client, coordinator, GOOD).status_code == 302
    paths = {
        p: query(lambda p=p: db.session.scalar(sa.select(Area.id).where(Area.project_id == coordinator.id, Area.path == p)))
        for p in ("Almere Stad/Filmwijk", "Almere Stad/Danswijk", "Almere Haven/Danswijk")
    }
    # The street round is for Filmwijk only.
    with app.app_context():
        from app.models import Round

        db.session.get(Round, ids["round_id"]).areas = [db.session.get(Area, paths["Almere Stad/Filmwijk"])]
        db.session.commit()
    inside = sync(client, coordinator, ids["round_id"], ids["version_id"], gps={"lat": 52.372, "lon": 5.21, "accuracy": 8})
    chosen = sync(
        client,
        coordinator,
        ids["round_id"],
        ids["version_id"],
        area_id=paths["Almere Haven/Danswijk"],
        gps={"lat": 52.372, "lon": 5.21, "accuracy": 8},
    )
    stray = sync(client, coordinator, ids["round_id"], ids["version_id"], gps={"lat": 52.375, "lon": 5.23, "accuracy": 8})
    nowhere = sync(client, coordinator, ids["round_id"], ids["version_id"], gps={"lat": 52.39, "lon": 5.21, "accuracy": 8})
    note = sync(client, coordinator, ids["info_round_id"], None, kind="contribution", gps={"lat": 52.379, "lon": 5.21, "accuracy": 8})

    def area_of(model, record_uuid):
        return query(
            lambda: (lambda r: r.area.path if r.area else None)(
                db.session.scalar(sa.select(model).where(model.uuid == uuid.UUID(record_uuid)))
            )
        )

    assert area_of(Interview, inside) == "Almere Stad/Filmwijk/Zuid"
    assert area_of(Interview, chosen) == "Almere Haven/Danswijk"  # the interviewer's choice stands
    assert area_of(Interview, stray) == "Almere Stad/Danswijk"
    assert area_of(Interview, nowhere) is None
    assert area_of(Contribution, note) == "Almere Stad/Filmwijk/Noord"
    # The round page flags the points outside Filmwijk: the stray one and the one in nowhere; the
    # chosen area (Haven's Danswijk) does not matter, the point lies in Filmwijk.
    page = client.get(f"/projects/{coordinator.id}/rounds/{ids['round_id']}").text
    assert page.count("Locatie buiten de gebieden van de ronde") == 2
    stray_id = query(lambda: db.session.scalar(sa.select(Interview.id).where(Interview.uuid == uuid.UUID(stray))))
    assert "Locatie buiten de gebieden van de ronde" in client.get(f"/projects/{coordinator.id}/interviews/{stray_id}").text
    # The information round is for the whole project: its contribution lies inside the project's outlines.
    assert "Locatie buiten" not in client.get(f"/projects/{coordinator.id}/rounds/{ids['info_round_id']}").text


def test_new_outlines_give_earlier_records_their_area_and_move_their_figures(client, coordinator, query, make_fieldwork, app):
    from app.coding import services as coding_services
    from app.models import Code, User

    ids = make_fieldwork(coordinator, coordinator.user, coordinator.user)
    early = sync(client, coordinator, ids["info_round_id"], None, kind="contribution", gps={"lat": 52.375, "lon": 5.23, "accuracy": 8})
    record_id = query(lambda: db.session.scalar(sa.select(Contribution.id).where(Contribution.uuid == uuid.UUID(early))))
    with app.app_context():
        coding_services.apply_code(
            db.session.get(Project, coordinator.id),
            db.session.get(Contribution, record_id),
            db.session.get(Code, ids["code_id"]),
            db.session.get(User, coordinator.user.id),
        )
        db.session.commit()

    def fact_areas():
        return query(lambda: set(db.session.scalars(sa.select(ThemeFact.area_id).where(ThemeFact.contribution_id == record_id))))

    assert query(lambda: db.session.get(Contribution, record_id).area_id) is None and fact_areas() == {None}
    response = upload(client, coordinator, GOOD)
    assert response.status_code == 302
    assert "1 gesprekken en bijdragen met een locatie vonden hun gebied" in client.get(f"/projects/{coordinator.id}/areas/").text
    danswijk = query(
        lambda: db.session.scalar(sa.select(Area.id).where(Area.path == "Almere Stad/Danswijk", Area.project_id == coordinator.id))
    )
    assert query(lambda: db.session.get(Contribution, record_id).area_id) == danswijk
    assert fact_areas() == {danswijk}
