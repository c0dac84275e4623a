"""Text that is safe in a spreadsheet cell (../shared/SECURITY.md 14–15).

A resident's "=HYPERLINK(...)" or "+31 6 ..." must read back exactly as typed, and never run as a
formula: in XLSX such a text is written as a string cell, in CSV it gets a leading apostrophe (the
usual guard, which spreadsheet programs show as text). Characters XML cannot hold are removed, and a
text longer than an Excel cell is cut with a note.
"""

from __future__ import annotations

import re

# The characters a spreadsheet may read as the start of a formula, and their full-width and small forms.
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
# Texts Excel would store as an error value instead of text.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
# Control characters XML 1.0 cannot hold (tab, LF and CR it can), non-characters and lone surrogates.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
MAX_CELL = 32_767  # Excel's limit for the text of one cell
CSV_GUARD = "'"


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or an error value)."""
    return bool(text) and (text[0] in FORMULA_START or text in ERROR_CODES)


def clean(text: str) -> str:
    """``text`` without the characters a workbook cannot hold."""
    return ILLEGAL.sub("", text)


def cut(text: str, note: str) -> str:
    """``text`` cut to fit one cell, ending with ``note`` (which says where the whole text is)."""
    if len(text) <= MAX_CELL:
        return text
    return text[: MAX_CELL - len(note)] + note


def csv_text(text: str) -> str:
    """A CSV field: cleaned, and with the guard in front when a spreadsheet could run it."""
    if ILLEGAL.search(text):
        text = clean(text)
    return CSV_GUARD + text if is_risky(text) else text


def csv_value(field: str) -> str:
    """What a CSV field held before ``csv_text`` guarded it (for tools that read the CSV back)."""
    if field.startswith(CSV_GUARD) and is_risky(field[1:]):
        return field[1:]
    return field
