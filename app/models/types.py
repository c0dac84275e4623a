"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(cls: type[enum.Enum]) -> sa.Enum:
    """An enum stored as its values in a VARCHAR with a CHECK (portable, easy to extend)."""
    return sa.Enum(cls, native_enum=False, length=20, create_constraint=True, values_callable=lambda e: [m.value for m in e])


class OpenEnum(sa.TypeDecorator[Any]):
    """A value of an enum that may grow without a schema change: stored as text (no CHECK), read
    back as the enum's member when it is one and as the text otherwise. The application says which
    values are allowed (for question types: the registry of kinds in app/questions)."""

    impl = sa.String(20)
    cache_ok = True

    def __init__(self, enum_type: type[enum.Enum], length: int = 20):
        super().__init__(length)
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return str(value.value) if isinstance(value, enum.Enum) else str(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        try:
            return self.enum_type(value)
        except ValueError:
            return value
