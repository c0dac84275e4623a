"""The GeoJSON export's features: interviews with a GPS point, and answers to GPS questions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from ...models import (
    Answer,
    Coding,
    Interview,
)
from ...questions import kind_of
from .base import (
    Scope,
    codes_per,
    raw_value,
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
