"""Column types the store needs beyond SQLAlchemy's own.

SQLite has no time zones: SQLAlchemy writes a datetime's wall clock and drops its offset, so
an aware 09:00+07:00 would come back as a naive 09:00 and read later as another instant.
`AwareDateTime` stores every instant in UTC on both backends and gives it back aware, in
Vietnam's time (the plans' deadlines are local), so what is read is the instant written.
A naive datetime is refused: the store cannot know which instant it means.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# PostgreSQL's `json` has no equality operator, which the upserts need to tell a changed row
# from an unchanged one; `jsonb` has one and compares documents, not their spelling.
Json = JSON().with_variant(JSONB(), "postgresql")


def now() -> dt.datetime:
    """The current instant, aware (the default of every timestamp column)."""
    return dt.datetime.now(dt.UTC)


class AwareDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware instant: stored in UTC, read back in Asia/Ho_Chi_Minh time."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} refused: the store keeps instants, so "
                "give it a time zone (e.g. tzinfo=ZoneInfo('Asia/Ho_Chi_Minh') or datetime.UTC)"
            )
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: the UTC wall clock written above
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(LOCAL_ZONE)
