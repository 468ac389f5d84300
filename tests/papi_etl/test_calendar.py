import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from papi_etl import calendar
from papi_etl.errors import UnknownPeriodError
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def plan():
    return load(DEFAULT_PLAN).plan


def test_the_plan_has_the_five_periods_of_its_validity(plan):
    assert [p.code for p in calendar.periods(plan)] == [
        "2018-Y",
        "2019-Q1",
        "2019-6M",
        "2019-9M",
        "2019-Y",
    ]


@pytest.mark.parametrize(
    ("code", "unit_deadline", "consolidated_deadline"),
    [
        ("2018-Y", "2018-11-10T00:00:00+07:00", "2018-11-15T00:00:00+07:00"),
        ("2019-Q1", "2019-03-10T00:00:00+07:00", "2019-03-15T00:00:00+07:00"),
        ("2019-6M", "2019-06-10T00:00:00+07:00", "2019-06-15T00:00:00+07:00"),
        ("2019-9M", "2019-09-10T00:00:00+07:00", "2019-09-15T00:00:00+07:00"),
        ("2019-Y", "2019-11-10T00:00:00+07:00", "2019-11-15T00:00:00+07:00"),
    ],
)
def test_deadlines_are_midnight_local_of_the_10th_and_15th(
    plan, code, unit_deadline, consolidated_deadline
):
    period = calendar.period(plan, code)
    assert period.unit_deadline.isoformat() == unit_deadline
    assert period.consolidated_deadline.isoformat() == consolidated_deadline


def test_spans_are_year_to_date_and_end_before_the_unit_deadline(plan):
    for period in calendar.periods(plan):
        assert period.starts == dt.date(period.year - 1, 12, 15)
        assert period.ends < period.unit_deadline.date()
        assert period.ends == period.unit_deadline.date() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("received", "late"),
    [
        (dt.datetime(2019, 3, 9, 23, 59, 59, tzinfo=HCM), False),
        (dt.datetime(2019, 3, 10, 0, 0, tzinfo=HCM), True),
        # 17:00 UTC on the 9th is already 00:00 on the 10th in Ho Chi Minh City.
        (dt.datetime(2019, 3, 9, 16, 59, 59, tzinfo=dt.UTC), False),
        (dt.datetime(2019, 3, 9, 17, 0, tzinfo=dt.UTC), True),
    ],
)
def test_a_report_at_or_after_midnight_of_the_10th_is_late(plan, received, late):
    assert calendar.period(plan, "2019-Q1").is_late(received) is late


def test_period_codes_are_matched_without_regard_to_case_and_spaces(plan):
    assert calendar.period(plan, " 2019-6m ").code == "2019-6M"


def test_an_unknown_period_names_the_valid_ones(plan):
    with pytest.raises(UnknownPeriodError) as error:
        calendar.period(plan, "2018-Q1")
    assert "2019-Q1" in error.value.message_en
    assert "không có trong lịch" in error.value.message_vi


def test_periods_of_one_year(plan):
    assert [p.code for p in calendar.periods(plan, 2018)] == ["2018-Y"]
    assert calendar.periods(plan, 2020) == []


def test_the_open_period_is_the_next_consolidated_deadline(plan):
    assert calendar.open_period(plan, dt.datetime(2019, 3, 12, tzinfo=HCM)).code == "2019-Q1"
    assert calendar.open_period(plan, dt.datetime(2019, 3, 15, tzinfo=HCM)).code == "2019-6M"
    assert calendar.open_period(plan, dt.datetime(2026, 11, 26, tzinfo=HCM)) is None


@pytest.mark.parametrize(
    ("code", "compared"),
    [("2019-Q1", "2018-Y"), ("2019-Y", "2018-Y"), ("2019-6M", None), ("2018-Y", None)],
)
def test_a_report_compares_with_the_same_period_a_year_earlier_or_the_last_one(
    plan, code, compared
):
    """2018 has only its yearly report: 2019-Q1 compares with it, 2019-6M with none."""
    found = calendar.year_ago(plan, calendar.period(plan, code))
    assert (found.code if found else None) == compared
