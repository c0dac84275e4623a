"""The GeoJSON export's features: interviews with a GPS point, answers to GPS questions, observations
on walks (points) and the walked routes (lines)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...extensions import db
from ...models import (
    Answer,
    Coding,
    Contribution,
    Interview,
    WalkRoute,
)
from ...questions import kind_of
from .base import (
    Scope,
    codes_per,
    raw_value,
    reference,
    stream,
)


def gps_features(scope: Scope) -> Iterator[dict[str, Any]]:
    """GeoJSON features: the interviews with a GPS point, and answers to GPS questions."""
    coded = codes_per(Coding.answer_id)
    per_interview = (
        sa.select(Answer.interview_id, sa.func.aggregate_strings(coded.c.codes, ",").label("codes"))
        .join(coded, coded.c.input_id == Answer.id)
        .group_by(Answer.interview_id)
        .subquery()
    )
    interview_kind = _("Interview")
    names = _property_names()
    for r in stream(
        sa.select(
            Interview.receipt_code,
            Interview.started_at,
            Interview.area_id,
            Interview.round_id,
            Interview.gps_lat,
            Interview.gps_lon,
            per_interview.c.codes,
        )
        .outerjoin(per_interview, per_interview.c.interview_id == Interview.id)
        .where(*scope.interview_conditions(), Interview.gps_lat.is_not(None), Interview.gps_lon.is_not(None))
        .order_by(Interview.started_at, Interview.id)
    ):
        yield _feature(scope, r.gps_lat, r.gps_lon, r.receipt_code, interview_kind, r.round_id, r.area_id, r.started_at, r.codes, "", names)
    yield from _observations(scope, names)
    gps_questions = [qid for qid, q in scope.questions.items() if kind_of(q).reads == "point"]  # answers that are a point
    wanted = scope.question_ids()
    if wanted is not None:
        gps_questions = [q for q in gps_questions if q in wanted]
    if not gps_questions:
        return
    answer_kind = _("Answer")
    for r in stream(
        sa.select(
            Interview.receipt_code,
            Interview.started_at,
            Interview.area_id,
            Interview.round_id,
            Answer.question_id,
            raw_value().label("value"),
            coded.c.codes,
        )
        .select_from(Answer)
        .join(Interview, Interview.id == Answer.interview_id)
        .outerjoin(coded, coded.c.input_id == Answer.id)
        .where(*scope.interview_conditions(), Answer.question_id.in_(gps_questions))
        .order_by(Interview.started_at, Answer.id)
    ):
        value = json.loads(r.value) if r.value else None
        if isinstance(value, dict) and value.get("lat") is not None and value.get("lon") is not None:
            yield _feature(
                scope,
                value["lat"],
                value["lon"],
                r.receipt_code,
                answer_kind,
                r.round_id,
                r.area_id,
                r.started_at,
                r.codes,
                scope.questions[r.question_id].key,
                names,
            )


def _observations(scope: Scope, names: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Contributions with a point (observations on a walk) and the routes walked in the rounds exported."""
    conditions = scope.contribution_conditions()
    if conditions is None:
        return
    coded = codes_per(Coding.contribution_id)
    kind = _("Observation")
    for r in stream(
        sa.select(
            Contribution.id,
            Contribution.recorded_at,
            Contribution.area_id,
            Contribution.round_id,
            Contribution.gps_lat,
            Contribution.gps_lon,
            Contribution.quality,
            coded.c.codes,
        )
        .outerjoin(coded, coded.c.input_id == Contribution.id)
        .where(*conditions, Contribution.gps_lat.is_not(None), Contribution.gps_lon.is_not(None))
        .order_by(Contribution.recorded_at, Contribution.id)
    ):
        feature = _feature(
            scope, r.gps_lat, r.gps_lon, reference("contribution", r.id), kind, r.round_id, r.area_id, r.recorded_at, r.codes, "", names
        )
        properties = feature["properties"]
        properties[names["reference"]] = properties.pop(names["receipt_code"])  # a contribution's number, not a receipt code
        properties[names["quality"]] = r.quality
        yield feature
    route_kind = _("Walked route")
    query = sa.select(WalkRoute).where(WalkRoute.project_id == scope.project.id).order_by(WalkRoute.started_at, WalkRoute.id)
    if scope.filters.round_id:
        query = query.where(WalkRoute.round_id == scope.filters.round_id)
    for route in db.session.scalars(query):
        points = [[scope.point(lon), scope.point(lat)] for lat, lon, _accuracy, _at in route.points]
        round_ = scope.rounds.get(route.round_id)
        local = scope.local(route.started_at)
        yield {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": points} if len(points) > 1 else {"type": "Point", "coordinates": points[0]},
            "properties": {
                names["kind"]: route_kind,
                names["round"]: round_.name if round_ else "",
                names["date"]: local.isoformat(timespec="minutes") if local else None,
            },
        }


def _property_names() -> dict[str, str]:
    """The features' property names in the user's language, as single words a GIS takes as field names."""
    return {
        "receipt_code": pgettext("geojson property", "receipt_code"),
        "kind": pgettext("geojson property", "kind"),
        "round": pgettext("geojson property", "round"),
        "area": pgettext("geojson property", "area"),
        "date": pgettext("geojson property", "date"),
        "codes": pgettext("geojson property", "codes"),
        "cbs_code": pgettext("geojson property", "cbs_code"),
        "question": pgettext("geojson property", "question"),
        "quality": pgettext("geojson property", "quality"),
        "reference": pgettext("geojson property", "reference"),
    }


def _feature(
    scope: Scope,
    lat: float,
    lon: float,
    receipt: str,
    kind: str,
    round_id: int,
    area_id: int | None,
    at: datetime,
    codes: str | None,
    question: str,
    names: dict[str, str],
) -> dict[str, Any]:
    round_ = scope.rounds.get(round_id)
    local = scope.local(at)
    properties = {
        names["receipt_code"]: receipt,
        names["kind"]: kind,
        names["round"]: round_.name if round_ else "",
        names["area"]: scope.area_path(area_id),
        # The CBS code of the area (or of the nearest area above it that has one): a GIS joins the
        # points to the CBS wijk- en buurtkaart on it.
        names["cbs_code"]: scope.cbs_code(area_id),
        names["date"]: local.isoformat(timespec="minutes") if local else None,
        names["codes"]: [c for c in scope.code_names(codes).split("; ") if c],
    }
    if question:
        properties[names["question"]] = question
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [scope.point(lon), scope.point(lat)]}, "properties": properties}
