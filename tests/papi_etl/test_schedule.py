import datetime as dt

import pytest

from papi_etl import calendar, schedule
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN


@pytest.fixture(scope="module")
def plan():
    return load(DEFAULT_PLAN).plan


def _job(plan, name):
    return next(j for j in schedule.jobs(plan) if j.name == name)


@pytest.mark.parametrize("code", ["2018-Y", "2019-Q1", "2019-6M", "2019-9M", "2019-Y"])
def test_every_run_of_every_period_falls_where_it_must(plan, code):
    period = calendar.period(plan, code)
    month_start = period.consolidated_deadline.replace(day=1)
    runs = {j.name: schedule.runs_for_period(plan, j, period) for j in schedule.jobs(plan)}
    assert all(month_start <= t < period.consolidated_deadline for t in runs["collect"])
    assert len(runs["collect"]) == 14 * 12  # every 2 hours, from the 1st to the 14th
    assert [t.day for t in runs["remind"]] == [5, 8]
    assert all(t < period.unit_deadline and t.hour == 8 for t in runs["remind"])
    assert [t.day for t in runs["overdue"]] == [10, 11, 12, 13, 14]
    assert all(period.unit_deadline <= t < period.consolidated_deadline for t in runs["overdue"])
    (consolidate,) = runs["consolidate"]
    assert period.unit_deadline < consolidate < period.consolidated_deadline
    (publish,) = runs["publish"]
    assert consolidate < publish < period.consolidated_deadline
    assert publish.isoformat().endswith("T08:00:00+07:00")


def test_no_run_falls_outside_the_plan_validity_or_the_deadline_months(plan):
    start = dt.datetime.combine(plan.calendar.valid_from, dt.time(), tzinfo=dt.UTC)
    for job in schedule.jobs(plan):
        times = schedule.runs(plan, job)
        assert times, job.name
        assert all(t.month in (3, 6, 9, 11) for t in times)
        assert times[0] >= start - dt.timedelta(hours=7)
        assert times[-1].date() <= plan.calendar.valid_until


def test_after_the_validity_the_schedules_say_so_and_run_nothing(plan):
    later = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    assert schedule.validity_ended(plan, later)
    assert all(schedule.runs(plan, j, after=later) == [] for j in schedule.jobs(plan))
    assert not schedule.validity_ended(plan, dt.datetime(2019, 6, 1, tzinfo=dt.UTC))


def test_deployments_are_named_flow_slash_plan(plan):
    names = [schedule.deployment_name(plan, j) for j in schedule.jobs(plan)]
    assert names == [
        "collect/binh-tan-461-2018",
        "remind/binh-tan-461-2018",
        "remind/binh-tan-461-2018-overdue",
        "consolidate/binh-tan-461-2018",
        "publish/binh-tan-461-2018",
    ]
