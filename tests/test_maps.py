"""Area outlines from GeoJSON (RD New and WGS 84, bad files that import nothing), points that find
their area (holes, multipolygons, a buurt before its wijk) and points outside their round."""

from __future__ import annotations

import io
import json
import re
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
    assert "1 object paste bij geen gebied en is weggelaten." in client.get(f"/projects/{coordinator.id}/areas/").text
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
    assert "2 gesprekken hebben een locatie buiten de gebieden van de ronde" in page
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
    assert "1 gesprek of bijdrage met een locatie kreeg zijn gebied." in client.get(f"/projects/{coordinator.id}/areas/").text
    danswijk = query(
        lambda: db.session.scalar(sa.select(Area.id).where(Area.path == "Almere Stad/Danswijk", Area.project_id == coordinator.id))
    )
    assert query(lambda: db.session.get(Contribution, record_id).area_id) == danswijk
    assert fact_areas() == {danswijk}


# -- the insights map, the areas GeoJSON and the report's map ---------------------------------------

# What the world below holds, counted by hand: (area, point, coded with theme A?) per contribution.
PLACED = [
    ("Almere Stad/Filmwijk/Noord", (52.3790, 5.2050), True),
    ("Almere Stad/Filmwijk/Noord", (52.3791, 5.2051), True),
    ("Almere Stad/Filmwijk/Noord", (52.3792, 5.2052), True),
    ("Almere Stad/Filmwijk/Noord", (52.3795, 5.2150), False),
    ("Almere Stad/Filmwijk/Zuid", (52.3710, 5.2050), True),
    ("Almere Stad/Filmwijk/Zuid", (52.3710, 5.2150), False),
    ("Almere Stad/Danswijk", (52.3750, 5.2300), False),
    ("Almere Stad/Danswijk", (52.3750, 5.2310), False),
    ("Almere Stad/Danswijk", (52.3750, 5.2320), False),
]


@pytest.fixture
def mapped(client, coordinator, make_fieldwork, make_user, app, query):
    """Outlines, and contributions placed and coded as PLACED says: theme A, or else theme B."""
    from app.capture import services as capture
    from app.capture.validation import validate_contribution
    from app.coding import services as coding_services
    from app.models import Code, Role, Round, User
    from app.projects import services as project_services

    ids = make_fieldwork(coordinator, coordinator.user, coordinator.user)
    assert upload(client, coordinator, GOOD).status_code == 302
    viewer = make_user()
    with app.app_context():
        project = db.session.get(Project, coordinator.id)
        project_services.add_member(project, db.session.get(User, viewer.id), Role.viewer)
        codes = list(db.session.scalars(sa.select(Code).where(Code.project_id == project.id).order_by(Code.id)))
        theme_a, theme_b = codes[1], codes[2]
        by_path = {a.path: a for a in db.session.scalars(sa.select(Area).where(Area.project_id == project.id))}
        info = db.session.get(Round, ids["info_round_id"])
        for path, (lat, lon), raised in PLACED:
            clean, errors = validate_contribution(
                {
                    "uuid": str(uuid.uuid4()),
                    "recorded_at": datetime.now(UTC),
                    "text": "Iets over de buurt",
                    "area_id": by_path[path].id,
                    "gps": {"lat": lat, "lon": lon, "accuracy": 5},
                },
                capture.context_for(project),
            )
            assert clean is not None, errors
            stored, _new = capture.record_contribution(project, info, db.session.get(User, coordinator.user.id), clean)
            coding_services.apply_code(
                project, db.session.get(Contribution, stored.id), theme_a if raised else theme_b, db.session.get(User, coordinator.user.id)
            )
        db.session.commit()
        world = {"ids": ids, "a": (theme_a.id, theme_a.key, theme_a.name), "viewer": viewer, "area": {p: a.id for p, a in by_path.items()}}
    return world


def table_rows(html: str) -> dict[str, list[str]]:
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(html)
    return {
        tr.xpath("string(th)").strip(): [td.text_content().strip() for td in tr.xpath("td")]
        for tr in doc.xpath("//table[@data-map-table]//tr[th[@scope='row']]")
    }


def expected(level_of: str) -> dict[str, tuple[int, int]]:
    """(people coded, people who raised A) per area at the level, counted from PLACED."""
    found: dict[str, list[int]] = {}
    for path, _point, raised in PLACED:
        parts = path.split("/")
        key = "/".join(parts[: {"wijk": 2, "buurt": 3}[level_of]])
        if key.count("/") + 1 < {"wijk": 2, "buurt": 3}[level_of]:
            continue
        entry = found.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += raised
    return {k.replace("/", " › "): (v[0], v[1]) for k, v in found.items()}


@pytest.mark.parametrize("level", ["wijk", "buurt"])
def test_the_theme_map_table_equals_a_direct_count(client, coordinator, mapped, level):
    theme_id, _key, name = mapped["a"]
    page = client.get(f"/projects/{coordinator.id}/insights/map?show=theme&level={level}&code={theme_id}")
    assert page.status_code == 200
    rows = table_rows(page.text)
    for area, (heard, raised) in expected(level).items():
        assert rows[area][:3] == [str(heard), str(raised), f"{round(100 * raised / heard)}\u00a0%"], area
    # The map draws every area at the level, each with the colour of its share.
    doc = page.text
    features = json.loads(doc.split("data-map-features>")[1].split("</script>")[0])
    colours = {f["properties"]["label"]: f["properties"]["colour"] for f in features}
    from app.insights.maps import SHARE_COLOURS, step

    for area, (heard, raised) in expected(level).items():
        assert colours[area] == SHARE_COLOURS[max(step(raised / heard), 1) - 1]
    # Nothing from another site (a random CSRF token once held "cdn": look at the addresses themselves).
    assert name in doc and "leaflet.js" in doc and not re.search(r'(?:src|href)="(?:https?:)?//', doc)


def test_a_policy_maker_sees_small_numbers_hidden_on_the_map_and_in_its_table(client_factory, coordinator, mapped):
    theme_id = mapped["a"][0]
    viewer = client_factory()
    viewer.login(mapped["viewer"].email)
    page = viewer.get(f"/projects/{coordinator.id}/insights/map?show=theme&level=buurt&code={theme_id}").text
    rows = table_rows(page)
    assert rows["Almere Stad › Filmwijk › Noord"][:2] == ["4", "3"]
    assert rows["Almere Stad › Filmwijk › Zuid"][1:] == ["< 3", "< 3"]  # one person raised it there
    features = json.loads(page.split("data-map-features>")[1].split("</script>")[0])
    from app.insights.maps import HIDDEN

    assert {f["properties"]["label"]: f["properties"]["colour"] for f in features}["Almere Stad › Filmwijk › Zuid"] == HIDDEN
    # Points: counted per square; the three in one square show, the one alone is hidden; no exact points.
    page = viewer.get(f"/projects/{coordinator.id}/insights/map?show=points&code={theme_id}").text
    points = json.loads(page.split("data-map-points>")[1].split("</script>")[0])
    assert [c["n"] for c in points["cells"]] == [3] and points["exact"] == []
    from lxml import html as lxml_html

    counted = [tr.xpath("string(td[2])").strip() for tr in lxml_html.fromstring(page).xpath("//table[@data-map-table]/tbody/tr")]
    assert sorted(counted) == ["3", "< 3"]  # the table has both squares, the small one hidden as on the map
    # The coordinator sees every square and the points themselves.
    page = client_factory()
    page.login(coordinator.user.email)
    points = json.loads(
        page.get(f"/projects/{coordinator.id}/insights/map?show=points&code={theme_id}")
        .text.split("data-map-points>")[1]
        .split("</script>")[0]
    )
    assert sorted(c["n"] for c in points["cells"]) == [1, 3] and len(points["exact"]) == 4


def test_the_quality_map_and_bad_arguments(client, coordinator, mapped):
    for args in ("show=quality", "show=quality&element=99", "show=nonsense&level=kwartier&code=abc", "show=points&code=999999"):
        response = client.get(f"/projects/{coordinator.id}/insights/map?{args}")
        assert response.status_code == 200, args


def test_the_areas_geojson_carries_the_figures_and_reads_back_in_a_gis_library(client, coordinator, mapped):
    _theme_id, key, _name = mapped["a"]
    response = client.submit(f"/projects/{coordinator.id}/exports/", {"format": "areas"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert "gebieden-" in response.headers["Content-Disposition"]
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection" and collection["metadata"]["pseudonymised"] is True
    by_path = {f["properties"]["pad"]: f for f in collection["features"]}
    assert set(by_path) == {
        "Almere Stad › Filmwijk",
        "Almere Stad › Filmwijk › Noord",
        "Almere Stad › Filmwijk › Zuid",
        "Almere Stad › Danswijk",
    }
    for level in ("wijk", "buurt"):
        for area, (heard, raised) in expected(level).items():
            properties = by_path[area]["properties"]
            assert properties["mensen_gecodeerd"] == heard
            assert properties[f"thema_{key}"] == raised
            assert properties[f"thema_{key}_aandeel"] == pytest.approx(raised / heard, abs=1e-4)
            assert properties["niveau"] == level
    # Valid GeoJSON geometry that a GIS library reads back as the outline imported.
    for feature_ in collection["features"]:
        found = shape(feature_["geometry"])
        assert found.is_valid and found.geom_type in ("Polygon", "MultiPolygon")
    assert shape(by_path["Almere Stad › Filmwijk"]["geometry"]).equals(shape(FILMWIJK))
    assert shape(by_path["Almere Stad › Filmwijk › Noord"]["geometry"]).geom_type == "MultiPolygon"


def test_the_report_carries_its_areas_map(client, coordinator, mapped):
    filmwijk = mapped["area"]["Almere Stad/Filmwijk"]
    page = client.get(f"/projects/{coordinator.id}/insights/report?area={filmwijk}").text
    assert "Kaart van Almere Stad › Filmwijk" in page and "<title>Almere Stad › Filmwijk › Noord</title>" in page
    pdf = client.get(f"/projects/{coordinator.id}/insights/report.pdf?area={filmwijk}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Noord" in text and "Zuid" in text  # the map's names, drawn in the PDF


def test_tiles_are_optional_and_their_origin_alone_is_allowed(make_app, migrated_url, client):
    """Without a tile URL the policy allows no other site; with one, only its origin for images and the
    tablet's fetching ahead; an address that is not http(s) stops the app from starting."""
    from app.config import ConfigError

    assert "tiles.example" not in client.get("/login").headers["Content-Security-Policy"]
    server = make_app(migrated_url, MAP_TILE_URL="https://tiles.example/brt/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© Kadaster")
    policy = server.test_client().get("/login").headers["Content-Security-Policy"]
    assert "img-src 'self' https://tiles.example data: blob:" in policy
    assert "connect-src 'self' https://tiles.example" in policy and "script-src 'self';" in policy
    for bad in ("javascript:alert(1)", "https://a.example; script-src *", "tiles.example/{z}/{x}/{y}.png"):
        with pytest.raises(ConfigError):
            make_app(migrated_url, MAP_TILE_URL=bad)


def test_every_problem_of_a_file_is_said_at_once(client, coordinator, query):
    content = collection(
        feature({"naam": "Nergenswijk"}, DANS),
        feature({"wijkcode": "WK003401"}, {"type": "Point", "coordinates": [5.2, 52.37]}),
        feature({"buurtcode": "BU00340102"}, BOWTIE),
        feature({"naam": "Ergenswijk"}, DANS),
    )
    response = upload(client, coordinator, content)
    assert response.status_code == 422
    assert "4 problemen" in response.text
    for text in ("Nergenswijk", "Point", "Self-intersection", "Ergenswijk"):
        assert text in response.text
    assert response.text.index("Nergenswijk") < response.text.index("Point") < response.text.index("Ergenswijk")  # in the file's order
    assert all(v is None for v in outlines_of(query, coordinator).values())


def test_a_server_that_kept_its_index_sees_new_outlines(client, coordinator, query, make_fieldwork):
    """The locator is kept between requests; new outlines (another request) are used at once."""
    ids = make_fieldwork(coordinator, coordinator.user, coordinator.user)
    assert upload(client, coordinator, GOOD).status_code == 302
    point = {"lat": 52.375, "lon": 5.23, "accuracy": 8}

    def area_of(record_uuid):
        return query(
            lambda: (lambda r: r.area.path if r.area else None)(
                db.session.scalar(sa.select(Interview).where(Interview.uuid == uuid.UUID(record_uuid)))
            )
        )

    assert area_of(sync(client, coordinator, ids["round_id"], ids["version_id"], gps=point)) == "Almere Stad/Danswijk"
    moved = {"type": "Polygon", "coordinates": [box(5.24, 52.37, 5.26, 52.38)]}  # Danswijk redrawn further east
    assert upload(client, coordinator, collection(feature({"path": "Almere Stad/Danswijk"}, moved))).status_code == 302
    assert area_of(sync(client, coordinator, ids["round_id"], ids["version_id"], gps=point)) is None
    assert area_of(sync(client, coordinator, ids["round_id"], ids["version_id"], gps={**point, "lon": 5.25})) == "Almere Stad/Danswijk"
