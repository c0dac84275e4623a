"""QR codes drawn here as inline SVG (segno, pure Python): nothing is fetched from anywhere."""

from __future__ import annotations

import segno
from markupsafe import Markup


def svg(data: str, title: str, scale: int = 4) -> Markup:
    """An ``<svg>`` of ``data`` with ``title`` as its accessible name; error correction M copes
    with a creased or smudged print. It has a viewBox and no fixed size: the stylesheet sizes it."""
    code = segno.make(data, error="m", micro=False)
    return Markup(
        code.svg_inline(scale=scale, border=4, title=title, svgclass="qr-code", lineclass=None, dark="#000", light="#fff", omitsize=True)
    )
