"""What `run` and the demo say about a delivery they could not finish."""

from __future__ import annotations

import datetime as dt

from papi_etl.delivery import unfinished
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN

PLAN = load(DEFAULT_PLAN).plan
PENDING = [{"version": 2, "target": "https://city.example/r", "state": "pending"}]


def test_the_notice_names_the_scheduled_publish_while_it_is_still_to_come():
    text = unfinished.notice(PLAN, "2019-Q1", PENDING, dt.datetime(2019, 3, 12, tzinfo=dt.UTC))

    assert text is not None
    assert "papi-etl push --period 2019-Q1" in text
    assert "lần gửi theo lịch lúc 08:00 ngày 14/03/2019" in text
    assert "scheduled publish at 2019-03-14 08:00" in text


def test_after_the_scheduled_publish_only_push_is_named():
    text = unfinished.notice(PLAN, "2019-Q1", PENDING, dt.datetime(2019, 3, 20, tzinfo=dt.UTC))

    assert text is not None and "theo lịch" not in text and "papi-etl push" in text


def test_a_refusal_is_said_with_its_reason_and_nothing_when_all_is_delivered():
    refused = [{"version": 1, "target": "x", "state": "failed", "message": "HTTP 401 token"}]
    text = unfinished.notice(PLAN, "2019-Q1", refused, dt.datetime(2019, 3, 12, tzinfo=dt.UTC))
    assert text is not None and "BỊ TỪ CHỐI" in text and "HTTP 401 token" in text
    delivered = [{"version": 1, "target": "x", "state": "delivered", "message": None}]
    assert unfinished.notice(PLAN, "2019-Q1", delivered, dt.datetime.now(dt.UTC)) is None
