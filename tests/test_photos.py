"""Photos: declared by their record, uploaded apart under their own UUID, kept without metadata, refused
when they are not photos, and shown only to who may read their record (policy makers: only cleared ones)."""

from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.models import Photo

NOW = datetime.now(UTC)


def jpeg(width: int = 400, height: int = 300, colour: tuple[int, int, int] = (120, 160, 90), gps: bool = True) -> bytes:
    """A JPEG as a camera writes one: EXIF with the maker, the orientation (turned 90°) and a GPS position."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = "Camerafabriek"
    exif[0x0112] = 6
    if gps:
        position = exif.get_ifd(0x8825)
        position.update({1: "N", 2: (52.0, 22.0, 10.0), 3: "E", 4: (5.0, 13.0, 1.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Vlinderhof 7")
    return out.getvalue()


@pytest.fixture
def api(client, world):
    """The interviewer's session, with the CSRF header a synced page sends."""
    client.login(world.interviewer_a.email)
    token = client.get("/api/v1/csrf").json["csrf_token"]

    def call(
        method: str, url: str, body: Any = None, raw: bytes | None = None, content_type: str = "application/json", **options: Any
    ) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return client.open(url, method=method, data=data, content_type=content_type, headers={"X-CSRFToken": token}, **options)

    return call


def contribution_with_photos(api, world, photos: list[str], **changes: Any) -> Any:
    record = str(uuid.uuid4())
    payload = {
        "client_version": 1,
        "project_id": world.project_a.id,
        "round_id": world.fieldwork_a["info_round_id"],
        "recorded_at": NOW.isoformat(),
        "text": "De lantaarnpaal bij de speeltuin is kapot",
        "photos": photos,
        **changes,
    }
    return api("PUT", f"/api/v1/contributions/{record}", payload)


def photo_row(query, photo_uuid: str) -> Photo | None:
    def read() -> Photo | None:
        row = db.session.scalar(sa.select(Photo).where(Photo.uuid == uuid.UUID(photo_uuid)))
        if row is not None:
            db.session.expunge(row)
        return row

    return query(read)


def files(app, *photos: str) -> list[str]:
    """The files kept for these photos (the world has a photo of its own)."""
    root = Path(app.config.get("PHOTO_DIR") or Path(app.instance_path) / "photos")
    found = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return [name for name in found if any(photo in name for photo in photos)]


def test_a_record_declares_its_photos_and_each_file_is_kept_once_without_metadata(app, api, world, query):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    response = contribution_with_photos(api, world, [first, second])
    assert response.status_code == 201, response.json
    declared = photo_row(query, first)
    assert declared is not None and declared.received_at is None and declared.position == 0
    assert photo_row(query, second).position == 1

    sent = jpeg()
    put = api("PUT", f"/api/v1/photos/{first}", raw=sent, content_type="image/jpeg")
    assert put.status_code == 201, put.json
    assert put.json["uuid"] == first and (put.json["width"], put.json["height"]) == (300, 400)  # turned upright
    again = api("PUT", f"/api/v1/photos/{first}", raw=sent, content_type="image/jpeg")
    assert again.status_code == 200 and again.json == put.json
    other = api("PUT", f"/api/v1/photos/{first}", raw=jpeg(colour=(10, 10, 10)), content_type="image/jpeg")
    assert other.status_code == 409 and other.json["error"] == "conflict"

    row = photo_row(query, first)
    kept = Path(app.instance_path) / "photos" / str(world.project_a.id) / f"{first}.jpg"
    stored = kept.read_bytes()
    assert row.size == len(stored) and row.received_at is not None
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {} and "exif" not in image.info and "comment" not in image.info
    for trace in (b"Exif", b"Camerafabriek", b"Vlinderhof"):
        assert trace not in stored
    with Image.open(kept.with_name(f"{first}-thumb.jpg")) as thumbnail:
        assert max(thumbnail.size) <= 320
    assert files(app, first, second) == sorted(f"{world.project_a.id}/{first}{suffix}" for suffix in (".jpg", "-thumb.jpg"))


def test_a_photo_bigger_than_the_longest_side_is_scaled_down(app, api, world):
    photo = str(uuid.uuid4())
    contribution_with_photos(api, world, [photo])
    response = api("PUT", f"/api/v1/photos/{photo}", raw=jpeg(4000, 3000, gps=False), content_type="image/jpeg")
    assert response.status_code == 201 and max(response.json["width"], response.json["height"]) == 1600


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 50 kB that unpack into 400 million pixels
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", 415),  # a PDF named photo.jpg
        (b"", 400),
        (jpeg()[:300], 422),  # cut off
        (b"\xff\xd8\xff" + b"\x00" * 500, 422),  # a JPEG's first bytes and nothing of a JPEG
        (bomb(), 422),
    ],
    ids=["renamed-pdf", "empty", "cut-off", "fake-header", "decompression-bomb"],
)
def test_what_is_not_a_photo_is_refused_with_a_message_and_nothing_is_kept(app, api, world, query, body, status):
    photo = str(uuid.uuid4())
    contribution_with_photos(api, world, [photo])
    response = api("PUT", f"/api/v1/photos/{photo}", raw=body, content_type="image/jpeg")
    assert response.status_code == status and response.json["message"]
    assert photo_row(query, photo).digest is None and files(app, photo) == []
    # The photo can still arrive: the refusal kept nothing that would block it.
    assert api("PUT", f"/api/v1/photos/{photo}", raw=jpeg(), content_type="image/jpeg").status_code == 201


def test_a_file_of_30_megabytes_is_refused_before_it_is_read(app, api, world, query):
    photo = str(uuid.uuid4())
    contribution_with_photos(api, world, [photo])
    response = api("PUT", f"/api/v1/photos/{photo}", raw=b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024), content_type="image/jpeg")
    assert response.status_code == 413
    assert photo_row(query, photo).digest is None and files(app, photo) == []


def test_an_upload_cut_off_mid_transfer_keeps_nothing_and_the_next_try_completes(app, api, world, query):
    photo = str(uuid.uuid4())
    contribution_with_photos(api, world, [photo])
    whole = jpeg()
    # The body ends before the length the request announced: the connection dropped mid-transfer.
    cut = api(
        "PUT",
        f"/api/v1/photos/{photo}",
        raw=whole[: len(whole) // 2],
        content_type="image/jpeg",
        environ_overrides={"CONTENT_LENGTH": str(len(whole))},
    )
    assert cut.status_code == 400
    assert photo_row(query, photo).digest is None and files(app, photo) == []
    assert api("PUT", f"/api/v1/photos/{photo}", raw=whole, content_type="image/jpeg").status_code == 201


def test_a_photo_no_stored_record_declares_is_not_found(api, world):
    response = api("PUT", f"/api/v1/photos/{uuid.uuid4()}", raw=jpeg(), content_type="image/jpeg")
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_a_photo_uuid_of_another_record_is_refused_and_the_record_not_stored(api, world, query):
    photo = str(uuid.uuid4())
    assert contribution_with_photos(api, world, [photo]).status_code == 201
    response = contribution_with_photos(api, world, [photo], text="Een ander verhaal")
    assert response.status_code == 409
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Photo).where(Photo.uuid == uuid.UUID(photo)))) == 1


@pytest.mark.parametrize(
    "photos",
    [["not-a-uuid"], "één", [str(uuid.uuid4()) for _ in range(11)], [1, 2], {"a": 1}],
    ids=["not-a-uuid", "text", "eleven", "numbers", "object"],
)
def test_a_contribution_with_a_bad_photo_list_is_refused_whole(api, world, query, photos):
    count = lambda: query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Photo)))  # noqa: E731
    before = count()
    response = contribution_with_photos(api, world, photos)
    assert response.status_code == 422 and "photos" in response.json["fields"]
    assert count() == before


@pytest.fixture
def photographed(app, api, world, query):
    """A contribution of the interviewer with one photo that arrived."""
    photo = str(uuid.uuid4())
    assert contribution_with_photos(api, world, [photo]).status_code == 201
    assert api("PUT", f"/api/v1/photos/{photo}", raw=jpeg(), content_type="image/jpeg").status_code == 201
    contribution_id = query(lambda: db.session.scalar(sa.select(Photo.contribution_id).where(Photo.uuid == uuid.UUID(photo))))
    return photo, contribution_id


def test_who_sees_a_photo_policy_makers_only_once_a_coordinator_cleared_it(app, client_factory, world, photographed):
    photo, _contribution = photographed
    project = world.project_a.id
    url = f"/projects/{project}/photos/{photo}"
    interviewer, coordinator, viewer, outsider = (client_factory() for _ in range(4))
    interviewer.login(world.interviewer_a.email)
    coordinator.login(world.coord_a.email)
    viewer.login(world.viewer_a.email)
    outsider.login(world.coord_b.email)
    for who in (interviewer, coordinator):
        for path in (url, url + "/thumbnail"):
            response = who.get(path)
            assert response.status_code == 200 and response.mimetype == "image/jpeg" and response.data[:3] == b"\xff\xd8\xff"
            assert "private" in response.headers["Cache-Control"]
    assert viewer.get(url).status_code == 404 and viewer.get(url + "/thumbnail").status_code == 404
    assert outsider.get(url).status_code == 404  # another project's coordinator
    assert outsider.get(f"/projects/{world.project_b.id}/photos/{photo}").status_code == 404

    # The coordinator marks it free of people and number plates on the round's page, as it shows there.
    page = f"/projects/{project}/rounds/{world.fieldwork_a['info_round_id']}"
    assert f"/photos/{photo}/thumbnail" in coordinator.get(page).text
    assert f"/photos/{photo}" not in viewer.get(page).text
    cleared = coordinator.submit(page, {"cleared": "yes"}, form=f"//form[contains(@action, '/photos/{photo}/cleared')]")
    assert cleared.status_code == 303
    assert viewer.get(url).status_code == 200 and f"/photos/{photo}/thumbnail" in viewer.get(page).text
    assert interviewer.post(f"{url}/cleared", data={"cleared": "no"}).status_code in (400, 403)  # not theirs to decide


def test_an_interviewer_does_not_see_another_interviewers_photos(app, client_factory, world, photographed, make_user, add_member):
    photo, _contribution = photographed
    other = make_user("int-a2@almere.example")
    add_member(world.project_a, other, "interviewer")
    colleague = client_factory()
    colleague.login(other.email)
    assert colleague.get(f"/projects/{world.project_a.id}/photos/{photo}").status_code == 404


def test_a_residents_code_finds_the_photos_the_copy_carries_them_and_erasure_removes_the_files(
    app, client_factory, world, photographed, query
):
    photo, contribution_id = photographed
    code = "HJKM-NPRT"
    with app.app_context():
        from app.models import Contribution

        db.session.get(Contribution, contribution_id).receipt_code = code
        db.session.commit()
    coordinator = client_factory()
    coordinator.login(world.coord_a.email)
    base = f"/projects/{world.project_a.id}/residents/{code}"
    assert f"/photos/{photo}/thumbnail" in coordinator.get(base).text
    assert f"/photos/{photo}" in coordinator.get(base + "/print").text
    copy = json.loads(coordinator.get(base + "/export.json").data)
    [kept] = copy["contributions"][0]["photos"]
    stored = Path(app.instance_path) / "photos" / str(world.project_a.id) / f"{photo}.jpg"
    assert kept["file"] == f"{photo}.jpg" and base64.b64decode(kept["jpeg_base64"]) == stored.read_bytes()

    erased = coordinator.submit(base, {"confirm": code}, form=f"//form[contains(@action, '{base}/erase')]")
    assert erased.status_code == 302, erased.text[:500]
    assert files(app, photo) == [] and photo_row(query, photo) is None


def test_the_retention_purge_removes_photos_with_their_input(app, world, photographed, query):
    from datetime import timedelta

    from app.residents import retention

    photo, _contribution = photographed
    assert files(app, photo)
    with app.app_context():
        report = retention.purge(now=datetime.now(UTC) + timedelta(days=3650))
        purged = next(p for p in report.projects if p.project_id == world.project_a.id)
        assert purged.counts["photos"] == 2  # the world's contribution had one too
    assert files(app, photo) == [] and photo_row(query, photo) is None


PHOTO_GUIDE = [("Plek", [("foto", "photo", "Foto van de plek", {"config": {"max_photos": 2}})])]


def test_a_coordinators_correction_keeps_the_photos_the_tablet_sent(
    app, client_factory, make_user, make_project, add_member, make_fieldwork, query
):
    coordinator, interviewer = make_user("coord-foto@almere.example"), make_user("int-foto@almere.example")
    project = make_project(coordinator, "Fotoproject")
    add_member(project, interviewer, "interviewer")
    ids = make_fieldwork(project, coordinator, interviewer, guide=PHOTO_GUIDE)
    tablet = client_factory()
    tablet.login(interviewer.email)
    token = tablet.get("/api/v1/csrf").json["csrf_token"]
    photo, record = str(uuid.uuid4()), str(uuid.uuid4())
    payload = {
        "client_version": 1,
        "project_id": project.id,
        "round_id": ids["round_id"],
        "guide_version_id": ids["version_id"],
        "consent": True,
        "started_at": NOW.isoformat(),
        "ended_at": NOW.isoformat(),
        "answers": {"foto": [photo]},
    }
    headers = {"X-CSRFToken": token}
    assert tablet.put(f"/api/v1/interviews/{record}", json=payload, headers=headers).status_code == 201
    assert tablet.put(f"/api/v1/photos/{photo}", data=jpeg(), content_type="image/jpeg", headers=headers).status_code == 201

    from app.models import Answer, Interview

    interview_id = query(lambda: db.session.scalar(sa.select(Interview.id).where(Interview.uuid == uuid.UUID(record))))
    desk = client_factory()
    desk.login(coordinator.email)
    edit = f"/projects/{project.id}/interviews/{interview_id}/edit"
    assert f"/photos/{photo}/thumbnail" in desk.get(edit).text  # the form shows the photo as it is
    corrected = desk.submit(edit, {"street": "Vlinderhof"})
    assert corrected.status_code == 302, corrected.text[:500]
    answer = lambda: query(lambda: db.session.scalar(sa.select(Answer.value).join(Interview).where(Interview.uuid == uuid.UUID(record))))  # noqa: E731
    assert answer() == [photo] and photo_row(query, photo).received_at is not None
    # A forged post that swaps the photos (the form has no control for it) changes nothing either.
    question_id = query(lambda: db.session.scalar(sa.select(Answer.question_id).join(Interview).where(Interview.uuid == uuid.UUID(record))))
    forged = desk.form_post(edit, data={"uuid": record, "street": "Vlinderhof", f"q_{question_id}": str(uuid.uuid4())})
    assert forged.status_code == 302 and answer() == [photo]
