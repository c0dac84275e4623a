"""What was seen on walks (wijkschouw): one row per observation, with its point, the CROW element, how
it looks, its photos; and the photos of every record, named as the photos zip names them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...extensions import db
from ...i18n import QUALITY_LABELS
from ...models import Coding, Contribution, Element, InfoFormat, Interview, Photo, Round
from ...models.fieldwork import contribution_tags
from .base import FLOAT, TEXT, Column, Scope, Sheet, codes_per, reference, stream
from .coding import _where, _where_columns


class PhotoFile(NamedTuple):
    photo: Photo
    name: str  # in the photos zip: the record's reference and the photo's place, "C-12-1.jpg"


def photo_files(scope: Scope) -> dict[tuple[str, int], list[PhotoFile]]:
    """The received photos of the project's interviews and contributions, by (kind, record id), named by
    reference. A pseudonymised export has only those a coordinator marked free of people and plates."""
    query = (
        sa.select(Photo, Interview.receipt_code)
        .outerjoin(Interview, Interview.id == Photo.interview_id)
        .where(Photo.project_id == scope.project.id, Photo.received_at.is_not(None), Photo.round_id.is_(None))
        .order_by(Photo.interview_id, Photo.contribution_id, Photo.position, Photo.id)
    )
    if not scope.personal:
        query = query.where(Photo.cleared.is_(True))
    found: dict[tuple[str, int], list[PhotoFile]] = {}
    for photo, receipt_code in db.session.execute(query):
        kind, record_id = ("interview", photo.interview_id) if photo.interview_id else ("contribution", photo.contribution_id)
        files = found.setdefault((kind, record_id), [])
        files.append(PhotoFile(photo, f"{reference(kind, record_id, receipt_code)}-{len(files) + 1}.jpg"))
    return found


def photo_link(scope: Scope, photo: Photo) -> str:
    return f"{scope.base_url}/projects/{photo.project_id}/photos/{photo.uuid}"


class ObservationRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    round: Any
    date: Any
    district: Any
    neighbourhood: Any
    quarter: Any
    street: Any
    latitude: Any
    longitude: Any
    element: Any
    quality: Any
    note: Any
    field_themes: Any
    codes: Any
    photos: Any
    links: Any


def observations_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(_("Reference"), TEXT, 12),
        *_where_columns(),
        Column(_("Street"), TEXT, 18),
        Column(_("Latitude"), FLOAT, 11, _("Rounded to about 100 m unless personal data is included."), format="0.00000"),
        Column(_("Longitude"), FLOAT, 11, format="0.00000"),
        Column(_("Element"), TEXT, 22, _("The public-space element observed (CROW).")),
        Column(_("Perceived quality"), TEXT, 14, _("How it looked to those walking, on CROW's scale A+ to D.")),
        Column(_("Note"), TEXT, 50),
        Column(_("Field themes"), TEXT, 24),
        Column(_("Codes"), TEXT, 28),
        Column(_("Photos"), TEXT, 24, _("The photos' file names in the photos zip of this export.")),
        Column(_("Photo links"), TEXT, 40, _("Each photo in the app, for who may see it.")),
    ]
    levels = {level: str(label) for level, label in QUALITY_LABELS.items()}

    def rows() -> Iterator[Sequence[Any]]:
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        where = _where(scope)
        elements = dict(db.session.execute(sa.select(Element.id, Element.name).where(Element.project_id == scope.project.id)).all())
        walks = sa.select(Round.id).where(Round.project_id == scope.project.id, Round.info_format == InfoFormat.walk)
        photos = photo_files(scope)
        coded = codes_per(Coding.contribution_id)
        tagged = (
            sa.select(contribution_tags.c.contribution_id, sa.func.aggregate_strings(sa.cast(contribution_tags.c.code_id, sa.String), ","))
            .group_by(contribution_tags.c.contribution_id)
            .subquery()
        )
        for r in stream(
            sa.select(
                Contribution.id,
                Contribution.round_id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                Contribution.street,
                Contribution.gps_lat,
                Contribution.gps_lon,
                Contribution.element_id,
                Contribution.quality,
                Contribution.text,
                tagged.c[1].label("tags"),
                coded.c.codes,
            )
            .outerjoin(tagged, tagged.c.contribution_id == Contribution.id)
            .outerjoin(coded, coded.c.input_id == Contribution.id)
            .where(
                *conditions,
                sa.or_(
                    Contribution.round_id.in_(walks),
                    Contribution.element_id.is_not(None),
                    Contribution.quality.is_not(None),
                    Contribution.gps_lat.is_not(None),
                ),
            )
            .order_by(Contribution.recorded_at, Contribution.id)
        ):
            files = photos.get(("contribution", r.id), [])
            yield ObservationRow(
                reference("contribution", r.id),
                *where(r.round_id, r.recorded_at, r.area_id),
                scope.street(r.street),
                scope.point(r.gps_lat),
                scope.point(r.gps_lon),
                elements.get(r.element_id, "") if r.element_id else "",
                levels.get(r.quality, "") if r.quality else "",
                scope.text(r.text),
                scope.code_names(r.tags),
                scope.code_names(r.codes),
                "; ".join(f.name for f in files),
                " ".join(photo_link(scope, f.photo) for f in files),
            )

    return Sheet(
        "observations",
        pgettext("sheet", "Observations"),
        "Observations",
        _(
            "What was seen on walks (wijkschouw) and other notes with a place, an element or a level: one row per observation, "
            "with its photos (only those marked free of people and number plates, unless personal data is included)."
        ),
        columns,
        rows,
        row=ObservationRow,
    )
