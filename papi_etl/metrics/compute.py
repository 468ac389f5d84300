"""The metrics of one period, computed from plain frames: `compute(plan, period, inputs)`,
or `compute_plans(...)` for many plans (a city's or a country's districts) in one pass.

Pure pandas: no store and no I/O, so every number can be checked by hand in a test.
`papi_etl.metrics.load` builds the `MetricInputs` from the store.

Definitions (DHIS2's reporting metrics, adapted to the plan):

- expected reports: the units that owe a report for the period, i.e. the units the plan
  gives at least one task to report on (`assignments.tasks_of_unit`, as in
  `papi_etl.reporting_status`). One report per unit and period.
- received: the unit has a current (not superseded) submission for the period, whatever
  its validation status: a late or invalid report has still been received.
- on time: the FIRST version of the unit's report arrived before the unit deadline
  (`Submission.on_time` of version 1, i.e. `received_at < unit_deadline`). A correction sent
  after the deadline does not make a report that arrived on time late: the unit met its
  deadline, and penalising corrections would discourage them. A unit whose first version
  was late stays late however early its correction.
- reporting_rate = received / expected x 100; on_time_reporting_rate = received on time /
  expected x 100. Both are NaN when nothing is expected.
- counted: only submissions with status `valid` or `accepted_with_exception` count for
  completeness, task status, the implementation index and the indicator aggregates. The
  others (`invalid`, with their open findings; `received`, not yet validated) are listed in
  `left_out` with the reason; units that sent nothing are `missing`.
- completeness of a counted report = its valid task rows / the task rows the plan requires
  of the unit x 100. A valid task row is a row whose task is one the unit must report and
  whose status is one of the four statuses; a task given twice counts once. Overall: the
  sums over counted reports (a missing report shows in the reporting rate, not here).
- implementation index of a unit in a dimension = mean of the plan's status weights over
  the unit's rated task rows of that dimension x 10 (0-10). Rows "khong_phat_sinh" (nothing
  arose) are not rated: they are left out, not counted as 0. A unit's overall index is over
  all its rated rows (section III assignments included, as the pseudo-dimension "III"); the
  district's index of a dimension is the mean over units of their index in it, and the
  district's overall index the mean over units of their overall index (each unit weighs the
  same, however many tasks it has). It measures the execution of this plan and is NOT the
  PAPI survey score.
- indicator aggregates over counted units, per the plan's `aggregate_units`: `sum`, `mean`,
  or `ratio_of_sums` = sum(numerator) / sum(denominator) x 100 over the counted units that
  gave both numbers (not the mean of the units' ratios). Only the units the plan asks for a
  value count; "không áp dụng" and blanks are left out; with no value at all the aggregate
  is NaN, not 0. `previous_value` is the same aggregate over the previous period of the
  same year (the counted reports of that period), `change` the difference: since every
  report of 461/KH-UBND covers the year to date, a cumulative indicator's change is what
  was added during the period, and its latest value is its `year_to_date`. `year_ago_value`
  is the aggregate of the period a year earlier (`calendar.year_ago`: the same period of
  the previous year, or, for the first report of a year, the previous year's last report),
  `year_ago_change` the difference, `year_ago_ratio` this period's value as a percentage of
  it; a sum since New Year compared with a longer span (2019-Q1 with the whole of 2018)
  gets no `year_ago_trend`. A trend is judged on the change rounded to one decimal.
- lagging: late, missing, invalid or unvalidated reports, and, in a period whose span ends
  after 30 June, task rows still "chua_trien_khai".
- PAPI context: PAPI publishes year Y's scores around April of Y+1; they are taken as
  available from 1 May of Y+1, and the latest year available at the period's end is shown,
  with the city's targets for the period's year.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from papi_etl import calendar
from papi_etl.metrics.model import ASSIGNMENTS, ASSIGNMENTS_NAME_VI, WHOLE, PeriodMetrics
from papi_etl.plan import assignments
from papi_etl.plan.derived import per_plan
from papi_etl.plan.model import Plan, UnitAggregation
from papi_etl.schema import TaskStatus

COUNTED = ("valid", "accepted_with_exception")
SUPERSEDED = "superseded"
STATUSES = tuple(status.value for status in TaskStatus)
NOT_RATED = TaskStatus.KHONG_PHAT_SINH.value
NOT_STARTED = TaskStatus.CHUA_TRIEN_KHAI.value

# Figures are reported to one decimal at most: a smaller change is no change.
CHANGE_DECIMALS = 1

# PAPI results of year Y are published in April of Y+1: usable from this day of Y+1.
PAPI_AVAILABLE_FROM = (5, 1)

KIND_LABELS_VI = {
    "ward": "Phường",
    "agency": "Cơ quan chuyên môn",
    "public_service_unit": "Đơn vị sự nghiệp",
    "mass_organisation": "Tổ chức chính trị - xã hội",
    WHOLE: "Tất cả đơn vị",
}

SUBMISSION_COLUMNS = (
    "period",
    "unit",
    "version",
    "status",
    "on_time",
    "received_at",
    "open_findings",
)
TASK_ROW_COLUMNS = (
    "period",
    "unit",
    "task",
    "status",
    "result",
    "evidence",
    "difficulties",
    "proposals",
)
# The columns of `counted_task_rows`.
COUNTED_TASK_ROW_COLUMNS = ("unit", "task", "dimension", "status", "result", "evidence")
INDICATOR_ROW_COLUMNS = ("period", "unit", "indicator", "value", "not_applicable")
PAPI_SCORE_COLUMNS = ("year", "province", "estimate", "D1", "D2", "D3", "D4", "D5", "D6")
PAPI_TARGET_COLUMNS = ("dimension", "operator", "target", "from_year", "to_year")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})


@dataclass(frozen=True, eq=False)
class MetricInputs:
    """What the metrics are computed from; every frame may be empty.

    submissions: the CURRENT (not superseded) submission of each unit, for the period and
        for the earlier periods of its year. Columns: period, unit, version, status
        (a `SubmissionStatus` value), on_time (bool: of the FIRST version), received_at
        (aware datetime: the FIRST version's arrival), open_findings (int).
    task_rows: the task rows of those submissions, as given. Columns: period, unit, task,
        status, result, evidence, difficulties, proposals.
    indicator_rows: their indicator rows. Columns: period, unit, indicator, value (float,
        NaN when not a number), not_applicable (bool).
    papi_scores: the city's PAPI scores, as in plans/reference/papi-hcmc-scores.csv
        (year, province, estimate, D1..D8, total); None or empty for no context.
    papi_targets: the city's targets, as in plans/reference/papi-hcmc-targets.csv
        (dimension, operator, target, from_year, to_year, ...).
    """

    submissions: pd.DataFrame = field(default_factory=lambda: _empty(SUBMISSION_COLUMNS))
    task_rows: pd.DataFrame = field(default_factory=lambda: _empty(TASK_ROW_COLUMNS))
    indicator_rows: pd.DataFrame = field(default_factory=lambda: _empty(INDICATOR_ROW_COLUMNS))
    papi_scores: pd.DataFrame | None = None
    papi_targets: pd.DataFrame | None = None


# --- the plan as frames ---------------------------------------------------------------
# Built once per plan object (`per_plan`): a city's or a country's run computes hundreds of
# districts, each from its own plan, and these are shared by every call, so never modified.


@per_plan
def _expected_units(plan: Plan) -> pd.DataFrame:
    """unit, name, short_name, kind, order: the units that owe a report, in plan order."""
    rows = [
        {
            "unit": u.code,
            "name": u.name,
            "short_name": u.short_name or u.name,
            "kind": u.kind.value,
        }
        for u in plan.units
        if assignments.tasks_of_unit(plan, u.code)
    ]
    frame = pd.DataFrame(rows, columns=["unit", "name", "short_name", "kind"])
    return frame.assign(order=np.arange(len(frame)))


@per_plan
def _plan_tasks(plan: Plan) -> pd.DataFrame:
    """task, dimension: every task of the plan with its dimension (ASSIGNMENTS for III)."""
    rows = [{"task": t.code, "dimension": d.code} for d in plan.dimensions for t in d.tasks]
    rows += [{"task": t.code, "dimension": ASSIGNMENTS} for t in plan.assignments]
    return pd.DataFrame(rows, columns=["task", "dimension"])


@per_plan
def _required(plan: Plan) -> pd.DataFrame:
    """unit, task, dimension: the task rows each unit's report must hold."""
    dimension_of = _plan_tasks(plan).set_index("task")["dimension"]
    rows = [
        (u.code, t.code)
        for t in assignments.tasks(plan)
        for u in assignments.reporting_units(plan, t)
    ]
    frame = pd.DataFrame(rows, columns=["unit", "task"])
    return frame.assign(dimension=frame["task"].map(dimension_of))


@per_plan
def _dimensions(plan: Plan) -> pd.DataFrame:
    """dimension, dimension_name_vi, order: the plan's dimensions, then ASSIGNMENTS."""
    rows = [{"dimension": d.code, "dimension_name_vi": d.name_vi} for d in plan.dimensions]
    if plan.assignments:
        rows.append({"dimension": ASSIGNMENTS, "dimension_name_vi": ASSIGNMENTS_NAME_VI})
    frame = pd.DataFrame(rows, columns=["dimension", "dimension_name_vi"])
    return frame.assign(order=np.arange(len(frame)))


@per_plan
def _plan_indicators(plan: Plan) -> pd.DataFrame:
    tasks = _plan_tasks(plan)
    dimension_of = dict(zip(tasks["task"], tasks["dimension"], strict=True))
    rows = [
        {
            "indicator": x.code,
            "name_vi": x.name_vi,
            "unit_of_measure": x.unit_of_measure,
            "value_type": x.value_type.value,
            "dimension": dimension_of.get(x.tasks[0]),
            "aggregate_units": x.aggregate_units.value,
            "aggregate_periods": x.aggregate_periods.value,
            "better": x.better.value,
            "numerator": x.ratio.numerator if x.ratio else None,
            "denominator": x.ratio.denominator if x.ratio else None,
        }
        for x in plan.indicators
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "indicator",
            "name_vi",
            "unit_of_measure",
            "value_type",
            "dimension",
            "aggregate_units",
            "aggregate_periods",
            "better",
            "numerator",
            "denominator",
        ],
    )


@per_plan
def _indicator_units(plan: Plan) -> pd.DataFrame:
    """unit, indicator: who must give a value for what."""
    rows = [
        (u.code, x.code)
        for x in plan.indicators
        for u in assignments.indicator_reporting_units(plan, x)
    ]
    return pd.DataFrame(rows, columns=["unit", "indicator"])


# --- many plans at once ---------------------------------------------------------------

# Every frame of a `compute_plans` call holds the rows of all its items, each row with its
# item's position in this column: a district's rows are few, and pandas' fixed cost per call
# would otherwise be paid ~150 times per district.
ITEM = "_item"


@dataclass(frozen=True, eq=False)
class _Stacked:
    """The items' `MetricInputs` frames, stacked (`_stacked`)."""

    submissions: pd.DataFrame
    task_rows: pd.DataFrame
    indicator_rows: pd.DataFrame


@dataclass(frozen=True, eq=False)
class _Batch:
    """What the parts need of the items of one `_compute_together` call, in item order;
    the codes are object arrays, None where an item has no such period."""

    plans: list[Plan]
    codes: np.ndarray
    previous_codes: np.ndarray
    year_ago_codes: np.ndarray
    same_kind_a_year_ago: np.ndarray


def _codes(periods: Sequence[calendar.Period | None]) -> np.ndarray:
    return np.array([p.code if p is not None else None for p in periods], dtype=object)


# --- helpers --------------------------------------------------------------------------


def _percent(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator x 100, NaN where the denominator is 0."""
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0) * 100
    return float(numerator) / denominator * 100 if denominator else float("nan")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip()


def _stacked(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The items' frames one under the other, in item order, each row with its item's
    position in ITEM (last column)."""
    stacked = pd.concat(frames, ignore_index=True)
    positions = np.repeat(np.arange(len(frames)), [len(frame) for frame in frames])
    return stacked.assign(**{ITEM: positions})


def _keys(frame: pd.DataFrame, column: str) -> pd.MultiIndex:
    """(item, frame[column]) of each row: a code is a plan's own, so it is looked up with its
    item."""
    return pd.MultiIndex.from_arrays([frame[ITEM], frame[column]])


def _lookup(table: pd.Series, frame: pd.DataFrame, column: str) -> pd.Series:
    """`table` (indexed by (item, code)) at each row's (item, frame[column]), aligned with
    `frame`; NaN where absent: `Series.map` with the item in the key."""
    return table.reindex(_keys(frame, column)).set_axis(frame.index)


def _of_period(frame: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """The rows of `frame` whose period is their item's code in `codes` (None: no row)."""
    return frame[frame["period"].to_numpy() == codes[frame[ITEM].to_numpy()]]


def _current(submissions: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    subs = _of_period(submissions, codes)
    subs = subs[subs["status"] != SUPERSEDED]
    # Stable, though no tie can matter: the store keeps one submission per unit, period and
    # version.
    return subs.sort_values("version", kind="stable").drop_duplicates([ITEM, "unit"], keep="last")


def _counted_units(submissions: pd.DataFrame, codes: np.ndarray) -> pd.MultiIndex:
    current = _current(submissions, codes)
    return _keys(current[current["status"].isin(COUNTED)], "unit")


def _given_rows(task_rows: pd.DataFrame, codes: np.ndarray, counted: pd.MultiIndex) -> pd.DataFrame:
    """item, unit, task, status, result, evidence: the task rows of counted reports that
    have one of the four statuses."""
    rows = _of_period(task_rows, codes)
    rows = rows[_keys(rows, "unit").isin(counted)]
    rows = rows.assign(
        task=_text(rows["task"]),
        status=_text(rows["status"]),
        result=_text(rows["result"]).fillna(""),
        evidence=_text(rows["evidence"]).fillna(""),
    )
    rows = rows[rows["status"].isin(STATUSES)]
    return rows[[ITEM, "unit", "task", "status", "result", "evidence"]]


def _matched_rows(given: pd.DataFrame, required: pd.DataFrame) -> pd.DataFrame:
    """item, unit, task, dimension, status, result, evidence: the valid task rows of counted
    reports (`_given_rows`), once each."""
    matched = given.merge(required, on=[ITEM, "unit", "task"], how="inner")
    matched = matched.drop_duplicates([ITEM, "unit", "task"], keep="first").reset_index(drop=True)
    columns = [ITEM, *COUNTED_TASK_ROW_COLUMNS]
    return matched[columns].astype({"result": object, "evidence": object})


def counted_task_rows(plan: Plan, metrics: PeriodMetrics, inputs: MetricInputs) -> pd.DataFrame:
    """The task rows the metrics of `metrics`' period count (counted reports, a task the unit
    must report, one of the four statuses, a task given twice counted once), with what the
    unit wrote: columns unit, task, dimension, status, result, evidence, in the order given.
    `inputs` must be those the metrics were computed from."""
    units = _stacked([metrics.units])
    given = _given_rows(
        _stacked([inputs.task_rows]),
        np.array([metrics.period_code], dtype=object),
        _keys(units[units["counted"]], "unit"),
    )
    return _matched_rows(given, _stacked([_required(plan)])).drop(columns=ITEM)


@dataclass(frozen=True, eq=False)
class _Retyped:
    """The items (a bool per item) whose frame pandas types otherwise when they are computed
    alone, and the column types they get then: a result's types follow its inputs', and
    some inputs of an item alone are empty where those of all the items are not."""

    items: np.ndarray
    types: dict[str, Any]


def _split(frame: pd.DataFrame, count: int, retyped: _Retyped | None = None) -> list[pd.DataFrame]:
    """Each item's rows of `frame` (in item order), without ITEM and indexed from 0."""
    if not frame[ITEM].is_monotonic_increasing:
        frame = frame.sort_values(ITEM, kind="stable")
    bounds = np.searchsorted(frame[ITEM].to_numpy(), np.arange(count + 1))
    rows = frame.drop(columns=ITEM)
    parts = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        part = rows.iloc[start:end]
        part.index = pd.RangeIndex(end - start)  # a new frame: cheaper than reset_index
        parts.append(part)
    if retyped is not None and any(rows[c].dtype != t for c, t in retyped.types.items()):
        for item in np.flatnonzero(retyped.items):
            parts[item] = parts[item].astype(retyped.types)
    return parts


# --- the parts ------------------------------------------------------------------------


def _unit_table(expected: pd.DataFrame, current: pd.DataFrame, zone: str) -> pd.DataFrame:
    sent = current[[ITEM, "unit", "version", "status", "on_time", "received_at", "open_findings"]]
    table = expected.merge(sent, on=[ITEM, "unit"], how="left", validate="one_to_one")
    received = table["status"].notna()
    status = table["status"].astype(object).where(received, None)
    on_time = table["on_time"].astype("boolean").where(received, pd.NA)
    counted = status.isin(COUNTED)
    findings = pd.to_numeric(table["open_findings"], errors="coerce").fillna(0).astype(int)
    reason = pd.Series(
        np.select(
            [~received, status == "invalid", status == "received"],
            ["missing", "invalid", "not_validated"],
            default="",
        ),
        index=table.index,
    )
    reason_vi = reason.map(
        {
            "missing": "Chưa nộp báo cáo",
            "invalid": "Báo cáo không hợp lệ",
            "not_validated": "Báo cáo chưa được kiểm tra",
        }
    )
    reason_vi = reason_vi.where(
        reason != "invalid", reason_vi + ", còn " + findings.astype(str) + " lỗi chưa xử lý"
    )
    received_at = pd.to_datetime(table["received_at"], utc=True).dt.tz_convert(zone)
    return pd.DataFrame(
        {
            ITEM: table[ITEM],
            "unit": table["unit"],
            "name": table["name"],
            "short_name": table["short_name"],
            "kind": table["kind"],
            "received": received.astype(bool),
            "on_time": on_time,
            "version": pd.to_numeric(table["version"], errors="coerce").astype("Int64"),
            "received_at": received_at,
            "status": status,
            "counted": counted.astype(bool),
            "open_findings": findings,
            "left_out_reason": reason.astype(object).where(reason != "", None),
            "left_out_reason_vi": reason_vi.astype(object).where(reason != "", None),
        }
    )


def _reporting(units: pd.DataFrame, count: int) -> pd.DataFrame:
    numbers = ["expected", "received_n", "on_time_n"]
    counts = units.assign(
        expected=1,
        received_n=units["received"].astype(int),
        on_time_n=(units["received"] & units["on_time"].fillna(False)).astype(int),
    )
    by_kind = counts.groupby([ITEM, "kind"], sort=False)[numbers].sum()
    # An item without units still has its WHOLE row, of zeros.
    total = counts.groupby(ITEM)[numbers].sum().reindex(range(count), fill_value=0)
    total = total.assign(kind=WHOLE).set_index("kind", append=True)
    frame = pd.concat([by_kind, total]).reset_index().sort_values(ITEM, kind="stable")
    frame = frame.rename(columns={"received_n": "received", "on_time_n": "on_time"})
    frame = frame.astype({"expected": int, "received": int, "on_time": int})
    return pd.DataFrame(
        {
            ITEM: frame[ITEM],
            "kind": frame["kind"],
            "kind_label_vi": frame["kind"].map(KIND_LABELS_VI).fillna(frame["kind"]),
            "expected": frame["expected"],
            "received": frame["received"],
            "on_time": frame["on_time"],
            "late": frame["received"] - frame["on_time"],
            "missing": frame["expected"] - frame["received"],
            "reporting_rate": _percent(frame["received"], frame["expected"]),
            "on_time_reporting_rate": _percent(frame["on_time"], frame["expected"]),
        }
    )


def _completeness(
    units: pd.DataFrame, required: pd.DataFrame, matched: pd.DataFrame
) -> pd.DataFrame:
    required_rows = required.groupby([ITEM, "unit"]).size()
    valid_rows = matched.groupby([ITEM, "unit"]).size()
    frame = units[[ITEM, "unit", "name", "kind", "counted"]].assign(
        required_rows=_lookup(required_rows, units, "unit").fillna(0).astype(int),
        valid_rows=_lookup(valid_rows, units, "unit").fillna(0).astype(int),
    )
    share = _percent(frame["valid_rows"], frame["required_rows"])
    return frame.assign(completeness=share.where(frame["counted"]))


def _status_counts(
    rated: pd.DataFrame, by: str, keys: pd.DataFrame, labels: pd.Series, count: int
) -> tuple[pd.DataFrame, _Retyped]:
    """Long table of `by` x status with counts and shares, then WHOLE over all keys, for each
    of `count` items; `keys`: item and `by`, in order; `labels` by (item, `by`)."""
    listed = pd.concat(
        [keys[[ITEM, by]], pd.DataFrame({ITEM: np.arange(count), by: WHOLE})], ignore_index=True
    ).sort_values(ITEM, kind="stable")
    grid = listed.iloc[np.repeat(np.arange(len(listed)), len(STATUSES))].reset_index(drop=True)
    grid = grid.assign(status=pd.Series(list(STATUSES) * len(listed)))
    counts = pd.concat(
        [
            rated.groupby([ITEM, by, "status"]).size(),
            rated.assign(**{by: WHOLE}).groupby([ITEM, by, "status"]).size(),
        ]
    )
    tasks = counts.reindex(pd.MultiIndex.from_frame(grid[[ITEM, by, "status"]]), fill_value=0)
    frame = grid.assign(tasks=tasks.to_numpy())
    totals = frame.groupby([ITEM, by], sort=False)["tasks"].transform("sum")
    frame = frame.assign(
        share=_percent(frame["tasks"], totals),
        status_label_vi=frame["status"].map({s.value: s.label_vi for s in TaskStatus}),
        label=_lookup(labels, frame, by),
    )
    # An item's counts alone, when they hold every (key, status) of its grid in the grid's
    # order, are the grid itself: `reindex` then keeps them, and with them the types of the
    # task rows' columns (the status is `string`, not `str`).
    entries = counts.groupby(level=0).size().reindex(range(count), fill_value=0).to_numpy()
    rows = frame.groupby(ITEM).size().to_numpy()
    full = (frame["tasks"] > 0).groupby(frame[ITEM]).all().to_numpy()
    items, codes = keys[ITEM].to_numpy(), keys[by].to_numpy()
    unordered = np.zeros(count, dtype=bool)
    unordered[items[1:][(items[1:] == items[:-1]) & ~(codes[1:] > codes[:-1])]] = True
    in_order = ~unordered & (list(STATUSES) == sorted(STATUSES))
    types = {name: counts.index.get_level_values(name).dtype for name in (by, "status")}
    return frame, _Retyped(full & (entries == rows) & in_order, types)


def _implementation_index(
    matched: pd.DataFrame, weights: pd.Series, unit_order: pd.Series, dim_order: pd.Series
) -> pd.DataFrame:
    """`weights`, `unit_order`, `dim_order`: by (item, status / unit / dimension)."""
    rated = matched[matched["status"] != NOT_RATED]
    rated = rated.assign(weight=_lookup(weights, rated, "status").astype(float))
    by_dimension = rated.groupby([ITEM, "unit", "dimension"])["weight"].agg(["mean", "size"])
    by_unit = rated.groupby([ITEM, "unit"])["weight"].agg(["mean", "size"])
    per_unit = pd.concat(
        [by_dimension.reset_index(), by_unit.reset_index().assign(dimension=WHOLE)]
    ).assign(implementation_index=lambda f: f["mean"] * 10, rated_tasks=lambda f: f["size"])
    over_units = (
        per_unit.groupby([ITEM, "dimension"])["implementation_index"]
        .agg(implementation_index="mean", rated_tasks="size")
        .reset_index()
        .assign(unit=WHOLE)
    )
    columns = [ITEM, "unit", "dimension", "implementation_index", "rated_tasks"]
    frame = pd.concat([per_unit[columns], over_units[columns]], ignore_index=True)
    # WHOLE comes after every unit and every dimension of any item.
    last = len(unit_order) + len(dim_order) + 1
    frame = frame.assign(
        _u=_lookup(unit_order, frame, "unit").fillna(last),
        _d=_lookup(dim_order, frame, "dimension").fillna(last),
    )
    frame = frame.sort_values([ITEM, "_u", "_d"], kind="stable").drop(columns=["_u", "_d"])
    return frame.astype({"implementation_index": float, "rated_tasks": int}).reset_index(drop=True)


def _indicator_values(
    indicator_rows: pd.DataFrame, codes: np.ndarray, counted: pd.MultiIndex, owed: pd.DataFrame
) -> pd.DataFrame:
    """item, unit, indicator, value: the numbers counted reports gave for what was asked of
    them."""
    rows = _of_period(indicator_rows, codes)
    rows = rows[_keys(rows, "unit").isin(counted)]
    values = pd.to_numeric(rows["value"], errors="coerce")
    usable = values.notna() & ~rows["not_applicable"].fillna(False).astype(bool)
    rows = rows.assign(indicator=_text(rows["indicator"]), value=values)[usable]
    rows = rows[[ITEM, "unit", "indicator", "value"]].merge(owed, on=[ITEM, "unit", "indicator"])
    return rows.drop_duplicates([ITEM, "unit", "indicator"], keep="first")


def _sums(values: pd.DataFrame) -> pd.Series:
    """The sum of each (item, indicator)'s values, added as `Series.sum` adds them (numpy's
    pairwise summation, in row order): pandas' grouped sum compensates its rounding errors
    and can differ from it in the last digit."""
    ordered = values.sort_values([ITEM, "indicator"], kind="stable")
    items = ordered[ITEM].to_numpy()
    codes = ordered["indicator"].to_numpy()
    numbers = ordered["value"].to_numpy()
    new = np.ones(len(numbers), dtype=bool)
    new[1:] = (items[1:] != items[:-1]) | (codes[1:] != codes[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(numbers))[: len(starts)]
    return pd.Series(
        [np.add.reduce(numbers[start:end]) for start, end in zip(starts, ends, strict=True)],
        index=pd.MultiIndex.from_arrays([items[starts], codes[starts]]),
        dtype=numbers.dtype,
    )


def _aggregate(plan_indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """item, indicator, value, units_reporting: each indicator aggregated over units."""
    by_indicator = values.groupby([ITEM, "indicator"])["value"]
    ratios = plan_indicators.loc[
        plan_indicators["aggregate_units"] == UnitAggregation.RATIO_OF_SUMS.value,
        [ITEM, "indicator", "numerator", "denominator"],
    ]
    both = ratios.merge(
        values.rename(columns={"indicator": "numerator", "value": "num"}), on=[ITEM, "numerator"]
    ).merge(
        values.rename(columns={"indicator": "denominator", "value": "den"}),
        on=[ITEM, "denominator", "unit"],
    )
    pairs = both.groupby([ITEM, "indicator"])
    ratio_value = _percent(pairs["num"].sum(), pairs["den"].sum())
    kind = plan_indicators["aggregate_units"]
    value = np.select(
        [kind == "sum", kind == "mean", kind == UnitAggregation.RATIO_OF_SUMS.value],
        [
            _lookup(_sums(values), plan_indicators, "indicator").astype(float),
            _lookup(by_indicator.mean(), plan_indicators, "indicator").astype(float),
            _lookup(ratio_value, plan_indicators, "indicator").astype(float),
        ],
        default=np.nan,
    )
    units_reporting = np.where(
        kind == UnitAggregation.RATIO_OF_SUMS.value,
        _lookup(pairs.size(), plan_indicators, "indicator").fillna(0),
        _lookup(by_indicator.count(), plan_indicators, "indicator").fillna(0),
    )
    return pd.DataFrame(
        {
            ITEM: plan_indicators[ITEM],
            "indicator": plan_indicators["indicator"],
            "value": value,
            "units_reporting": units_reporting.astype(int),
        }
    )


def _previous_period(plan: Plan, period: calendar.Period) -> calendar.Period | None:
    earlier = [
        p
        for p in calendar.periods(plan, period.year)
        if p.consolidated_deadline < period.consolidated_deadline
    ]
    return earlier[-1] if earlier else None


def _trend(change: pd.Series, better: pd.Series) -> pd.Series:
    """ "improved", "worsened" or "unchanged" by the indicator's `better`; None without a
    change. A change smaller than the precision figures are reported at (one decimal) is no
    change: "+0,0" is never an improvement."""
    sign = np.sign(change.round(CHANGE_DECIMALS)) * np.where(better == "lower", -1, 1)
    trend = pd.Series(
        np.select([sign > 0, sign < 0, sign == 0], ["improved", "worsened", "unchanged"], ""),
        index=change.index,
    )
    return trend.astype(object).where(change.notna(), None)


def _aggregate_of(
    plan_indicators: pd.DataFrame,
    owed: pd.DataFrame,
    inputs: _Stacked,
    codes: np.ndarray,
) -> pd.Series:
    """Each indicator's aggregate over the counted reports of its item's period in `codes`
    (NaN without a period, or without a counted report)."""
    if not any(codes):  # no item has one (the first period of a year): spare the frames
        return pd.Series(np.nan, index=plan_indicators.index)
    counted = _counted_units(inputs.submissions, codes)
    values = _indicator_values(inputs.indicator_rows, codes, counted, owed)
    return _aggregate(plan_indicators, values)["value"].astype(float)


def _indicators(batch: _Batch, inputs: _Stacked, counted: pd.MultiIndex) -> pd.DataFrame:
    plan_indicators = _stacked([_plan_indicators(plan) for plan in batch.plans])
    owed = _stacked([_indicator_units(plan) for plan in batch.plans])
    now = _aggregate(
        plan_indicators, _indicator_values(inputs.indicator_rows, batch.codes, counted, owed)
    )
    before = _aggregate_of(plan_indicators, owed, inputs, batch.previous_codes)
    year_ago = _aggregate_of(plan_indicators, owed, inputs, batch.year_ago_codes)
    change = now["value"] - before
    year_ago_change = now["value"] - year_ago
    better = plan_indicators["better"]
    cumulative = plan_indicators["aggregate_periods"] == "cumulative"
    # A sum since New Year over a shorter span than the year-earlier one (2019-Q1 against
    # the whole of 2018) is bound to be smaller: it is given as a share, not judged. A rate
    # or a mean of such sums is judged.
    grows = cumulative & (plan_indicators["aggregate_units"] == UnitAggregation.SUM.value)
    judged = ~grows | batch.same_kind_a_year_ago[plan_indicators[ITEM].to_numpy()]
    return plan_indicators.drop(columns=["numerator", "denominator"]).assign(
        value=now["value"],
        units_reporting=now["units_reporting"],
        previous_value=before,
        change=change.astype(float),
        year_to_date=now["value"].where(cumulative),
        trend=_trend(change, better),
        year_ago_value=year_ago,
        year_ago_change=year_ago_change.astype(float),
        year_ago_trend=_trend(year_ago_change, better).where(judged, None),
        year_ago_ratio=_percent(now["value"], year_ago).astype(float),
    )


def _ward_ranking(units: pd.DataFrame, completeness: pd.Series, index: pd.Series) -> pd.DataFrame:
    """`completeness`, `index`: by (item, unit)."""
    wards = units[units["kind"] == "ward"]
    frame = pd.DataFrame(
        {
            ITEM: wards[ITEM],
            "unit": wards["unit"],
            "name": wards["name"],
            "implementation_index": _lookup(index, wards, "unit").astype(float),
            "completeness": _lookup(completeness, wards, "unit").astype(float),
            "on_time": wards["on_time"],
            "_counted": wards["counted"],
            "_received_at": wards["received_at"],
        }
    )
    frame = frame.assign(_ranked=frame["_counted"] & frame["implementation_index"].notna())
    frame = frame.sort_values(
        [
            ITEM,
            "_ranked",
            "implementation_index",
            "on_time",
            "completeness",
            "_received_at",
            "unit",
        ],
        ascending=[True, False, False, False, False, True, True],
        na_position="last",
        kind="stable",
    )
    ranks = frame.groupby(ITEM)["_ranked"].cumsum().where(frame["_ranked"])
    frame = frame.assign(rank=ranks.astype("Int64"))
    columns = [ITEM, "rank", "unit", "name", "implementation_index", "completeness", "on_time"]
    return frame[columns].reset_index(drop=True)


def _shows_idle(period: calendar.Period) -> bool:
    """Whether tasks still "chua_trien_khai" lag: in a period whose span ends after 30 June."""
    return period.ends > dt.date(period.ends.year, 6, 30)


def _lagging(units: pd.DataFrame, matched: pd.DataFrame, shows_idle: bool) -> pd.DataFrame:
    late = units[units["received"] & units["on_time"].eq(False).fillna(False)]
    late_rows = late.assign(
        reason="late",
        task="",
        detail_vi="Nộp báo cáo trễ hạn (nhận lúc "
        + late["received_at"].dt.strftime("%H:%M ngày %d/%m/%Y").fillna("?")
        + ")",
    )
    left = units[units["left_out_reason"].notna()]
    left_rows = left.assign(
        reason=left["left_out_reason"], task="", detail_vi=left["left_out_reason_vi"]
    )
    parts = [late_rows, left_rows]
    if shows_idle:
        idle = matched[matched["status"] == NOT_STARTED]
        idle = idle.merge(units[[ITEM, "unit", "name", "kind", "order"]], on=[ITEM, "unit"])
        parts.append(
            idle.assign(
                reason="not_started",
                detail_vi="Nhiệm vụ " + idle["task"] + " chưa triển khai khi đã qua giữa năm",
            )
        )
    reasons = ["late", "missing", "invalid", "not_validated", "not_started"]
    columns = [ITEM, "unit", "name", "kind", "reason", "task", "detail_vi"]
    frame = pd.concat([p[[*columns, "order"]] for p in parts], ignore_index=True)
    frame = frame.assign(_r=frame["reason"].map({r: i for i, r in enumerate(reasons)}))
    frame = frame.sort_values([ITEM, "order", "_r", "task"], kind="stable")
    return frame[columns].reset_index(drop=True)


def _left_out(units: pd.DataFrame) -> pd.DataFrame:
    left = units[units["received"] & ~units["counted"]]
    return pd.DataFrame(
        {
            ITEM: left[ITEM],
            "unit": left["unit"],
            "name": left["name"],
            "version": left["version"],
            "status": left["status"],
            "reason": left["left_out_reason"],
            "open_findings": left["open_findings"],
            "reason_vi": left["left_out_reason_vi"],
        }
    ).reset_index(drop=True)


def _texts(
    task_rows: pd.DataFrame,
    codes: np.ndarray,
    units: pd.DataFrame,
    plan_tasks: pd.DataFrame,
    columns: tuple[str, ...],
) -> dict[str, pd.DataFrame]:
    """item, unit, name, task, dimension, text: what counted reports wrote in each of
    `columns`, by unit in plan order."""
    counted = units.loc[units["counted"], [ITEM, "unit", "name", "order"]]
    rows = _of_period(task_rows, codes)
    rows = rows[_keys(rows, "unit").isin(_keys(counted, "unit"))]
    rows = rows.assign(task=_text(rows["task"]).fillna(""))
    dimension_of = plan_tasks.set_index([ITEM, "task"])["dimension"]
    found = {}
    for column in columns:
        part = rows.assign(text=_text(rows[column]))
        part = part[part["text"].fillna("") != ""].merge(counted, on=[ITEM, "unit"])
        part = part.assign(dimension=_lookup(dimension_of, part, "task"))
        part = part.sort_values([ITEM, "order"], kind="stable")
        frame = part[[ITEM, "unit", "name", "task", "dimension", "text"]].reset_index(drop=True)
        found[column] = frame.astype({"task": object, "text": object, "dimension": object})
    return found


_PapiContext = tuple[pd.DataFrame, int | None, str | None]
_PAPI_CONTEXTS: dict[tuple[int, int, calendar.Period], _PapiContext] = {}


def _papi_context(
    scores: pd.DataFrame | None, targets: pd.DataFrame | None, period: calendar.Period
) -> _PapiContext:
    """The city's PAPI context of the period, worked out once per (scores, targets, period):
    every district of a run reads the same reference frames (`metrics.load.reference`), and
    at a few rows their fixed costs are a district's ten milliseconds. Each caller gets a
    copy of the frame. An entry is dropped with its frames, so an id reused by a later frame
    never finds it (like `papi_etl.plan.derived.per_plan`)."""
    key = (id(scores), id(targets), period)
    if key not in _PAPI_CONTEXTS:
        _PAPI_CONTEXTS[key] = _work_out_papi_context(scores, targets, period)
        for frame in (scores, targets):
            if frame is not None:
                weakref.finalize(frame, _PAPI_CONTEXTS.pop, key, None)
    frame, year, estimate = _PAPI_CONTEXTS[key]
    return frame.copy(), year, estimate


def _work_out_papi_context(
    scores: pd.DataFrame | None, targets: pd.DataFrame | None, period: calendar.Period
) -> _PapiContext:
    columns = ["dimension", "score", "target", "target_op", "meets_target", "year", "estimate"]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    if scores is None or scores.empty:
        return empty, None, None
    month, day = PAPI_AVAILABLE_FROM
    available_from = pd.to_datetime(
        {"year": scores["year"].astype(int) + 1, "month": month, "day": day}
    ).dt.date
    usable = scores[available_from <= period.ends]
    if usable.empty:
        return empty, None, None
    year = int(usable["year"].max())
    row = usable[usable["year"] == year].iloc[0]
    dims = [c for c in scores.columns if (c.startswith("D") and c[1:].isdigit()) or c == "total"]
    frame = pd.DataFrame(
        {"dimension": dims, "score": pd.to_numeric(row[dims], errors="coerce").to_numpy()}
    )
    frame = frame[frame["score"].notna()]
    if targets is not None and not targets.empty:
        live = targets[
            (targets["from_year"].astype(int) <= period.year)
            & (targets["to_year"].astype(int) >= period.year)
        ]
        live = live.drop_duplicates("dimension")[["dimension", "operator", "target"]]
        frame = frame.merge(live, on="dimension", how="left")
    else:
        frame = frame.assign(operator=None, target=np.nan)
    target = pd.to_numeric(frame["target"], errors="coerce")
    meets = pd.Series(
        np.select(
            [frame["operator"] == ">", frame["operator"] == ">=", frame["operator"] == "<="],
            [frame["score"] > target, frame["score"] >= target, frame["score"] <= target],
            default=False,
        ),
        index=frame.index,
    ).astype("boolean")
    frame = frame.assign(
        target=target,
        target_op=frame["operator"].astype(object).where(target.notna(), None),
        meets_target=meets.where(target.notna(), pd.NA),
        year=year,
        estimate=str(row["estimate"]),
    )
    return frame[columns].reset_index(drop=True), year, str(row["estimate"])


# --- the whole ------------------------------------------------------------------------


def compute(plan: Plan, period: calendar.Period, inputs: MetricInputs) -> PeriodMetrics:
    """The metrics of `period` (see the module docstring for every definition).

    `inputs` holds the current submissions of the period and of the earlier periods of its
    year (for the change of indicators); frames are never modified.
    """
    return compute_plans([(plan, period, inputs)])[0]


def compute_plans(
    items: Sequence[tuple[Plan, calendar.Period, MetricInputs]],
) -> list[PeriodMetrics]:
    """`compute(plan, period, inputs)` of each item, in order, with the same results, worked
    out together: a district's rows are few, and each of the ~150 pandas calls of its metrics
    costs more than its rows, so a city's or a country's districts are computed in one pass
    per step over all their rows (each row keeps its item's position), then split.

    Items may differ in everything (plans, units, calendars, periods, status weights).
    Each item's frames have the columns and types it would get alone: items whose results
    pandas would type differently (`_shape`) are computed in separate passes, and the few
    frames pandas types after what an item's own rows hold are retyped (`_Retyped`)."""
    shapes: dict[tuple[Any, ...], list[int]] = {}
    for position, (plan, period, inputs) in enumerate(items):
        shapes.setdefault(_shape(plan, period, inputs), []).append(position)
    found: dict[int, PeriodMetrics] = {}
    for positions in shapes.values():
        together = _compute_together([items[p] for p in positions])
        found.update(zip(positions, together, strict=True))
    return [found[position] for position in range(len(items))]


@per_plan
def _plan_shape(plan: Plan) -> tuple[Any, ...]:
    frames = (
        _expected_units(plan),
        _required(plan),
        _dimensions(plan),
        _plan_tasks(plan),
        _plan_indicators(plan),
        _indicator_units(plan),
    )
    return tuple(tuple(frame.dtypes.items()) for frame in frames)


def _shape(plan: Plan, period: calendar.Period, inputs: MetricInputs) -> tuple[Any, ...]:
    """What, besides the values, decides the column types of an item's results: the column
    types of its frames (pandas types a result after what it comes from, e.g. an empty
    input's `object` columns, a filled one's `str`; and a stacked column has one type), the
    time zone its arrival times are shown in, and whether its `lagging` has the
    "not_started" part."""
    return (
        plan.calendar.timezone,
        _shows_idle(period),
        _plan_shape(plan),
        *(
            tuple(frame.dtypes.items())
            for frame in (inputs.submissions, inputs.task_rows, inputs.indicator_rows)
        ),
    )


def _compute_together(
    items: Sequence[tuple[Plan, calendar.Period, MetricInputs]],
) -> list[PeriodMetrics]:
    """`compute_plans` of items of one `_shape`."""
    count = len(items)
    plans = [plan for plan, _, _ in items]
    periods = [period for _, period, _ in items]
    previous = [_previous_period(plan, period) for plan, period, _ in items]
    year_ago = [calendar.year_ago(plan, period) for plan, period, _ in items]
    batch = _Batch(
        plans=plans,
        codes=_codes(periods),
        previous_codes=_codes(previous),
        year_ago_codes=_codes(year_ago),
        same_kind_a_year_ago=np.array(
            [e is not None and e.kind == p.kind for e, p in zip(year_ago, periods, strict=True)],
            dtype=bool,
        ),
    )
    inputs = _Stacked(
        submissions=_stacked([given.submissions for _, _, given in items]),
        task_rows=_stacked([given.task_rows for _, _, given in items]),
        indicator_rows=_stacked([given.indicator_rows for _, _, given in items]),
    )
    zone = plans[0].calendar.timezone  # one per shape
    expected = _stacked([_expected_units(plan) for plan in plans])
    required = _stacked([_required(plan) for plan in plans])
    dimensions = _stacked([_dimensions(plan) for plan in plans])
    plan_tasks = _stacked([_plan_tasks(plan) for plan in plans])
    weights = [plan.status_weights.model_dump() for plan in plans]
    weight_of = pd.Series(
        [weight for of_plan in weights for weight in of_plan.values()],
        index=pd.MultiIndex.from_tuples(
            [(item, status) for item, of_plan in enumerate(weights) for status in of_plan]
        ),
        dtype=float,
    )

    units = _unit_table(expected, _current(inputs.submissions, batch.codes), zone)
    units_ordered = units.assign(order=expected["order"].to_numpy())
    counted = _keys(units[units["counted"]], "unit")
    given = _given_rows(inputs.task_rows, batch.codes, counted)
    matched = _matched_rows(given, required)

    reporting = _reporting(units, count)
    total = reporting.drop_duplicates(ITEM, keep="last")  # each item's WHOLE row
    completeness = _completeness(units, required, matched)
    counted_rows = (
        completeness[completeness["counted"]]
        .groupby(ITEM)[["valid_rows", "required_rows"]]
        .sum()
        .reindex(range(count), fill_value=0)
    )

    dim_labels = dimensions.set_index([ITEM, "dimension"])["dimension_name_vi"]
    by_dimension, by_dimension_retyped = _status_counts(
        matched, "dimension", dimensions, dim_labels, count
    )
    by_dimension = by_dimension.rename(columns={"label": "dimension_name_vi"})
    by_dimension.loc[by_dimension["dimension"] == WHOLE, "dimension_name_vi"] = "Tất cả"
    by_dimension = by_dimension[
        [ITEM, "dimension", "dimension_name_vi", "status", "status_label_vi", "tasks", "share"]
    ]
    unit_names = units.set_index([ITEM, "unit"])["name"]
    by_unit, by_unit_retyped = _status_counts(
        matched, "unit", units[units["counted"]], unit_names, count
    )
    by_unit = by_unit.rename(columns={"label": "name"})
    by_unit.loc[by_unit["unit"] == WHOLE, "name"] = KIND_LABELS_VI[WHOLE]
    by_unit = by_unit[[ITEM, "unit", "name", "status", "status_label_vi", "tasks", "share"]]

    index = _implementation_index(
        matched,
        weight_of,
        expected.set_index([ITEM, "unit"])["order"],
        dimensions.set_index([ITEM, "dimension"])["order"],
    )
    whole_unit = index["unit"] == WHOLE
    whole_dimension = index["dimension"] == WHOLE
    overall = (
        index.loc[whole_unit & whole_dimension]
        .set_index(ITEM)["implementation_index"]
        .reindex(range(count))
    )
    unit_index = index.loc[~whole_unit & whole_dimension].set_index([ITEM, "unit"])

    ranking = _ward_ranking(
        units,
        completeness.set_index([ITEM, "unit"])["completeness"],
        unit_index["implementation_index"],
    )
    texts = _texts(
        inputs.task_rows, batch.codes, units_ordered, plan_tasks, ("difficulties", "proposals")
    )
    shows_idle = _shows_idle(periods[0])  # one per shape
    lagging = _lagging(units_ordered, matched, shows_idle)
    # Alone, the matched rows of an item without a valid task row are typed after its task
    # rows (pandas types a merge with an empty left side after that side), and so is the
    # "not_started" part of its lagging.
    alone = _lagging(units_ordered.iloc[:0], _matched_rows(given.iloc[:0], required), shows_idle)
    without_rows = ~np.isin(np.arange(count), given[ITEM].to_numpy())
    retyped = {
        "task_status_by_dimension": by_dimension_retyped,
        "task_status_by_unit": by_unit_retyped,
        "lagging": _Retyped(without_rows, dict(alone.dtypes.drop(ITEM))),
    }
    frames = {
        "reporting": reporting,
        "units": units,
        "completeness": completeness,
        "task_status_by_dimension": by_dimension,
        "task_status_by_unit": by_unit,
        "implementation_index": index,
        "indicators": _indicators(batch, inputs, counted),
        "ward_ranking": ranking,
        "lagging": lagging,
        "left_out": _left_out(units),
        "difficulties": texts["difficulties"],
        "proposals": texts["proposals"],
    }
    split = {name: _split(frame, count, retyped.get(name)) for name, frame in frames.items()}
    found = []
    for item, (plan, period, given) in enumerate(items):
        scores, papi_year, papi_estimate = _papi_context(
            given.papi_scores, given.papi_targets, period
        )
        before, earlier = previous[item], year_ago[item]
        found.append(
            PeriodMetrics(
                plan_id=plan.id,
                period_code=period.code,
                period_label=period.label_vi,
                period_starts=period.starts,
                period_ends=period.ends,
                unit_deadline=period.unit_deadline,
                expected=int(total["expected"].iloc[item]),
                received=int(total["received"].iloc[item]),
                on_time=int(total["on_time"].iloc[item]),
                reporting_rate=float(total["reporting_rate"].iloc[item]),
                on_time_reporting_rate=float(total["on_time_reporting_rate"].iloc[item]),
                completeness_rate=float(
                    _percent(
                        counted_rows["valid_rows"].iloc[item],
                        counted_rows["required_rows"].iloc[item],
                    )
                ),
                implementation_index_overall=float(overall.iloc[item]),
                papi_context=scores,
                papi_year=papi_year,
                papi_estimate=papi_estimate,
                papi_published_by=period.ends,
                status_weights=weights[item],
                previous_period=before.code if before else None,
                previous_label=before.label_vi if before else None,
                year_ago_period=earlier.code if earlier else None,
                year_ago_label=earlier.label_vi if earlier else None,
                **{name: parts[item] for name, parts in split.items()},
            )
        )
    return found
