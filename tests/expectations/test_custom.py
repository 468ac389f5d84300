"""The custom expectations: counts are whole and non-negative; dates fall in a span."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from great_expectations.expectations.expectation import Expectation

from expectations import runner
from expectations.custom import (
    ExpectColumnValuesToBeDatesBetween,
    ExpectColumnValuesToBeWholeNonNegative,
)

STARTS, ENDS = dt.datetime(2018, 12, 15), dt.datetime(2019, 3, 9)


def _check(column: pd.Series, expectation: Expectation, parameters: dict | None = None) -> dict:
    batch = (
        runner._shared_engine()
        .batches["indicators"]
        .get_batch(batch_parameters={"dataframe": pd.DataFrame({"value": column})})
    )
    result = batch.validate(
        expectation, result_format="COMPLETE", expectation_parameters=parameters
    )
    return result.result


def _whole(values: list[float]) -> dict:
    return _check(
        pd.Series(values, dtype="float64"), ExpectColumnValuesToBeWholeNonNegative(column="value")
    )


def test_whole_non_negative_numbers_pass_and_nulls_are_not_judged():
    result = _whole([0.0, 1.0, 12.0, 300000.0, math.nan])
    assert result["unexpected_count"] == 0
    assert result["missing_count"] == 1


@pytest.mark.parametrize("bad", [0.5, -1.0, -0.25, math.inf])
def test_fractions_negatives_and_infinities_fail(bad):
    assert _whole([3.0, bad])["unexpected_list"] == [bad]


def _dates(days: list[str | None]) -> dict:
    column = pd.Series(pd.to_datetime(days, format="%Y-%m-%d"), dtype="datetime64[us]")
    expectation = ExpectColumnValuesToBeDatesBetween(
        column="value", min_value=STARTS, max_value=ENDS
    )
    return _check(column, expectation)


def test_dates_in_the_span_pass_bounds_included_and_nulls_are_not_judged():
    result = _dates(["2018-12-15", "2019-01-31", "2019-03-09", None])
    assert result["unexpected_count"] == 0
    assert result["missing_count"] == 1


@pytest.mark.parametrize("bad", ["2018-12-14", "2019-03-10", "0019-03-05", "2999-03-05"])
def test_dates_outside_the_span_fail_even_beyond_nanosecond_timestamps(bad):
    # Years a unit mistypes (0019, 2999) are microsecond dates outside pandas' ns range.
    assert _dates(["2019-01-02", bad])["unexpected_index_list"] == [1]


def test_the_span_can_be_a_suite_parameter():
    expectation = ExpectColumnValuesToBeDatesBetween(
        column="value",
        min_value={"$PARAMETER": "period_starts"},
        max_value={"$PARAMETER": "period_ends"},
    )
    column = pd.Series(pd.to_datetime(["2019-01-02", "2019-04-01"]), dtype="datetime64[us]")
    result = _check(column, expectation, {"period_starts": STARTS, "period_ends": ENDS})
    assert result["unexpected_index_list"] == [1]
