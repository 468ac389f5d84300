"""`PeriodMetrics`: everything the consolidated report of one period shows, as data.

`papi_etl.metrics.compute.compute(...)` builds it from plain frames (no store, no I/O);
the report renderers (DOCX/PDF/XLSX/charts), `papi-etl metrics` and `metrics.persist`
read it. Field names are a contract with the renderers: add fields, never rename them.

Conventions shared by every frame below:

- `unit` is a unit code of the plan; `dimension` a dimension code of the plan (`D1`...),
  or `ASSIGNMENTS` ("III") for the assignments of section III, which belong to no PAPI
  dimension; WHOLE ('') in `unit` / `dimension` / `kind` means "over all of them" (the same
  convention as `metric_values` in the store).
- rates and shares are percentages (0-100, floats); a rate whose denominator is 0 is NaN.
- booleans that may be unknown (e.g. `on_time` of a unit that sent nothing) are pandas
  nullable `boolean`; counts are ints.
- rows come in the plan's order (units, dimensions, tasks, indicators) unless said otherwise.

The implementation index is NOT the PAPI survey score: it measures how far the units have
carried out the tasks of this plan (status weights of the plan, 0-10), while PAPI is a
citizen survey of the whole city; the city's PAPI scores are given separately, as context,
in `papi_context`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from papi_etl.store.schema import WHOLE

__all__ = ["ASSIGNMENTS", "ASSIGNMENTS_NAME_VI", "WHOLE", "PeriodMetrics"]

# The pseudo-dimension of the tasks of section III ("Tổ chức thực hiện"), which the plan
# files under `assignments`, outside the six PAPI dimensions.
ASSIGNMENTS = "III"
ASSIGNMENTS_NAME_VI = "Tổ chức thực hiện"


@dataclass(frozen=True, eq=False)
class PeriodMetrics:
    """The metrics of one plan's period, ready to render.

    Scalars
    -------
    plan_id, period_code ("2019-Q1"), period_label (Vietnamese, "Quý I năm 2019"),
    period_starts, period_ends (the data span, dates), unit_deadline (aware datetime).

    expected, received, on_time: overall counts of reports (see `reporting`).
    reporting_rate: received / expected x 100 (DHIS2), NaN when nothing is expected.
    on_time_reporting_rate: received on time / expected x 100 (DHIS2).
    completeness_rate: valid task rows / required task rows x 100 over the counted
        submissions (see `completeness`).
    implementation_index_overall: the district's implementation index (0-10) over all
        dimensions: the mean over units of each unit's overall index. NOT the PAPI score.

    Frames
    ------
    reporting: one row per unit kind that owes reports (plan order of first appearance),
        then one row with kind WHOLE ('') for all units. Columns:
        kind, kind_label_vi, expected, received, on_time, late, missing,
        reporting_rate, on_time_reporting_rate.
    units: one row per unit that owes a report (plan order). Columns:
        unit, name, short_name, kind, received (bool), on_time (boolean, <NA> if missing:
        arrival of the FIRST version before the unit deadline), version (Int64, current
        version), received_at (first version's arrival, aware datetime or NaT),
        status (submission status of the current version, or None when missing),
        counted (bool: status valid or accepted_with_exception), open_findings (int),
        left_out_reason (None, or a code: "missing", "invalid", "not_validated"),
        left_out_reason_vi (Vietnamese text or None).
    completeness: one row per unit that owes a report. Columns:
        unit, name, kind, counted (bool), required_rows (tasks the plan gives the unit),
        valid_rows (distinct required tasks with an enumerated status, counted submissions
        only; 0 when not counted), completeness (valid_rows / required_rows x 100, NaN when
        the unit's report is not counted).
    task_status_by_dimension: long format, one row per dimension x status (all four
        statuses, zero counts included; dimensions in plan order, then ASSIGNMENTS, then
        WHOLE for all). Columns: dimension, dimension_name_vi, status, status_label_vi,
        tasks (rows of counted submissions), share (% of the dimension's rows).
    task_status_by_unit: long format, one row per counted unit x status, then unit WHOLE.
        Columns: unit, name, status, status_label_vi, tasks, share.
    implementation_index: long format. Columns: unit, dimension, implementation_index
        (0-10), rated_tasks (tasks rated, i.e. not "không phát sinh"; for unit WHOLE the
        number of units averaged). Rows: every counted unit x dimension it has rated tasks in
        (mean of status weights x 10); unit x WHOLE (over all its rated tasks, ASSIGNMENTS
        included); WHOLE x dimension (mean over units of the unit's index in that dimension);
        WHOLE x WHOLE (= implementation_index_overall). NOT the PAPI survey score.
    indicators: one row per indicator of the plan. Columns:
        indicator, name_vi, unit_of_measure, value_type ("count", "number", "percent"),
        dimension, aggregate_units, aggregate_periods,
        better ("higher"/"lower"), value (aggregate over counted units: sum, mean, or
        ratio_of_sums = sum(numerator) / sum(denominator) x 100), units_reporting (counted
        units that gave a number; for a ratio, those that gave both), previous_value (the
        same aggregate for the previous period of the same year, NaN for the first),
        change (value - previous_value), year_to_date (cumulative indicators: the latest
        cumulative value, i.e. `value`; NaN for the others), trend ("improved", "worsened",
        "unchanged", or None when there is no change to judge; uses `better`; a change
        that rounds to 0,0 is "unchanged"), year_ago_value (the same aggregate for the
        period `year_ago_period`, NaN without one), year_ago_change, year_ago_ratio
        (value / year_ago_value x 100), year_ago_trend (None, too, for a sum since New
        Year whose year-earlier period is longer: 2019-Q1 against the whole of 2018).
    ward_ranking: the wards, best first. Columns: rank (Int64, 1..n over wards with a counted
        report, <NA> for the others, listed last), unit, name, implementation_index,
        completeness, on_time. Ties on the index are broken, in order, by: on time before
        late, higher completeness, earlier first arrival, unit code (alphabetical); so
        ranks are unique.
    lagging: one row per problem. Columns: unit, name, kind, reason ("late", "missing",
        "invalid", "not_validated", "not_started"), task (task code for "not_started",
        else ''), detail_vi. "not_started": a counted task row with status chua_trien_khai
        in a period whose span ends after 30 June.
    left_out: the current submissions NOT counted (and units that sent nothing are not
        here: they are "missing" in `units` / `lagging`). Columns: unit, name, version,
        status, reason ("invalid", "not_validated"), open_findings, reason_vi.
    difficulties, proposals: texts gathered from counted submissions' task rows, blanks
        dropped. Columns: unit, name, task, dimension, text.
    papi_context: the city's latest PAPI scores published by the period's end
        (`papi_year`), one row per dimension D1..D8 and "total". Columns: dimension, score,
        target (the city's target, NaN if none), target_op (">" or None), meets_target
        (boolean, <NA> without target), year, estimate. Empty when none was published yet.
    papi_year: the year the scores in `papi_context` measure, or None.
    papi_estimate: their estimate type ("unweighted", ...), or None.
    papi_published_by: the date used to choose them (the period's end).
    status_weights: the plan's weights used in the index, by status code.
    previous_period, previous_label: the previous period of the same year (the one
        `indicators.previous_value` is of), its code and Vietnamese label; None for a year's
        first period.
    year_ago_period, year_ago_label: the period compared with a year earlier
        (`calendar.year_ago`: the same period of the previous year or, for the first report
        of a year, the previous year's last report), its code and Vietnamese label; None
        when the plan has none.
    """

    plan_id: str
    period_code: str
    period_label: str
    period_starts: dt.date
    period_ends: dt.date
    unit_deadline: dt.datetime

    expected: int
    received: int
    on_time: int
    reporting_rate: float
    on_time_reporting_rate: float
    completeness_rate: float
    implementation_index_overall: float

    reporting: pd.DataFrame
    units: pd.DataFrame
    completeness: pd.DataFrame
    task_status_by_dimension: pd.DataFrame
    task_status_by_unit: pd.DataFrame
    implementation_index: pd.DataFrame
    indicators: pd.DataFrame
    ward_ranking: pd.DataFrame
    lagging: pd.DataFrame
    left_out: pd.DataFrame
    difficulties: pd.DataFrame
    proposals: pd.DataFrame
    papi_context: pd.DataFrame

    papi_year: int | None = None
    papi_estimate: str | None = None
    papi_published_by: dt.date | None = None
    status_weights: dict[str, float] = field(default_factory=dict)
    previous_period: str | None = None
    previous_label: str | None = None
    year_ago_period: str | None = None
    year_ago_label: str | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by field name, in declaration order."""
        return {
            name: value for name, value in self.__dict__.items() if isinstance(value, pd.DataFrame)
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: scalars as numbers/strings (NaN -> None), frames as lists of
        records, dates and datetimes in ISO 8601."""
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            out[name] = _plain(value)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return [
            {str(k): _plain(v) for k, v in row.items()}
            for row in value.astype(object).to_dict(orient="records")
        ]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _plain(value.item())
    if isinstance(value, float):
        return None if value != value else value  # NaN
    return value
