"""The seeded mix: late, missing and erroneous reports, and the arrival times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from papi_etl.forms import parse_number
from papi_etl.plan.assignments import tasks_of_unit
from papi_etl.schema import TaskStatus
from papi_etl.synth import ErrorKind, build
from papi_etl.synth.scenario import cast

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _by_key(reports):
    return {(r.unit.code, r.period.code): r for r in reports}


def test_clean_means_every_unit_on_time_complete_and_valid(clean_reports):
    for report in clean_reports:
        assert not report.missing and not report.late and report.errors == ()
        assert not report.period.is_late(report.arrival)


@pytest.mark.parametrize("fixture", ["clean_reports", "mixed_reports"])
def test_arrivals_are_aware_local_times_after_the_span_starts(request, fixture):
    for report in request.getfixturevalue(fixture):
        if report.missing:
            assert report.arrival is None
            continue
        arrival = report.arrival
        assert arrival.tzinfo is not None and arrival.utcoffset() == dt.timedelta(hours=7)
        assert arrival > dt.datetime.combine(report.period.starts, dt.time(), tzinfo=ZONE)
        deadline = report.period.unit_deadline
        if report.late:
            assert deadline <= arrival < deadline + dt.timedelta(days=5)
        else:
            assert deadline - dt.timedelta(days=7) < arrival < deadline
        assert report.period.is_late(arrival) == report.late
        assert dt.time(7, 30) <= arrival.timetz().replace(tzinfo=None) <= dt.time(17, 1)


def test_the_default_mix_has_late_missing_and_erroneous_units_in_every_period(
    periods, mixed_reports
):
    for period in periods:
        reports = [r for r in mixed_reports if r.period == period]
        assert len(reports) == 26
        assert sum(r.late for r in reports) == 3  # about 10 %
        assert sum(r.missing for r in reports) == 1  # about 5 %
        assert sum(bool(r.errors) for r in reports) == 3  # about 10 %
        for report in reports:
            if report.missing:
                assert report.submission is None and not report.late and not report.errors


def test_the_mix_changes_from_period_to_period(plan, periods):
    reporters = [u for u in plan.units if tasks_of_unit(plan, u.code)]
    casts = [cast(461, p, reporters) for p in periods]
    assert len({c.late for c in casts}) > 1
    for c in casts:
        assert not c.late & c.missing and not c.erroneous & c.missing


def test_the_mix_is_deterministic_for_a_seed(plan, periods, mixed_reports):
    assert build(plan, 461, periods, "json") == mixed_reports
    other = build(plan, 462, periods, "json")
    assert [(r.late, r.missing, r.errors) for r in other] != [
        (r.late, r.missing, r.errors) for r in mixed_reports
    ]


def test_an_erroneous_report_differs_from_the_clean_one_only_where_errors_were_put(
    clean_reports, mixed_reports
):
    clean = _by_key(clean_reports)
    for report in mixed_reports:
        if report.missing:
            continue
        targets = {e.task or e.indicator for e in report.errors}
        original = clean[(report.unit.code, report.period.code)].submission
        tasks = {t.task: t for t in report.submission.tasks}
        for row in original.tasks:
            if row.task not in targets:
                assert tasks[row.task].status == row.status
                assert tasks[row.task].result == row.result
                assert tasks[row.task].evidence == row.evidence
        values = {x.indicator: x for x in report.submission.indicators}
        for row in original.indicators:
            if row.indicator not in targets:
                assert values[row.indicator].value == row.value


def _check(error, report, clean, plan):
    by_code = {x.code: x for x in plan.indicators}
    tasks = {t.task: t for t in report.submission.tasks}
    values = {x.indicator: x for x in report.submission.indicators}
    if error.kind is ErrorKind.MISSING_EVIDENCE:
        row = tasks[error.task]
        assert row.status == TaskStatus.HOAN_THANH and row.evidence == ""
    elif error.kind is ErrorKind.MISSING_TASK:
        assert error.task not in tasks
        assert error.task in {t.code for t in tasks_of_unit(plan, report.unit.code)}
    elif error.kind is ErrorKind.OUT_OF_RANGE:
        assert values[error.indicator].value == error.value > by_code[error.indicator].range.max
    elif error.kind is ErrorKind.NOT_A_NUMBER:
        row = values[error.indicator]
        assert row.value is None and row.value_text == error.value
        assert parse_number(row.value_text) is None
    else:
        value = values[error.indicator].value
        assert value == error.value >= by_code[error.indicator].range.min
        earlier = [
            r
            for (unit, _), r in clean.items()
            if unit == report.unit.code
            and r.period.year == report.period.year
            and r.period.ends < report.period.ends
        ]
        assert earlier and error.previous_period in {r.period.code for r in earlier}
        for r in earlier:
            previous = {x.indicator: x.value for x in r.submission.indicators}
            assert value < previous[error.indicator]


def test_each_injected_error_is_in_the_report(plan, clean_reports, mixed_reports):
    clean = _by_key(clean_reports)
    count = 0
    for report in mixed_reports:
        for error in report.errors:
            _check(error, report, clean, plan)
            count += 1
        assert len({e.kind for e in report.errors}) == len(report.errors)
    assert count >= 15


def test_the_default_seed_injects_every_kind_of_error(mixed_reports):
    assert {e.kind for r in mixed_reports for e in r.errors} == set(ErrorKind)


def test_a_cumulative_decrease_is_only_put_where_an_earlier_report_was_sent(mixed_reports):
    by_key = _by_key(mixed_reports)
    decreases = [
        (r, e) for r in mixed_reports for e in r.errors if e.kind is ErrorKind.CUMULATIVE_DECREASE
    ]
    assert decreases
    for report, error in decreases:
        assert error.previous_period.startswith(str(report.period.year))
        assert not by_key[(report.unit.code, error.previous_period)].missing
