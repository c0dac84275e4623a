"""Printable reports as PDF, drawn on the server with WeasyPrint (Pango underneath; see README).

The report's HTML carries its stylesheet inline and its charts as inline SVG, so nothing is fetched:
the URL fetcher refuses every address, and a resident's text cannot make the server load one."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from weasyprint import HTML


class FetchRefused(ValueError):
    pass


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise FetchRefused(f"the report fetches nothing: {url[:80]}")


def stylesheet() -> str:
    """The app's own stylesheet, to inline (the PDF fetches nothing)."""
    return Path(current_app.static_folder or "", "css", "app.css").read_text(encoding="utf-8")


def pdf_of(html: str) -> bytes:
    return HTML(string=html, url_fetcher=_refuse).write_pdf()  # type: ignore[no-any-return]
