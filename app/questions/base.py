"""What every kind of guide question has, and the values the kinds read.

A ``QuestionKind`` (after indico's survey fields) holds everything that depends on the type of a
question: how a recorded value is read and checked, the form field that collects it, how a stored
value reads on screen and in the workbook. The kinds themselves are in this package, one module
each, collected in ``app.questions.KINDS``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from wtforms import Field

from ..i18n import N_
from ..models import Area, QuestionType

# A number as typed: digits with one decimal point or comma, an optional exponent; spaces between
# the digits are dropped first ("1 250"). ASCII digits only, no "1_000", "0x10", "nan" or "inf".
NUMBER_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?\Z")

# Every message a recorded value can get, by name: the kinds and the validator raise these, and the
# tablet checks with the same names and texts (capture.validation.device_checks).
MESSAGES = {
    "required": N_("This question needs an answer."),
    "text": N_("Give a text."),
    "unstorable": N_("This text holds a character that cannot be stored (a control character or half of a character pair)."),
    "too_long": N_("At most %(max)s characters."),
    "choose_one": N_("Choose one of the options."),
    "choose_some": N_("Choose one or more of the options."),
    "not_option": N_("Not an option: %(values)s."),
    "scale": N_("Choose a whole number from %(min)s to %(max)s."),
    "yes_no": N_("Answer yes or no."),
    "number": N_("Give a number."),
    "whole": N_("Give a whole number."),
    "at_least": N_("At least %(min)s."),
    "at_most": N_("At most %(max)s."),
    "date": N_("Give a date (yyyy-mm-dd)."),
    "date_range": N_("Give a date between 1900 and 2100."),
    "area": N_("Choose an area of this project."),
    "location": N_("Give a location as latitude and longitude."),
    "off_earth": N_("This location does not exist on earth."),
    "accuracy": N_("The accuracy must be a number of metres."),
    "quality": N_('Choose A+, A, B, C, D or "don\'t know".'),
    "photos": N_("Add photos with the buttons of this question."),
    "photos_max": N_("At most %(max)s photos."),
    "consent": N_("Record the resident's consent before the interview."),
    "email": N_("This is not an email address."),
    "email_or_phone": N_("For feedback we need an email address or a phone number."),
}


@dataclass
class Message:
    text: str  # message id (English), translated where it is shown
    params: dict[str, Any] = field(default_factory=dict)


class Invalid(ValueError):
    """A recorded value a question cannot take: one of ``MESSAGES`` by name, with its parameters."""

    def __init__(self, name: str, **params: Any):
        text = MESSAGES.get(name, name)  # a kind of its own may give its own message id
        super().__init__(text)
        self.message = Message(text, params)


class QuestionLike(Protocol):
    key: str
    type: QuestionType
    required: bool
    options: list[dict[str, str]]
    config: dict[str, Any]
    show_if: dict[str, str] | None


class Areas(Protocol):
    """What checking an area answer needs to know about the project (capture.validation.Context)."""

    def has_area(self, area_id: int) -> bool: ...


class Workbook(Protocol):
    """What an export column needs from its export (exports.sheets.Scope)."""

    def text(self, text: str) -> str: ...

    def area_path(self, area_id: int) -> str: ...

    def point(self, degrees: float | None) -> float | None: ...


# An export column's formatter: the stored JSON text (or None) and the answer's search text give
# the cell's text and, for kinds that have one, its number.
Formatter = Callable[[str | None, str], tuple[str, float | None]]


def empty(value: Any) -> bool:
    """No answer: nothing, white space, or a list or mapping of nothing."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set)):
        return not any(not empty(v) for v in value)
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    return False


def finite_number(value: Any) -> float:
    """A number from JSON or as typed ("1 250", "3,5"); ValueError for anything else or not finite."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # a 400-digit integer
            raise ValueError from None
    elif not isinstance(value, str):
        raise ValueError
    else:
        text = value.replace(" ", "")
        if not NUMBER_PATTERN.match(text):
            raise ValueError
        number = float(text.replace(",", "."))  # Dutch decimal comma
    if not math.isfinite(number):
        raise ValueError
    return number


class QuestionKind:
    """The default kind: a line of text. Subclasses override what differs."""

    type: ClassVar[QuestionType | str]
    label: ClassVar[Any] = ""  # as the guide editor offers the kind (a lazy translation)
    # The show-if operator a later question may use on this one ("equals", "includes"), if any.
    show_if_op: ClassVar[str | None] = None
    # XLSForm types that import as this kind as they are (select and range types are read apart).
    xlsform_types: ClassVar[tuple[str, ...]] = ()
    # Whether the answer is a number (a number column in the "answers wide" sheet).
    numeric: ClassVar[bool] = False
    # Whether the answer is personal data in itself (an exact point): when the project's personal-data
    # retention ends, the purge keeps what ``expired`` gives instead (other answers: their text masked).
    personal: ClassVar[bool] = False
    # Whether its answers are statements a resident made that can be coded (open questions).
    codable: ClassVar[bool] = False
    # How the tablet reads and checks a value offline: a reader of static/js/checks.js ("text",
    # "choice", "choices", "scale", "yes_no", "number", "date", "area", "point", "level"). A new kind
    # that reads like an existing one needs no script; ``device`` adds what its reader needs.
    reads: ClassVar[str] = "text"
    # How the dashboards count the answers (closed questions): "options" (how many chose each option),
    # "number" (median and spread), or None (not counted: open answers, dates, places, points).
    counted: ClassVar[str | None] = None

    @property
    def name(self) -> str:
        """The type as stored and as the templates and the tablet know it ("gps")."""
        return str(getattr(self.type, "value", self.type))

    def device(self) -> dict[str, Any]:
        """What the tablet needs to read and check an answer of this kind offline (see ``reads``)."""
        return {"reads": self.reads}

    # -- the guide ---------------------------------------------------------------------------

    def show_if_values(self, question: QuestionLike) -> list[str] | None:
        """The values a show-if rule on this question may compare with; None: any text."""
        return None

    def problems(self, question: QuestionLike) -> list[tuple[str, dict[str, Any]]]:
        """What is wrong with this question's options and settings for its kind (message ids)."""
        return [(N_("Only choice questions have options."), {})] if question.options else []

    # -- recording ---------------------------------------------------------------------------

    def coerce(self, question: QuestionLike, value: Any, areas: Areas) -> Any:
        """The clean value of a given (non-empty) answer, or Invalid."""
        raise NotImplementedError

    def form_fields(self, question: Any, areas: list[Area]) -> dict[str, Field]:
        """The form fields that collect an answer, by suffix of the question's field name."""
        raise NotImplementedError

    def form_value(self, form: Any, name: str) -> Any:
        """The answer as the form holds it, in the shape ``coerce`` reads."""
        return form[name].data

    def error_field(self, name: str) -> str:
        """The form field that shows this question's message."""
        return name

    # -- reading -----------------------------------------------------------------------------

    def text(self, question: Any, value: Any) -> str:
        """A stored answer as it reads on screen."""
        return str(value)

    def expired(self, value: Any, coarse: Callable[[Any], Any]) -> Any:
        """What is kept of a ``personal`` answer once its personal-data retention has ended."""
        return value

    def masked_text(self, question: Any, value: Any, coarse: Callable[[Any], Any]) -> str | None:
        """How someone who may not see personal data reads the answer, where that is more than its
        text pseudonymised (None): a point rounded with ``coarse``, for instance."""
        return None

    def photos(self, value: Any) -> list[str]:
        """The UUIDs of the photos a stored (decoded) answer holds: their files follow in uploads."""
        return []

    def count_options(self, question: Any) -> list[tuple[str, str]]:
        """The options answers are counted on (``counted == "options"``), as (key, label), in order."""
        return []

    def count_keys(self, value: Any) -> list[str]:
        """The option keys a stored (decoded) answer counts for."""
        return []

    def stored_as(self, key: str) -> list[str]:
        """How an answer counted for option ``key`` is stored, as JSON text (what ``count_keys`` reads
        back): a filter "answered X" compares the stored text with these (``filters.answer_conditions``)."""
        return [json.dumps(key)]

    def stored_within(self) -> bool:
        """Whether the option's JSON text lies within the stored text (a list of choices) rather than
        being all of it."""
        return False

    def formatter(self, question: Any, workbook: Workbook) -> Formatter:
        """How a stored answer reads in an export column: its text, and its number if it has one.
        Called once per question and export; the function it gives runs once per answer."""
        return decoded(lambda value: (str(value), None))


def decoded(read: Callable[[Any], tuple[str, float | None]]) -> Formatter:
    """A formatter that decodes the stored JSON first (nothing stored: an empty cell)."""
    loads = json.loads
    return lambda raw, text: ("", None) if raw is None or raw == "null" else read(loads(raw))


def json_string(raw: str) -> Any:
    """A JSON string without escapes is its inside: no decoder needed for a choice or a level."""
    return raw[1:-1] if raw[:1] == '"' and "\\" not in raw else json.loads(raw)


def option_labels(question: Any) -> dict[str, str]:
    return {o["value"]: o["label"] for o in question.options or []}
