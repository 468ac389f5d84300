"""Indicator values: plausible for the indicator, coherent across units, ratios and periods."""

import itertools

import pytest

from papi_etl.plan.assignments import indicators_of_unit
from papi_etl.plan.model import PeriodAggregation, ValueType
from papi_etl.synth import build
from papi_etl.synth.values import Values


def _values(reports):
    """(unit, indicator) -> [(period, value)] in calendar order."""
    found = {}
    for report in reports:
        for row in report.submission.indicators:
            found.setdefault((report.unit.code, row.indicator), []).append(
                (report.period, row.value)
            )
    return found


def test_every_value_lies_in_its_range_and_counts_are_whole(plan, clean_reports):
    by_code = {x.code: x for x in plan.indicators}
    for report in clean_reports:
        for row in report.submission.indicators:
            indicator = by_code[row.indicator]
            assert indicator.range.min <= row.value <= indicator.range.max, row
            if indicator.value_type is ValueType.COUNT:
                assert row.value == int(row.value), row
            if indicator.value_type is ValueType.PERCENT:
                assert 0 <= row.value <= 100, row


def test_cumulative_values_never_fall_within_a_year(plan, clean_reports):
    by_code = {x.code: x for x in plan.indicators}
    checked = 0
    for (unit, code), series in _values(clean_reports).items():
        if by_code[code].aggregate_periods is not PeriodAggregation.CUMULATIVE:
            continue
        for year, group in itertools.groupby(series, key=lambda item: item[0].year):
            values = [v for _, v in group]
            assert values == sorted(values), (unit, code, year, values)
            checked += 1
    assert checked > 100


def test_cumulative_values_grow_over_the_year(plan, clean_reports):
    """Not flat: a year's last report holds more than its first for most series."""
    by_code = {x.code: x for x in plan.indicators}
    grown = flat = 0
    for (_, code), series in _values(clean_reports).items():
        if by_code[code].aggregate_periods is not PeriodAggregation.CUMULATIVE:
            continue
        year = [v for p, v in series if p.year == 2019]
        grown += year[-1] > year[0]
        flat += year[-1] == year[0]
    assert grown > 4 * flat


def test_snapshot_levels_drift_slowly(plan, clean_reports):
    by_code = {x.code: x for x in plan.indicators}
    for (unit, code), series in _values(clean_reports).items():
        indicator = by_code[code]
        if indicator.aggregate_periods is not PeriodAggregation.SNAPSHOT:
            continue
        width = indicator.range.max - indicator.range.min
        for (_, before), (_, after) in itertools.pairwise(series):
            assert abs(after - before) <= max(1, 0.05 * width), (unit, code, series)


def test_the_parts_of_a_ratio_are_coherent(plan, clean_reports):
    """Apology letters <= late dossiers <= dossiers received; resolved <= received."""
    ratios = [x.ratio for x in plan.indicators if x.ratio is not None]
    checked = 0
    for report in clean_reports:
        values = {row.indicator: row.value for row in report.submission.indicators}
        for ratio in ratios:
            if ratio.numerator in values and ratio.denominator in values:
                assert values[ratio.numerator] <= values[ratio.denominator], (report.unit, ratio)
                checked += 1
    assert checked > 500


def test_ratio_indicators_are_never_reported(plan, clean_reports):
    computed = {x.code for x in plan.indicators if x.ratio is not None}
    reported = {row.indicator for r in clean_reports for row in r.submission.indicators}
    assert computed and not computed & reported


def test_each_unit_reports_exactly_its_indicators(plan, clean_reports):
    for report in clean_reports:
        expected = [x.code for x in indicators_of_unit(plan, report.unit.code)]
        assert [row.indicator for row in report.submission.indicators] == expected


def test_a_ward_counts_in_realistic_magnitudes(plan, clean_reports):
    """Dossiers of a ward of ~60,000 people run to thousands a year, not to the range's max."""
    by_code = {x.code: x for x in plan.indicators}
    ward_year = [r for r in clean_reports if r.unit.kind == "ward" and r.period.code == "2019-Y"]
    for report in ward_year:
        for row in report.submission.indicators:
            indicator = by_code[row.indicator]
            if indicator.value_type is ValueType.COUNT and indicator.range.max >= 1000:
                assert row.value <= 0.15 * indicator.range.max, (report.unit.code, row)


@pytest.mark.parametrize("index", range(5))
def test_one_period_alone_gives_the_values_of_a_whole_run(plan, periods, clean_reports, index):
    alone = build(plan, 461, [periods[index]], "json", clean=True)
    assert alone == [r for r in clean_reports if r.period == periods[index]]


def test_values_depend_on_the_seed(plan, periods):
    unit = next(u for u in plan.units if u.kind == "ward")
    indicators = indicators_of_unit(plan, unit.code)
    first, other = Values(plan, 461), Values(plan, 462)
    assert [first.of(unit, x, periods[-1]) for x in indicators] != [
        other.of(unit, x, periods[-1]) for x in indicators
    ]
    again = Values(plan, 461)
    assert [first.of(unit, x, periods[-1]) for x in indicators] == [
        again.of(unit, x, periods[-1]) for x in indicators
    ]
