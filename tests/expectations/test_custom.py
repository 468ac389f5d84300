"""The custom expectation: counts are whole and non-negative."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from expectations import runner
from expectations.custom import ExpectColumnValuesToBeWholeNonNegative


def _check(values: list[float]) -> dict:
    batch = (
        runner._shared_engine()
        .batches["indicators"]
        .get_batch(batch_parameters={"dataframe": pd.DataFrame({"value": values}, dtype="float64")})
    )
    result = batch.validate(
        ExpectColumnValuesToBeWholeNonNegative(column="value"), result_format="COMPLETE"
    )
    return result.result


def test_whole_non_negative_numbers_pass_and_nulls_are_not_judged():
    result = _check([0.0, 1.0, 12.0, 300000.0, math.nan])
    assert result["unexpected_count"] == 0
    assert result["missing_count"] == 1


@pytest.mark.parametrize("bad", [0.5, -1.0, -0.25, math.inf])
def test_fractions_negatives_and_infinities_fail(bad):
    assert _check([3.0, bad])["unexpected_list"] == [bad]
