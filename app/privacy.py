"""What viewers must not see in resident text: street addresses with a house number, postcodes, e-mail
addresses (also written around a filter, "kees [at] example [dot] nl"), phone numbers and names said
when someone introduces themselves or another ("ik ben Kees de Vries", "mevrouw Jansen"). Residents say
these things in passing; the dashboards, the input lists and pseudonymised exports show such text with
those parts replaced. How well this finds them is measured by benchmarks/pseudonymisation.py."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _

from .i18n import N_

_STREET = (
    r"straat|laan|weg|plein|pad|kade|dreef|singel|gracht|hof|dijk|markt|park|steeg|baan|plantsoen|erf|wal|kant|ring|"
    r"boulevard|allee|passage|dam|veld|hoek|zoom|promenade|esplanade|pier|lei"
)
# Up to three capitalised words before a street name ("Charlie Chaplinweg", "Grote Markt"), a house
# number, perhaps with a letter or an addition ("12a", "12-3"). The street name is a compound
# ("kerkstraat") or capitalised ("Dreef"): "op het plein 35 graden" is no address.
ADDRESS = re.compile(
    rf"\b(?:[A-ZÀ-Þ][\w'’.-]*\s+){{0,3}}(?:[\w'’-]+|(?=[A-ZÀ-Þ]))(?i:{_STREET})\s*(?i:nr\.?|nummer)?\s*\d{{1,5}}(?:\s?[a-zA-Z]\b|-\d+\b)?"
)
EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+")
# An address written around a filter: "kees [at] example [dot] nl", "kees(at)example(punt)nl",
# "kees apenstaartje example punt nl". The domain ends in two to six letters.
_AT = r"(?:\s*[\[({<]\s*(?:at|@|apenstaartje)\s*[\])}>]\s*|\s+(?:at|apenstaartje)\s+)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|punt)\s*[\])}>]\s*|\s+(?:dot|punt)\s+|\.)"
HIDDEN_EMAIL = re.compile(rf"(?i:[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,6}})\b")
PHONE = re.compile(r"(?<!\d)(?:\+31|0031|0)(?:(?:[\s-]|\s-\s)?\d){9}(?!\d)")
# A Dutch postcode: four digits (not starting with 0), two capitals (never SA, SD or SS).
POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")

# A name: capitalised words, with the little words Dutch surnames carry ("Kees de Vries",
# "Fatima el Amrani", "Jan van der Berg").
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|te|in|'t|’t|la|le|du|da|di|el|al|ben|bin|op)"
_WORD = r"[A-ZÀ-Þ][a-zà-ÿ'’]+(?:-[A-ZÀ-Þa-zà-ÿ][a-zà-ÿ'’]+)*"
_NAME = rf"{_WORD}(?:(?:\s+{_PARTICLE}){{0,3}}\s+{_WORD}){{0,3}}(?:\s+(?:en|&)\s+{_WORD})?"
# Said to introduce oneself or someone else: what follows is a person's name.
_INTRODUCTION = (
    r"(?i:ik\s+ben|ik\s+heet|mijn\s+naam\s+is|mijn\s+naam\s*:|naam\s*:|u\s+spreekt\s+met|je\s+spreekt\s+met|"
    r"noem\s+me(?:\s+maar)?|ze\s+noemen\s+me|hij\s+heet|zij\s+heet|ze\s+heet|mijn\s+(?:buurman|buurvrouw|man|vrouw|zoon|dochter|moeder|vader)"
    r"(?:\s*,)?|(?:met\s+)?(?:vriendelijke\s+)?groet(?:en|jes)?\s*,?|gr\.?\s*,?)"
)
_TITLE = r"(?:\b(?i:meneer|mevrouw|mevr\.?|mw\.?|dhr\.?|de\s+heer|juffrouw|buurman|buurvrouw|dokter|tante|oom|opa|oma))"
NAME = re.compile(rf"(?:\b{_INTRODUCTION}\s+(?:{_TITLE}\s+)?|{_TITLE}\s+)(?P<name>{_NAME})")
# Capitalised words after "ik ben" that are not names: where one is from, one's faith.
NOT_NAMES = frozenset(
    [
        "almeerder",
        "almeerse",
        "nederlander",
        "nederlandse",
        "hollander",
        "hollandse",
        "amsterdammer",
        "amsterdamse",
        "rotterdammer",
        "utrechter",
        "hagenaar",
        "fries",
        "friese",
        "zeeuw",
        "zeeuwse",
        "brabander",
        "limburger",
        "surinamer",
        "surinaamse",
        "surinaams",
        "turk",
        "turkse",
        "turks",
        "marokkaan",
        "marokkaanse",
        "marokkaans",
        "antilliaan",
        "antilliaanse",
        "arubaan",
        "pool",
        "poolse",
        "syriër",
        "syrische",
        "eritreeër",
        "somaliër",
        "afghaan",
        "indonesiër",
        "chinees",
        "chinese",
        "duitser",
        "duitse",
        "belg",
        "belgische",
        "brit",
        "engelse",
        "fransman",
        "franse",
        "spanjaard",
        "italiaan",
        "europeaan",
        "engels",
        "pools",
        "duits",
        "frans",
        "italiaans",
        "spaans",
        "grieks",
        "zeeuws",
        "indisch",
        "moslim",
        "moslima",
        "christen",
        "katholiek",
        "katholieke",
        "protestant",
        "protestantse",
        "hindoe",
        "jood",
        "joodse",
        "boeddhist",
        "nl",
        "ik",
        "het",
        "een",
        "er",
        "hier",
        "daar",
        "nog",
        "wel",
        "niet",
        "ook",
        "al",
        "sinds",
        "blij",
    ]
)
# An address, postcode or phone number has a digit, an e-mail address an @ or an "at", a name its
# introduction: most texts have none of these and are passed over with one scan each (exports run
# this over every text).
DIGIT = re.compile(r"\d")
# Words that begin an introduction or a title, and the "at" of an address written around a filter:
# looked up in the set of the text's words, which costs a fraction of a regular expression with word
# boundaries on every text; only a text holding one of them is searched for names.
NAME_WORDS = frozenset(
    [
        "ben",
        "heet",
        "heet:",
        "naam",
        "naam:",
        "noem",
        "noemen",
        "spreekt",
        "buurman",
        "buurman,",
        "buurvrouw",
        "buurvrouw,",
        "man",
        "vrouw",
        "zoon",
        "dochter",
        "moeder",
        "vader",
        "groet",
        "groet,",
        "groeten",
        "groeten,",
        "groetjes",
        "groetjes,",
        "gr",
        "gr.",
        "gr,",
        "gr.,",
        "meneer",
        "mevrouw",
        "mevr",
        "mevr.",
        "mw",
        "mw.",
        "dhr",
        "dhr.",
        "heer",
        "juffrouw",
        "dokter",
        "tante",
        "oom",
        "opa",
        "oma",
    ]
)
AT_WORDS = frozenset({"at", "apenstaartje", "@"})
AT_INSIDE = ("(at", "[at", "{at", "<at", "[@", "(@", "{@", "<@")
# A house number after the street name: "Kerkstraat 12a", "Grote Markt nr. 3-5".
HOUSE_NUMBER = re.compile(r"[\s,]+(?:(?i:nr\.?|nummer)\s*)?\d+\S*.*$")
GPS_DECIMALS = 3  # about 100 m: where on the street, not at which door


# A street word followed by a number: the cheap test before the address pattern, which is slow.
STREET_NUMBER = re.compile(rf"(?i:{_STREET})\s*(?i:nr\.?|nummer)?\s*\d")


def _names(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in NAME.finditer(text):
        words = match.group("name").split()
        if words[0].lower().strip(".,") in NOT_NAMES:
            continue
        spans.append(match.span("name"))
    return spans


def personal_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every piece of personal data found in ``text``, in order, not overlapping."""
    found: list[tuple[str, int, int]] = []
    lowered = text.lower()
    words = set(lowered.split())
    if "@" in text:
        found += [("email", *m.span()) for m in EMAIL.finditer(text)]
    if not AT_WORDS.isdisjoint(words) or any(hint in lowered for hint in AT_INSIDE):
        found += [("email", *m.span()) for m in HIDDEN_EMAIL.finditer(text)]
    if DIGIT.search(text):
        found += [("phone", *m.span()) for m in PHONE.finditer(text)]
        found += [("postcode", *m.span()) for m in POSTCODE.finditer(text)]
        if STREET_NUMBER.search(text):
            found += [("address", *m.span()) for m in ADDRESS.finditer(text)]
    if not NAME_WORDS.isdisjoint(words):
        found += [("name", start, end) for start, end in _names(text)]
    if not found:
        return []
    spans: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(found, key=lambda f: (f[1], -f[2])):
        if spans and start < spans[-1][2]:  # inside (or across) one already found: join them
            if end > spans[-1][2]:
                spans[-1] = (spans[-1][0], spans[-1][1], end)
            continue
        spans.append((kind, start, end))
    return spans


LABELS = {
    "email": N_("[e-mail address]"),
    "phone": N_("[phone number]"),
    "address": N_("[address]"),
    "postcode": N_("[postcode]"),
    "name": N_("[name]"),
}


def pseudonymise(text: str) -> str:
    """The text with personal data replaced by what it was ("[naam]", "[adres]", ...)."""
    spans = personal_spans(text)
    if not spans:
        return text
    parts, at = [], 0
    for kind, start, end in spans:  # only the labels used are translated: an export pseudonymises 100,000s of texts
        parts += [text[at:start], _(LABELS[kind])]
        at = end
    return "".join(parts) + text[at:]


def pseudonymise_with_offsets(text: str) -> tuple[str, Callable[[int, bool], int]]:
    """``pseudonymise`` and where a character offset of ``text`` lands in the result (``moved(offset,
    is_end)``): a coded fragment keeps covering the same words, a replaced piece inside it as its label."""
    spans = personal_spans(text)
    if not spans:
        return text, lambda offset, is_end=False: offset
    parts, at, moves = [], 0, []  # moves: (start, end, new start, new end) of each replaced piece
    length = 0
    for kind, start, end in spans:
        label = _(LABELS[kind])
        parts.append(text[at:start])
        length += start - at
        moves.append((start, end, length, length + len(label)))
        parts.append(label)
        length += len(label)
        at = end
    parts.append(text[at:])

    def moved(offset: int, is_end: bool = False) -> int:
        shift = 0
        for start, end, new_start, new_end in moves:
            if offset <= start:
                break
            if offset < end:  # inside a replaced piece: the whole label is in the fragment
                return new_end if is_end else new_start
            shift = new_end - end
        return offset + shift

    return "".join(parts), moved


MASK = "•"


def mask(text: str) -> str:
    """The text with personal data blotted out character for character: its length stays, so
    codings' offsets into it still point at the same words."""
    spans = personal_spans(text)
    if not spans:
        return text
    chars = list(text)
    for _kind, start, end in spans:
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
