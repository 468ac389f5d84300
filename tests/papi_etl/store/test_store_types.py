"""Timestamps come back as the instants they were written, aware, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from papi_etl.store import schema
from papi_etl.store.types import LOCAL_ZONE

HANOI_TIME = dt.timezone(dt.timedelta(hours=7))


def _raw_file(sha: str, received_at: dt.datetime) -> schema.RawFile:
    return schema.RawFile(
        plan_id="test-plan",
        sha256=sha * 64,
        size=10,
        source="http",
        original_name="bao-cao.json",
        received_at=received_at,
        archive_path=f"raw/{sha}",
    )


def test_an_aware_time_comes_back_as_the_same_instant(session, synced_plan):
    local = dt.datetime(2019, 3, 9, 23, 59, 59, 123456, tzinfo=HANOI_TIME)
    utc = dt.datetime(2019, 3, 9, 16, 59, 59, 123456, tzinfo=dt.UTC)
    session.add_all([_raw_file("a", local), _raw_file("b", utc)])
    session.commit()
    session.expunge_all()

    read = session.scalars(select(schema.RawFile.received_at).order_by(schema.RawFile.sha256)).all()

    assert read == [local, utc]  # equal as instants
    for value in read:
        assert value.utcoffset() == dt.timedelta(hours=7)
        assert value.tzinfo == LOCAL_ZONE
        assert value.replace(tzinfo=None) == dt.datetime(2019, 3, 9, 23, 59, 59, 123456)


def test_comparisons_in_sql_are_between_instants(session, synced_plan):
    session.add(_raw_file("a", dt.datetime(2019, 3, 9, 23, 0, tzinfo=HANOI_TIME)))
    session.commit()
    # 17:00 UTC is midnight in Ho Chi Minh City: the report is before it, though its local
    # wall clock (23:00) is later than 17:00.
    deadline = dt.datetime(2019, 3, 9, 17, 0, tzinfo=dt.UTC)

    early = session.scalars(select(schema.RawFile).where(schema.RawFile.received_at < deadline))

    assert len(early.all()) == 1


def test_a_naive_time_is_refused(session):
    session.add(_raw_file("a", dt.datetime(2019, 3, 9, 23, 59)))

    with pytest.raises(StatementError, match="naive datetime 2019-03-09T23:59:00 refused"):
        session.flush()
