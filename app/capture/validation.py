"""The one validator for what is recorded in the field.

The HTML forms and the sync API both hand their input to ``validate_interview`` and
``validate_contribution``; raw values may be strings (forms) or JSON types (API). The result
is either clean data or messages per field (``answers.<key>`` for answers), as message ids
with parameters so that each caller shows them in the user's language.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..i18n import N_
from ..inputs import DATABASE_INT_MAX, UNSTORABLE, database_id, storable
from ..models import AgeBand, ListeningLevel, RespondentType
from ..questions import device_kinds, kind_of
from ..questions.base import MESSAGES, NUMBER_PATTERN, Invalid, Message, QuestionLike, empty, finite_number
from ..questions.date import DATE_PATTERN, DATE_YEARS
from ..questions.gps import gps_point
from ..questions.number import SCALE_DEFAULT
from ..questions.photo import PHOTOS_MOST, photo_uuids
from ..questions.quality import QUALITY_LEVELS
from ..questions.text import MAX_LONG_TEXT, MAX_SHORT_TEXT
from ..questions.yes_no import NO_WORDS, YES_WORDS
from ..text import normalise_text

__all__ = ["MAX_LONG_TEXT", "MAX_SHORT_TEXT", "MESSAGES", "Invalid", "Message", "gps_point"]  # where callers find them

MAX_STREET = 120
RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: easy to read aloud
RECEIPT_PATTERN = re.compile(rf"^[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}\Z")


def normalise_receipt(raw: Any) -> str:
    """A receipt code as typed ("ac3d efhj", "AC3DEFHJ") in its stored form "AC3D-EFHJ"."""
    code = re.sub(r"[\s-]", "", str(raw or "")).upper()
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
CONTACT_LIMITS = {"name": 120, "email": 254, "phone": 40, "note": 2000}
NAMED_LIMITS = {"name": 120, "organisation": 200}

Errors = dict[str, list[Message]]


class Context:
    """What validation needs to know about the project: which areas and themes it has.

    Given as sets (tests, small projects) or as lookup functions that ask the database only
    about the ids a record names, so a project with thousands of areas costs nothing extra."""

    def __init__(
        self,
        area_ids: set[int] | None = None,
        code_ids_by_uuid: dict[str, int] | None = None,
        find_area: Any = None,
        find_code: Any = None,
        find_archived_code: Any = None,
        find_element: Any = None,
        named_contacts: bool = False,
    ):
        self.named_contacts = named_contacts  # whether the project records who was heard by name
        self._find_element = find_element
        self._areas = area_ids
        self._codes = code_ids_by_uuid
        self._find_area = find_area
        self._find_code = find_code
        self._find_archived_code = find_archived_code
        self._seen: dict[Any, Any] = {}

    def has_area(self, area_id: int) -> bool:
        if self._areas is not None:
            return area_id in self._areas
        key = ("area", area_id)
        if key not in self._seen:
            self._seen[key] = bool(self._find_area(area_id))
        return self._seen[key]

    def has_element(self, element_id: int) -> bool:
        """Whether this is one of the project's elements in use (an observation names one)."""
        key = ("element", element_id)
        if key not in self._seen:
            self._seen[key] = bool(self._find_element(element_id)) if self._find_element else False
        return self._seen[key]

    def archived_code(self, code_uuid: str) -> str | None:
        """The name of a theme of this project that was archived (to say so), or None."""
        return self._find_archived_code(code_uuid.lower()) if self._find_archived_code else None

    def code_id(self, code_uuid: str) -> int | None:
        code_uuid = code_uuid.lower()
        if self._codes is not None:
            return self._codes.get(code_uuid)
        key = ("code", code_uuid)
        if key not in self._seen:
            self._seen[key] = self._find_code(code_uuid)
        return self._seen[key]


def is_shown(question: QuestionLike, answers: Mapping[str, Any]) -> bool:
    """Whether a question applies, given the (clean) answers before it."""
    rule = question.show_if
    if not rule:
        return True
    given = answers.get(rule["question"])
    if given is None:
        return False
    if rule["op"] == "includes":
        return isinstance(given, list) and rule["value"] in given
    if isinstance(given, bool):
        given = "yes" if given else "no"
    elif isinstance(given, (int, float)):  # a number or scale: 5 is 5.0 is "5,0"
        try:
            return given == finite_number(str(rule["value"]))
        except ValueError:
            return False
    return str(given) == rule["value"]


def validate_answers(questions: Iterable[QuestionLike], raw: Mapping[str, Any], context: Context) -> tuple[dict[str, Any], Errors]:
    """Clean answers for the questions that apply; answers to questions that do not are dropped."""
    clean: dict[str, Any] = {}
    errors: Errors = {}
    for question in questions:
        if not is_shown(question, clean):
            continue
        value = raw.get(question.key)
        if empty(value):
            if question.required:
                errors[question.key] = [Message(MESSAGES["required"])]
            continue
        try:
            clean[question.key] = kind_of(question).coerce(question, value, context)
        except Invalid as invalid:
            errors[question.key] = [invalid.message]
    return clean, errors


# -- the same checks on the tablet -------------------------------------------------------------

# What Python's str.strip() takes away (JavaScript's trim() differs: it keeps \x1c-\x1f and \x85
# and takes \ufeff), as a character class.
SPACE_CLASS = "[" + "".join(f"\\u{c:04x}" for c in range(0x10000) if chr(c).isspace()) + "]"


def _source(pattern: re.Pattern[str]) -> str:
    """A pattern's source for a JavaScript RegExp anchored at both ends (^(?:...)$)."""
    return pattern.pattern.removeprefix("^").removesuffix(r"\Z")


def device_checks(translate: Callable[[str], str]) -> dict[str, Any]:
    """What the tablet needs to check a recorded interview as this module does, before it is sent:
    the messages in the user's language, the patterns and the limits. The guide's own rules
    (required, bounds, options, show-if) come with the guide version; static/js/checks.js applies
    both, and a browser test holds its verdicts to ``validate_interview``'s."""
    return {
        "messages": {name: translate(text) for name, text in MESSAGES.items()},
        "patterns": {
            "number": _source(NUMBER_PATTERN),
            "date": _source(DATE_PATTERN),
            "email": _source(EMAIL_PATTERN),
            "unstorable": UNSTORABLE.pattern,
            "space": SPACE_CLASS,
        },
        "limits": {
            "short_text": MAX_SHORT_TEXT,
            "long_text": MAX_LONG_TEXT,
            "street": MAX_STREET,
            "contact": CONTACT_LIMITS,
            "date_years": list(DATE_YEARS),
            "scale": list(SCALE_DEFAULT),
            "id_max": DATABASE_INT_MAX,
        },
        "kinds": device_kinds(),
        "quality_levels": list(QUALITY_LEVELS),
        "yes": list(YES_WORDS),
        "no": list(NO_WORDS),
    }


# -- whole records ------------------------------------------------------------------------------


INTERVIEW_MODES = ("talk", "self", "paper")  # asked by the interviewer, filled in alone, from paper


@dataclass
class CleanInterview:
    uuid: uuid_module.UUID
    started_at: datetime
    ended_at: datetime
    consent: bool
    area_id: int | None
    street: str
    gps: dict[str, float | None] | None
    respondent_type: RespondentType | None
    age_band: AgeBand | None
    answers: dict[str, Any]
    tag_ids: list[int]
    reflection: dict[str, Any] | None
    contact: dict[str, str] | None
    receipt_code: str | None
    mode: str = "talk"
    named: dict[str, str] | None = None

    def fingerprint(self) -> str:
        """What the device said, as a hash: the same UUID must always come with the same content."""
        content = {
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "area_id": self.area_id,
            "street": self.street,
            "gps": self.gps,
            "respondent_type": self.respondent_type.value if self.respondent_type else None,
            "age_band": self.age_band.value if self.age_band else None,
            "answers": self.answers,
            "tags": sorted(self.tag_ids),
            "reflection": self.reflection,
            "contact": self.contact,
        }
        if self.mode != "talk":  # so the fingerprints of records sent before there were modes stay as they were
            content["mode"] = self.mode
        if self.named:
            content["named"] = self.named
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class CleanContribution:
    uuid: uuid_module.UUID
    recorded_at: datetime
    text: str
    area_id: int | None
    street: str
    tag_ids: list[int]
    receipt_code: str | None = None
    photos: list[str] = field(default_factory=list)
    # An observation on a walk: where, which CROW element, and how it looks.
    gps: dict[str, float | None] | None = None
    element_id: int | None = None
    quality: str | None = None

    def fingerprint(self) -> str:
        content: list[Any] = [self.recorded_at.isoformat(), self.text, self.area_id, self.street, sorted(self.tag_ids)]
        if self.receipt_code:  # added later: a record without one keeps the fingerprint it had
            content.append(self.receipt_code)
        if self.photos:  # added later too
            content.append({"photos": self.photos})
        if self.gps or self.element_id or self.quality:
            content.append({"gps": self.gps, "element_id": self.element_id, "quality": self.quality})
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _add(errors: Errors, key: str, text: str, **params: Any) -> None:
    errors.setdefault(key, []).append(Message(text, params))


def plain_text(payload: Mapping[str, Any], key: str, errors: Errors, prefix: str = "") -> str:
    """A free-text field: a string (or nothing), never a list, number or object turned into text."""
    value = payload.get(key)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        _add(errors, prefix + key, MESSAGES["text"])
        return ""
    if not storable(value):
        _add(errors, prefix + key, MESSAGES["unstorable"])
        return ""
    return normalise_text(value)


def _uuid(payload: Mapping[str, Any], errors: Errors) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(str(payload.get("uuid", "")))
    except ValueError:
        _add(errors, "uuid", N_("A record needs the UUID the device gave it."))
        return None


def _moment(payload: Mapping[str, Any], key: str, errors: Errors, now: datetime) -> datetime | None:
    value = payload.get(key)
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00")) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            _add(errors, key, N_("Give a date and time."))
            return None
    if moment.tzinfo is None:
        _add(errors, key, N_("Give a date and time with its time zone."))
        return None
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:30+01:00 is before the first moment there is
        moment = datetime.min.replace(tzinfo=UTC)
    if moment > now + timedelta(minutes=10) or moment.year < 2000:
        _add(errors, key, N_("This time is not plausible (check the device's clock)."))
        return None
    return moment


def _choice_of(enum_type: Any, payload: Mapping[str, Any], key: str, errors: Errors) -> Any:
    value = payload.get(key)
    if empty(value):
        return None
    try:
        return enum_type(str(value))
    except ValueError:
        _add(errors, key, N_("Not a valid choice."))
        return None


def _location(payload: Mapping[str, Any], context: Context, errors: Errors) -> tuple[int | None, str, Any]:
    area_id = payload.get("area_id")
    if empty(area_id):
        area_id = None
    else:
        area_id = database_id(area_id)
        if area_id is None or not context.has_area(area_id):
            _add(errors, "area_id", MESSAGES["area"])
            area_id = None
    street = plain_text(payload, "street", errors)
    if len(street) > MAX_STREET:
        _add(errors, "street", MESSAGES["too_long"], max=MAX_STREET)
    gps = None
    if not empty(payload.get("gps")):
        try:
            gps = gps_point(payload.get("gps"))
        except Invalid as invalid:
            errors.setdefault("gps", []).append(invalid.message)
    return area_id, street, gps


def _tags(payload: Mapping[str, Any], context: Context, errors: Errors) -> list[int]:
    tags = payload.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, (list, tuple)):
        _add(errors, "tags", N_("Not a valid choice."))
        return []
    ids = []
    for tag in tags:
        code_id = context.code_id(str(tag))
        if code_id is None and (archived := context.archived_code(str(tag))):
            # A tablet out in the field can still offer a theme the coordinator archived since.
            _add(errors, "tags", N_("The field theme %(name)s is no longer in use: untick it."), name=archived)
        elif code_id is None:
            _add(errors, "tags", N_("Unknown theme: %(tag)s."), tag=str(tag)[:40])
        elif code_id not in ids:
            ids.append(code_id)
    return ids


def validate_interview(
    questions: Iterable[QuestionLike], payload: Mapping[str, Any], context: Context, now: datetime | None = None
) -> tuple[CleanInterview | None, Errors]:
    """Check a whole interview; returns clean data, or None with messages per field."""
    now = now or datetime.now(UTC)
    errors: Errors = {}
    record_uuid = _uuid(payload, errors)
    consent = payload.get("consent") in (True, "true", "y", "yes", "on", "1", 1)
    if not consent:
        _add(errors, "consent", MESSAGES["consent"])
    started, ended = _moment(payload, "started_at", errors, now), _moment(payload, "ended_at", errors, now)
    if started and ended and ended < started:
        _add(errors, "ended_at", N_("The interview ends before it starts."))
    area_id, street, gps = _location(payload, context, errors)
    respondent_type = _choice_of(RespondentType, payload, "respondent_type", errors)
    age_band = _choice_of(AgeBand, payload, "age_band", errors)
    raw_answers = payload.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        _add(errors, "answers", N_("Answers must be given per question key."))
        raw_answers = {}
    questions = list(questions)
    answers, answer_errors = validate_answers(questions, raw_answers, context)
    for key, messages in answer_errors.items():
        errors[f"answers.{key}"] = messages
    known = {q.key for q in questions}
    for key in raw_answers:
        if key not in known:
            _add(errors, f"answers.{str(key)[:64]}", N_("This guide version has no question with this key."))
    tag_ids = _tags(payload, context, errors)

    reflection = None
    raw_reflection = payload.get("reflection") or {}
    if isinstance(raw_reflection, Mapping) and not empty(dict(raw_reflection)):
        level = _choice_of(ListeningLevel, raw_reflection, "listening_level", errors)
        reflection = {
            "surprised": plain_text(raw_reflection, "surprised", errors, "reflection.")[:MAX_LONG_TEXT],
            "resident_words": plain_text(raw_reflection, "resident_words", errors, "reflection.")[:MAX_LONG_TEXT],
            "listening_level": level.value if level else None,
        }

    contact = None
    raw_contact = payload.get("contact") or {}
    if isinstance(raw_contact, Mapping) and not empty(dict(raw_contact)):
        contact = {k: plain_text(raw_contact, k, errors, "contact.") for k in ("name", "email", "phone", "note")}
        for key, limit in CONTACT_LIMITS.items():
            if len(contact[key]) > limit:
                _add(errors, f"contact.{key}", MESSAGES["too_long"], max=limit)
        if contact["email"] and not EMAIL_PATTERN.match(contact["email"]):
            _add(errors, "contact.email", MESSAGES["email"])
        if not (contact["email"] or contact["phone"]):
            _add(errors, "contact.email", MESSAGES["email_or_phone"])

    receipt = payload.get("receipt_code")
    if not empty(receipt) and not (isinstance(receipt, str) and RECEIPT_PATTERN.match(receipt)):
        _add(errors, "receipt_code", N_("Not a valid receipt code."))
    named = None
    raw_named = payload.get("named") or {}
    if not isinstance(raw_named, Mapping):
        _add(errors, "named.name", MESSAGES["text"])
    elif not empty(dict(raw_named)):
        if not context.named_contacts:
            _add(errors, "named.name", N_("This project does not record who was heard by name."))
        else:
            named = {k: plain_text(raw_named, k, errors, "named.") for k in NAMED_LIMITS}
            for key, limit in NAMED_LIMITS.items():
                if len(named[key]) > limit:
                    _add(errors, f"named.{key}", MESSAGES["too_long"], max=limit)
            named = named if any(named.values()) else None
    mode = payload.get("mode") or "talk"
    if mode not in INTERVIEW_MODES:
        _add(errors, "mode", N_("Unknown way of taking the interview (in talk, filled in alone, or from paper)."))

    if errors:
        return None, errors
    assert record_uuid and started and ended
    return (
        CleanInterview(
            uuid=record_uuid,
            started_at=started,
            ended_at=ended,
            consent=True,
            area_id=area_id,
            street=street,
            gps=gps,
            respondent_type=respondent_type,
            age_band=age_band,
            answers=answers,
            tag_ids=tag_ids,
            reflection=reflection,
            contact=contact,
            receipt_code=str(receipt) if not empty(receipt) else None,
            mode=mode,
            named=named,
        ),
        {},
    )


def validate_contribution(
    payload: Mapping[str, Any], context: Context, now: datetime | None = None
) -> tuple[CleanContribution | None, Errors]:
    now = now or datetime.now(UTC)
    errors: Errors = {}
    record_uuid = _uuid(payload, errors)
    recorded_at = _moment(payload, "recorded_at", errors, now)
    text = plain_text(payload, "text", errors)
    if not text and "text" not in errors:
        _add(errors, "text", N_("Write down what was said."))
    elif len(text) > MAX_LONG_TEXT:
        _add(errors, "text", MESSAGES["too_long"], max=MAX_LONG_TEXT)
    area_id, street, gps = _location(payload, context, errors)
    tag_ids = _tags(payload, context, errors)
    element_id = None
    if not empty(payload.get("element_id")):
        element_id = database_id(payload.get("element_id"))
        if element_id is None or not context.has_element(element_id):
            _add(errors, "element_id", N_("Choose one of the project's elements."))
            element_id = None
    quality = None
    if not empty(payload.get("quality")):
        raw_quality = payload.get("quality")
        quality = raw_quality.strip().upper() if isinstance(raw_quality, str) else None
        if quality not in QUALITY_LEVELS:
            _add(errors, "quality", MESSAGES["quality"])
            quality = None
    raw_receipt = payload.get("receipt_code")
    receipt = normalise_receipt(raw_receipt) if isinstance(raw_receipt, str) and raw_receipt.strip() else None
    if (receipt is not None or not empty(raw_receipt)) and not RECEIPT_PATTERN.match(receipt or ""):
        _add(errors, "receipt_code", N_("Not a valid receipt code: eight letters and digits, like AC3D-EFHJ."))
    photos: list[str] = []
    if not empty(payload.get("photos")):
        try:
            photos = photo_uuids(payload.get("photos"), PHOTOS_MOST)
        except Invalid as invalid:
            errors.setdefault("photos", []).append(invalid.message)
    if errors:
        return None, errors
    assert record_uuid and recorded_at
    return CleanContribution(record_uuid, recorded_at, text, area_id, street, tag_ids, receipt, photos, gps, element_id, quality), {}


# -- a walk's route ---------------------------------------------------------------------------

MAX_ROUTE_POINTS = 20_000  # a point every 5 seconds for more than a day


@dataclass
class CleanRoute:
    uuid: uuid_module.UUID
    started_at: datetime
    ended_at: datetime
    points: list[list[float | None]]

    def fingerprint(self) -> str:
        content = [self.started_at.isoformat(), self.ended_at.isoformat(), self.points]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _route_point(raw: Any) -> list[float | None]:
    """[latitude, longitude, accuracy or null, time in ms since 1970]."""
    if not isinstance(raw, (list, tuple)) or len(raw) != 4:
        raise Invalid("location")
    point = gps_point({"lat": raw[0], "lon": raw[1], "accuracy": raw[2]})
    try:
        moment = finite_number(raw[3])
    except (ValueError, TypeError):
        raise Invalid("location") from None
    if not 946_684_800_000 <= moment <= 4_102_444_800_000:  # 2000 … 2100
        raise Invalid("location")
    return [point["lat"], point["lon"], point["accuracy"], int(moment)]


def validate_route(payload: Mapping[str, Any], now: datetime | None = None) -> tuple[CleanRoute | None, Errors]:
    now = now or datetime.now(UTC)
    errors: Errors = {}
    record_uuid = _uuid(payload, errors)
    started, ended = _moment(payload, "started_at", errors, now), _moment(payload, "ended_at", errors, now)
    if started and ended and ended < started:
        _add(errors, "ended_at", N_("The route ends before it starts."))
    raw = payload.get("points")
    points: list[list[float | None]] = []
    if not isinstance(raw, list) or not raw:
        _add(errors, "points", N_("A route needs its points."))
    elif len(raw) > MAX_ROUTE_POINTS:
        _add(errors, "points", N_("At most %(max)s points in one stretch of a route."), max=MAX_ROUTE_POINTS)
    else:
        for index, item in enumerate(raw):
            try:
                points.append(_route_point(item))
            except Invalid as invalid:
                errors.setdefault(f"points.{index}", []).append(invalid.message)
                break
    if errors:
        return None, errors
    assert record_uuid and started and ended
    return CleanRoute(record_uuid, started, ended, points), {}
