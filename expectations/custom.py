"""Expectations GX does not have, for the rules of the plan it cannot express directly.

Importing this module registers them with GX (its metaclass records every subclass), so
suites that name them, built or loaded from JSON, can run: `expectations.suites` imports it.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

WHOLE_NON_NEGATIVE = "column_values.papi_whole_non_negative"


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
