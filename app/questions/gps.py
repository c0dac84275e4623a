"""A GPS point: latitude, longitude and (optionally) how precise it is, in metres."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField

from ..models import Area, QuestionType
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook, decoded, empty, finite_number

PARTS = (("lat", _l("Latitude")), ("lon", _l("Longitude")), ("accuracy", _l("Accuracy (metres)")))


def gps_point(value: Any) -> dict[str, float | None]:
    """A GPS point {lat, lon, accuracy} from a dict of numbers or strings (also the interview's own)."""
    if not isinstance(value, Mapping):
        raise Invalid("location")
    try:
        lat, lon = finite_number(value.get("lat")), finite_number(value.get("lon"))
    except (ValueError, TypeError):
        raise Invalid("location") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("off_earth")
    accuracy = value.get("accuracy")
    if empty(accuracy):
        accuracy = None
    else:
        try:
            accuracy = finite_number(accuracy)
        except (ValueError, TypeError):
            raise Invalid("accuracy") from None
        if accuracy < 0:
            raise Invalid("accuracy")
    return {"lat": round(lat, 7), "lon": round(lon, 7), "accuracy": None if accuracy is None else round(accuracy, 1)}


class Gps(QuestionKind):
    type = QuestionType.gps
    reads = "point"
    label = _l("GPS location")
    xlsform_types = ("geopoint",)
    personal = True  # an exact point can lead to a front door

    def expired(self, value: Any, coarse: Any) -> Any:
        if not isinstance(value, dict) or value.get("lat") is None:
            return value
        return {"lat": coarse(value["lat"]), "lon": coarse(value.get("lon")), "accuracy": None}

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> dict[str, float | None]:
        return gps_point(value)

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {f"_{part}": StringField(label, render_kw={"inputmode": "decimal"}) for part, label in PARTS}

    def form_value(self, form: Any, name: str) -> Any:
        return {part: form[f"{name}_{part}"].data for part, _label in PARTS}

    def error_field(self, name: str) -> str:
        return f"{name}_lat"

    def text(self, question: Any, value: Any) -> str:
        accuracy = f" (± {round(value['accuracy'])} m)" if value.get("accuracy") is not None else ""
        return f"{value['lat']}, {value['lon']}{accuracy}"

    def masked_text(self, question: Any, value: Any, coarse: Any) -> str | None:
        return f"{coarse(value.get('lat'))}, {coarse(value.get('lon'))}" if isinstance(value, dict) else None

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        def cell(value: Any) -> tuple[str, float | None]:
            if not isinstance(value, dict) or value.get("lat") is None:
                return "", None
            return f"{workbook.point(value['lat'])}, {workbook.point(value['lon'])}", None

        return decoded(cell)
