"""The people heard: one row per interview and per contribution (sheet *Interviews*)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...models import (
    Contribution,
    Interview,
)
from .base import (
    DATETIME,
    FLOAT,
    TEXT,
    Column,
    Scope,
    Sheet,
    plain,
    reference,
    stream,
)
from .observations import photo_files


class PersonRow(NamedTuple):
    """A row of the sheet, one field per column."""

    reference: Any
    kind: Any
    round: Any
    date: Any
    district: Any
    neighbourhood: Any
    quarter: Any
    street: Any
    latitude: Any
    longitude: Any
    respondent: Any
    age: Any
    guide_version: Any
    duration: Any
    interviewer: Any
    photos: Any


def interviews_sheet(scope: Scope) -> Sheet:
    columns = [
        Column(
            _("Reference"), TEXT, 12, _("The interview's receipt code (the resident has it too), or C- and the number of a contribution.")
        ),
        Column(_("Kind"), TEXT, 13, _("Interview, or contribution in an information round.")),
        Column(_("Round"), TEXT, 28),
        Column(_("Date"), DATETIME, 17, _("When the interview started or the contribution was recorded, local time.")),
        Column(_("District"), TEXT, 16, _("Stadsdeel.")),
        Column(_("Neighbourhood"), TEXT, 18, _("Wijk.")),
        Column(_("Quarter"), TEXT, 18, _("Buurt.")),
        Column(_("Street"), TEXT, 22, _("Without house number unless personal data is included.")),
        Column(_("Latitude"), FLOAT, 11, _("WGS 84; rounded to about 100 m unless personal data is included."), "0.00000"),
        Column(_("Longitude"), FLOAT, 11, "", "0.00000"),
        Column(_("Respondent"), TEXT, 14),
        Column(_("Age"), TEXT, 11),
        Column(_("Guide version"), TEXT, 20),
        Column(_("Duration (min)"), FLOAT, 10, _("Minutes from start to end of the interview.")),
        Column(_("Interviewer"), TEXT, 14, _("A pseudonym, the same in every export of this project, unless personal data is included.")),
        Column(
            _("Photos"),
            TEXT,
            16,
            _(
                "The photos' file names in the photos zip of this export (only those free of people and number plates unless personal data is included)."
            ),
        ),
    ]
    interview_kind, contribution_kind = _("Interview"), _("Contribution")

    def rows() -> Iterator[Sequence[Any]]:
        photos = photo_files(scope)

        def names(kind: str, record_id: int) -> str:
            return "; ".join(f.name for f in photos.get((kind, record_id), ()))

        for r in stream(
            sa.select(
                Interview.id,
                Interview.receipt_code,
                Interview.round_id,
                scope.moment(Interview.started_at),
                scope.moment(Interview.ended_at),
                Interview.area_id,
                Interview.street,
                Interview.gps_lat,
                Interview.gps_lon,
                plain(Interview.respondent_type),
                plain(Interview.age_band),
                Interview.guide_version_id,
                Interview.interviewer_id,
            )
            .where(*scope.interview_conditions())
            .order_by(Interview.started_at, Interview.id)
        ):
            round_ = scope.rounds.get(r.round_id)
            yield PersonRow(
                r.receipt_code,
                interview_kind,
                round_.name if round_ else "",
                scope.local(r.started_at),
                *scope.area_parts(r.area_id),
                scope.street(r.street),
                scope.point(r.gps_lat),
                scope.point(r.gps_lon),
                scope.respondents[r.respondent_type] if r.respondent_type else "",
                scope.age_bands[r.age_band] if r.age_band else "",
                scope.versions.get(r.guide_version_id, ""),
                scope.minutes(r.started_at, r.ended_at),
                scope.worker(r.interviewer_id),
                names("interview", r.id) if photos else "",
            )
        conditions = scope.contribution_conditions()
        if conditions is None:
            return
        for r in stream(
            sa.select(
                Contribution.id,
                Contribution.round_id,
                scope.moment(Contribution.recorded_at),
                Contribution.area_id,
                Contribution.street,
                Contribution.gps_lat,
                Contribution.gps_lon,
                Contribution.author_id,
            )
            .where(*conditions)
            .order_by(Contribution.recorded_at, Contribution.id)
        ):
            round_ = scope.rounds.get(r.round_id)
            yield PersonRow(
                reference("contribution", r.id),
                contribution_kind,
                round_.name if round_ else "",
                scope.local(r.recorded_at),
                *scope.area_parts(r.area_id),
                scope.street(r.street),
                scope.point(r.gps_lat),
                scope.point(r.gps_lon),
                "",
                "",
                "",
                None,
                scope.worker(r.author_id),
                names("contribution", r.id) if photos else "",
            )

    return Sheet(
        "interviews",
        pgettext("sheet", "Interviews"),
        "Interviews",
        _("One row per person heard: each interview and each contribution from an information round."),
        columns,
        rows,
        row=PersonRow,
    )
