"""Expectations GX does not have, for the rules of the plan it cannot express directly or
can only check slowly.

Importing this module registers them with GX (its metaclass records every subclass), so
suites that name them, built or loaded from JSON, can run: `expectations.suites` imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import numpy as np
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

WHOLE_NON_NEGATIVE = "column_values.papi_whole_non_negative"
DATES_BETWEEN = "column_values.papi_dates_between"


class ColumnValuesWholeNonNegative(ColumnMapMetricProvider):
    """True for a value that is a whole number >= 0 (0, 1, 2.0, ...); nulls are skipped."""

    condition_metric_name = WHOLE_NON_NEGATIVE

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        values = column.astype("float64")
        return np.isfinite(values) & (values >= 0) & (values == np.floor(values))


class ExpectColumnValuesToBeWholeNonNegative(ColumnMapExpectation):
    """Expect the column's values to be whole, non-negative numbers: counts of things.

    461/KH-UBND's count indicators (meetings held, dossiers received, ...) cannot be 2.5 or
    -1; a percentage or a measure can be fractional. Null values are not judged (whether a
    value is required is another rule). Pandas only: the frames are pandas.
    """

    map_metric = WHOLE_NON_NEGATIVE
    success_keys = ("mostly",)
    library_metadata: ClassVar[dict] = {
        "maturity": "production",
        "tags": ["papi-etl"],
        "contributors": ["papi-etl"],
    }


class ColumnValuesDatesBetween(ColumnMapMetricProvider):
    """True for a date within [min_value, max_value], bounds included; nulls are skipped.

    One vectorised comparison: GX's own `column_values.between` compares a datetime64
    column element by element in Python unless its resolution is nanoseconds (1.24 checks
    `is_datetime64_ns_dtype`), and the frames' dates are microseconds so that a year such
    as 0019 or 2999 typed by a unit stays a date, to be reported as outside the period.
    """

    condition_metric_name = DATES_BETWEEN
    condition_value_keys = ("min_value", "max_value")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, min_value, max_value, **kwargs):
        return (column >= min_value) & (column <= max_value)


class ExpectColumnValuesToBeDatesBetween(ColumnMapExpectation):
    """Expect the column's dates to fall within [min_value, max_value], both included.

    For dates a unit cites (an evidence document's date) against the span of the period
    reported on, given as suite parameters so that one suite serves every period. The
    same verdicts as `ExpectColumnValuesToBeBetween`, at the cost of a pandas comparison
    (see ColumnValuesDatesBetween). Null values are not judged (whether a date is
    required is another rule). Pandas only: the frames are pandas.
    """

    min_value: dt.datetime | SuiteParameterDict
    max_value: dt.datetime | SuiteParameterDict

    map_metric = DATES_BETWEEN
    success_keys = ("min_value", "max_value", "mostly")
    args_keys = ("column", "min_value", "max_value")
    library_metadata: ClassVar[dict] = {
        "maturity": "production",
        "tags": ["papi-etl"],
        "contributors": ["papi-etl"],
    }
