"""What viewers must not see in resident text: street addresses with a house number, e-mail addresses
and phone numbers. Residents say these things in passing ("ik woon op de Kerkstraat 12"); the
dashboards and the input lists show such text to viewers with those parts replaced."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app
from flask_babel import gettext as _

_STREET = (
    r"straat|laan|weg|plein|pad|kade|dreef|singel|gracht|hof|dijk|markt|park|steeg|baan|plantsoen|erf|wal|kant|ring|"
    r"boulevard|allee|passage|dam|veld|hoek|zoom|promenade|pier|lei"
)
# Up to three capitalised words before the street word ("Charlie Chaplinweg", "Grote Markt"), a house
# number, perhaps with a letter or an addition ("12a", "12-3").
ADDRESS = re.compile(
    rf"\b(?:[A-ZÀ-Þ][\w'’.-]*\s+){{0,3}}[\w'’-]*(?i:{_STREET})\s*(?i:nr\.?|nummer)?\s*\d{{1,5}}(?:\s?[a-zA-Z]\b|-\d+\b)?"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)(?:[\s-]?\d){9}(?!\d)")


# An address or a phone number has a digit, an e-mail address an @: most texts have neither and are
# passed over with one scan (exports run this over every text).
MAYBE_PERSONAL = re.compile(r"[\d@]")
# A house number after the street name: "Kerkstraat 12a", "Grote Markt nr. 3-5".
HOUSE_NUMBER = re.compile(r"[\s,]+(?:(?i:nr\.?|nummer)\s*)?\d+\S*.*$")
GPS_DECIMALS = 3  # about 100 m: where on the street, not at which door


# A street word followed by a number: the cheap test before the address pattern, which is slow.
STREET_NUMBER = re.compile(rf"(?i:{_STREET})\s*(?i:nr\.?|nummer)?\s*\d")


def pseudonymise(text: str) -> str:
    if not MAYBE_PERSONAL.search(text):
        return text
    if "@" in text and EMAIL.search(text):
        text = EMAIL.sub(_("[e-mail address]"), text)
    if PHONE.search(text):
        text = PHONE.sub(_("[phone number]"), text)
    if STREET_NUMBER.search(text):
        text = ADDRESS.sub(_("[address]"), text)
    return text


MASK = "•"


def mask(text: str) -> str:
    """The text with addresses, e-mail addresses and phone numbers blotted out character for
    character: its length stays, so codings' offsets into it still point at the same words."""
    if not MAYBE_PERSONAL.search(text):
        return text
    spans: list[tuple[int, int]] = []
    if "@" in text:
        spans += [m.span() for m in EMAIL.finditer(text)]
    spans += [m.span() for m in PHONE.finditer(text)]
    if STREET_NUMBER.search(text):
        spans += [m.span() for m in ADDRESS.finditer(text)]
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if not chars[index].isspace():
                chars[index] = MASK
    return "".join(chars)


def street_only(street: str) -> str:
    """The street without a house number ("2e Oosterparkstraat 14" → "2e Oosterparkstraat")."""
    return HOUSE_NUMBER.sub("", street).strip()


def coarse(degrees: float | None) -> float | None:
    """A coordinate rounded to about 100 m."""
    return None if degrees is None else round(degrees, GPS_DECIMALS)


def pseudonym(project_id: int, user_id: int | None) -> str:
    """A stable pseudonym for an interviewer in one project: the same in every export, and not
    the same person's pseudonym in another project (keyed with the app's secret)."""
    if user_id is None:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"interviewer:{project_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return "INT-" + digest[:6].upper()
