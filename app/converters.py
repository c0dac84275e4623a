"""URL converters. An id in a path is a database key: one beyond the 32-bit range every table's key has
(PostgreSQL's integer) cannot name anything, so it is a 404 at routing, not a 500 from the database."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

from .inputs import DATABASE_INT_MAX


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(url_map, *args, **kwargs)
