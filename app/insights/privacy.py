"""What viewers must not see in resident text: street addresses with a house number, e-mail addresses
and phone numbers. Residents say these things in passing ("ik woon op de Kerkstraat 12"); the
dashboards and the input lists show such text to viewers with those parts replaced."""

from __future__ import annotations

import re

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


def pseudonymise(text: str) -> str:
    text = EMAIL.sub(_("[e-mail address]"), text)
    text = PHONE.sub(_("[phone number]"), text)
    return ADDRESS.sub(_("[address]"), text)
