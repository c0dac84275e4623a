"""Text as it is stored and coded."""

from __future__ import annotations

import unicodedata
from typing import Any


def normalise_text(value: Any) -> str:
    """The text that is stored and coded: NFC, \\n line ends, no outer white space."""
    text = unicodedata.normalize("NFC", str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
