"""Photos: up to a number of photos taken or picked on the tablet, each kept under its own UUID.

The answer is the list of the photos' UUIDs (given on the device); the files follow the interview in
their own uploads (``app.photos``). A photo is evidence of a place, not something a resident said:
not codable, not counted.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from wtforms import Field, StringField
from wtforms.widgets import html_params

from ..i18n import N_
from ..models import Area, QuestionType
from .base import Formatter, Invalid, QuestionKind, QuestionLike, Workbook, decoded

PHOTOS_DEFAULT = 3
PHOTOS_MOST = 10


def photo_uuids(value: Any, most: int) -> list[str]:
    """A list of distinct photo UUIDs (lower case), at most ``most``; also a contribution's ``photos``."""
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise Invalid("photos")
    found: list[str] = []
    for text in value:
        try:
            key = str(uuid.UUID(text.strip()))
        except ValueError:
            raise Invalid("photos") from None
        if key not in found:
            found.append(key)
    if len(found) > most:
        raise Invalid("photos_max", max=most)
    return found


def _photo_input(field: Field, **attributes: Any) -> Markup:
    """A hidden input placed by the photo field itself: not one of the form's hidden fields, which
    ``hidden_tag`` renders at the top (the value would be there twice)."""
    attributes.setdefault("id", field.id)
    return Markup(f"<input {html_params(type='hidden', name=field.name, value=field._value(), **attributes)}>")


class PhotoListField(StringField):
    """The UUIDs of the photos on the page, space-separated (a stored answer is a list)."""

    widget = staticmethod(_photo_input)

    def _value(self) -> str:
        return " ".join(self.data) if isinstance(self.data, (list, tuple)) else (self.data or "")


class Photo(QuestionKind):
    type = QuestionType.photo
    reads = "photos"
    label = _l("Photos")
    xlsform_types = ("image",)

    def most(self, question: QuestionLike) -> int:
        try:
            most = int((question.config or {}).get("max_photos", PHOTOS_DEFAULT))
        except (TypeError, ValueError):
            return PHOTOS_DEFAULT
        return min(max(most, 1), PHOTOS_MOST)

    def device(self) -> dict[str, Any]:
        return {"reads": self.reads}

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        problems = super().problems(question)
        raw = (question.config or {}).get("max_photos", PHOTOS_DEFAULT)
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= PHOTOS_MOST:
            problems.append((N_("A photo question takes from 1 to %(most)s photos."), {"most": PHOTOS_MOST}))
        return problems

    def coerce(self, question: QuestionLike, value: Any, areas: Any) -> list[str]:
        return photo_uuids(value, self.most(question))

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        return {"": PhotoListField(question.label, description=question.help)}

    def photos(self, value: Any) -> list[str]:
        return list(value) if isinstance(value, list) else []

    def text(self, question: Any, value: Any) -> str:
        count = len(value) if isinstance(value, list) else 0
        return ngettext("%(num)s photo", "%(num)s photos", count)

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        return decoded(
            lambda value: (str(len(value)) if isinstance(value, list) else "", float(len(value)) if isinstance(value, list) else None)
        )
