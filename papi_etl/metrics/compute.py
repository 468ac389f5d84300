"""The metrics of one period, computed from plain frames: `compute(plan, period, inputs)`.

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
from dataclasses import dataclass, field

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
        {"unit": u.code, "task": t.code}
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
    dimension_of = _plan_tasks(plan).set_index("task")["dimension"]
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
        {"unit": u.code, "indicator": x.code}
        for x in plan.indicators
        for u in assignments.indicator_reporting_units(plan, x)
    ]
    return pd.DataFrame(rows, columns=["unit", "indicator"])


# --- helpers --------------------------------------------------------------------------


def _percent(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator x 100, NaN where the denominator is 0."""
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0) * 100
    return float(numerator) / denominator * 100 if denominator else float("nan")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip()


def _current(inputs: MetricInputs, period_code: str) -> pd.DataFrame:
    subs = inputs.submissions
    subs = subs[(subs["period"] == period_code) & (subs["status"] != SUPERSEDED)]
    return subs.sort_values("version").drop_duplicates("unit", keep="last")


def _counted_units(inputs: MetricInputs, period_code: str) -> pd.Series:
    current = _current(inputs, period_code)
    return current.loc[current["status"].isin(COUNTED), "unit"]


def _matched_rows(
    inputs: MetricInputs, period_code: str, counted: pd.Series, required: pd.DataFrame
) -> pd.DataFrame:
    """unit, task, dimension, status, result, evidence: the valid task rows of counted
    reports, once each."""
    rows = inputs.task_rows
    rows = rows[(rows["period"] == period_code) & rows["unit"].isin(counted)]
    rows = rows.assign(
        task=_text(rows["task"]),
        status=_text(rows["status"]),
        result=_text(rows["result"]).fillna(""),
        evidence=_text(rows["evidence"]).fillna(""),
    )
    rows = rows[rows["status"].isin(STATUSES)]
    given = rows[["unit", "task", "status", "result", "evidence"]]
    matched = given.merge(required, on=["unit", "task"], how="inner")
    matched = matched.drop_duplicates(["unit", "task"], keep="first").reset_index(drop=True)
    return matched[list(COUNTED_TASK_ROW_COLUMNS)].astype({"result": object, "evidence": object})


def counted_task_rows(plan: Plan, metrics: PeriodMetrics, inputs: MetricInputs) -> pd.DataFrame:
    """The task rows the metrics of `metrics`' period count (counted reports, a task the unit
    must report, one of the four statuses, a task given twice counted once), with what the
    unit wrote: columns unit, task, dimension, status, result, evidence, in the order given.
    `inputs` must be those the metrics were computed from."""
    counted = metrics.units.loc[metrics.units["counted"], "unit"]
    return _matched_rows(inputs, metrics.period_code, counted, _required(plan))


# --- the parts ------------------------------------------------------------------------


def _unit_table(expected: pd.DataFrame, current: pd.DataFrame, zone: str) -> pd.DataFrame:
    sent = current[["unit", "version", "status", "on_time", "received_at", "open_findings"]]
    table = expected.merge(sent, on="unit", how="left", validate="one_to_one")
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


def _reporting(units: pd.DataFrame) -> pd.DataFrame:
    counts = units.assign(
        expected=1,
        received_n=units["received"].astype(int),
        on_time_n=(units["received"] & units["on_time"].fillna(False)).astype(int),
    )
    by_kind = counts.groupby("kind", sort=False)[["expected", "received_n", "on_time_n"]].sum()
    total = counts[["expected", "received_n", "on_time_n"]].sum().to_frame(WHOLE).T
    frame = pd.concat([by_kind, total]).rename_axis("kind").reset_index()
    frame = frame.rename(columns={"received_n": "received", "on_time_n": "on_time"})
    frame = frame.astype({"expected": int, "received": int, "on_time": int})
    return pd.DataFrame(
        {
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
    required_rows = required.groupby("unit").size()
    valid_rows = matched.groupby("unit").size()
    frame = units[["unit", "name", "kind", "counted"]].assign(
        required_rows=units["unit"].map(required_rows).fillna(0).astype(int),
        valid_rows=units["unit"].map(valid_rows).fillna(0).astype(int),
    )
    share = _percent(frame["valid_rows"], frame["required_rows"])
    return frame.assign(completeness=share.where(frame["counted"]))


def _status_counts(
    rated: pd.DataFrame, by: str, keys: pd.Series, labels: pd.Series
) -> pd.DataFrame:
    """Long table of `by` x status with counts and shares, then WHOLE over all keys."""
    grid = pd.MultiIndex.from_product([list(keys) + [WHOLE], list(STATUSES)], names=[by, "status"])
    counts = pd.concat(
        [
            rated.groupby([by, "status"]).size(),
            rated.assign(**{by: WHOLE}).groupby([by, "status"]).size(),
        ]
    )
    frame = counts.reindex(grid, fill_value=0).rename("tasks").reset_index()
    totals = frame.groupby(by, sort=False)["tasks"].transform("sum")
    return frame.assign(
        share=_percent(frame["tasks"], totals),
        status_label_vi=frame["status"].map({s.value: s.label_vi for s in TaskStatus}),
        label=frame[by].map(labels),
    )


def _implementation_index(
    matched: pd.DataFrame, weights: dict[str, float], unit_order: pd.Series, dim_order: pd.Series
) -> pd.DataFrame:
    rated = matched[matched["status"] != NOT_RATED]
    rated = rated.assign(weight=rated["status"].map(weights).astype(float))
    by_dimension = rated.groupby(["unit", "dimension"])["weight"].agg(["mean", "size"])
    by_unit = rated.groupby("unit")["weight"].agg(["mean", "size"])
    per_unit = pd.concat(
        [by_dimension.reset_index(), by_unit.reset_index().assign(dimension=WHOLE)]
    ).assign(implementation_index=lambda f: f["mean"] * 10, rated_tasks=lambda f: f["size"])
    over_units = (
        per_unit.groupby("dimension")["implementation_index"]
        .agg(implementation_index="mean", rated_tasks="size")
        .reset_index()
        .assign(unit=WHOLE)
    )
    frame = pd.concat(
        [
            per_unit[["unit", "dimension", "implementation_index", "rated_tasks"]],
            over_units[["unit", "dimension", "implementation_index", "rated_tasks"]],
        ],
        ignore_index=True,
    )
    last = len(unit_order) + len(dim_order) + 1
    frame = frame.assign(
        _u=frame["unit"].map(unit_order).fillna(last),
        _d=frame["dimension"].map(dim_order).fillna(last),
    )
    frame = frame.sort_values(["_u", "_d"], kind="stable").drop(columns=["_u", "_d"])
    return frame.astype({"implementation_index": float, "rated_tasks": int}).reset_index(drop=True)


def _indicator_values(
    inputs: MetricInputs, period_code: str, counted: pd.Series, owed: pd.DataFrame
) -> pd.DataFrame:
    """unit, indicator, value: the numbers counted reports gave for what was asked of them."""
    rows = inputs.indicator_rows
    rows = rows[(rows["period"] == period_code) & rows["unit"].isin(counted)]
    values = pd.to_numeric(rows["value"], errors="coerce")
    usable = values.notna() & ~rows["not_applicable"].fillna(False).astype(bool)
    rows = rows.assign(indicator=_text(rows["indicator"]), value=values)[usable]
    rows = rows[["unit", "indicator", "value"]].merge(owed, on=["unit", "indicator"])
    return rows.drop_duplicates(["unit", "indicator"], keep="first")


def _aggregate(plan_indicators: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """indicator, value, units_reporting: each indicator aggregated over units."""
    # One call per aggregate: named aggregation costs more than a district's rows.
    by_indicator = values.groupby("indicator")["value"]
    sums = by_indicator.agg(lambda v: v.sum(min_count=1))
    ratios = plan_indicators.loc[
        plan_indicators["aggregate_units"] == UnitAggregation.RATIO_OF_SUMS.value,
        ["indicator", "numerator", "denominator"],
    ]
    both = ratios.merge(
        values.rename(columns={"indicator": "numerator", "value": "num"}), on="numerator"
    ).merge(
        values.rename(columns={"indicator": "denominator", "value": "den"}),
        on=["denominator", "unit"],
    )
    pairs = both.groupby("indicator")
    ratio_value = _percent(pairs["num"].sum(), pairs["den"].sum())
    code = plan_indicators["indicator"]
    kind = plan_indicators["aggregate_units"]
    value = np.select(
        [kind == "sum", kind == "mean", kind == UnitAggregation.RATIO_OF_SUMS.value],
        [
            code.map(sums).astype(float),
            code.map(by_indicator.mean()).astype(float),
            code.map(ratio_value).astype(float),
        ],
        default=np.nan,
    )
    units_reporting = np.where(
        kind == UnitAggregation.RATIO_OF_SUMS.value,
        code.map(pairs.size()).fillna(0),
        code.map(by_indicator.count()).fillna(0),
    )
    return pd.DataFrame(
        {"indicator": code, "value": value, "units_reporting": units_reporting.astype(int)}
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
    inputs: MetricInputs,
    period: calendar.Period | None,
) -> pd.Series:
    """Each indicator's aggregate over the counted reports of `period` (NaN without one)."""
    if period is None:
        return pd.Series(np.nan, index=plan_indicators.index)
    counted = _counted_units(inputs, period.code)
    if counted.empty:  # no counted report, no value: spare the frames (the first period)
        return pd.Series(np.nan, index=plan_indicators.index)
    values = _indicator_values(inputs, period.code, counted, owed)
    return _aggregate(plan_indicators, values)["value"].astype(float)


def _indicators(
    plan: Plan, period: calendar.Period, inputs: MetricInputs, counted: pd.Series
) -> pd.DataFrame:
    plan_indicators = _plan_indicators(plan)
    owed = _indicator_units(plan)
    now = _aggregate(plan_indicators, _indicator_values(inputs, period.code, counted, owed))
    before = _aggregate_of(plan_indicators, owed, inputs, _previous_period(plan, period))
    earlier = calendar.year_ago(plan, period)
    year_ago = _aggregate_of(plan_indicators, owed, inputs, earlier)
    change = now["value"] - before
    year_ago_change = now["value"] - year_ago
    better = plan_indicators["better"]
    cumulative = plan_indicators["aggregate_periods"] == "cumulative"
    # A sum since New Year over a shorter span than the year-earlier one (2019-Q1 against
    # the whole of 2018) is bound to be smaller: it is given as a share, not judged. A rate
    # or a mean of such sums is judged.
    grows = cumulative & (plan_indicators["aggregate_units"] == UnitAggregation.SUM.value)
    judged = ~grows | (earlier is not None and earlier.kind == period.kind)
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
    wards = units[units["kind"] == "ward"]
    frame = pd.DataFrame(
        {
            "unit": wards["unit"],
            "name": wards["name"],
            "implementation_index": wards["unit"].map(index).astype(float),
            "completeness": wards["unit"].map(completeness).astype(float),
            "on_time": wards["on_time"],
            "_counted": wards["counted"],
            "_received_at": wards["received_at"],
        }
    )
    frame = frame.assign(_ranked=frame["_counted"] & frame["implementation_index"].notna())
    frame = frame.sort_values(
        ["_ranked", "implementation_index", "on_time", "completeness", "_received_at", "unit"],
        ascending=[False, False, False, False, True, True],
        na_position="last",
        kind="stable",
    )
    ranks = frame["_ranked"].cumsum().where(frame["_ranked"])
    frame = frame.assign(rank=ranks.astype("Int64"))
    columns = ["rank", "unit", "name", "implementation_index", "completeness", "on_time"]
    return frame[columns].reset_index(drop=True)


def _lagging(units: pd.DataFrame, matched: pd.DataFrame, period: calendar.Period) -> pd.DataFrame:
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
    if period.ends > dt.date(period.ends.year, 6, 30):
        idle = matched[matched["status"] == NOT_STARTED]
        idle = idle.merge(units[["unit", "name", "kind", "order"]], on="unit")
        parts.append(
            idle.assign(
                reason="not_started",
                detail_vi="Nhiệm vụ " + idle["task"] + " chưa triển khai khi đã qua giữa năm",
            )
        )
    reasons = ["late", "missing", "invalid", "not_validated", "not_started"]
    columns = ["unit", "name", "kind", "reason", "task", "detail_vi"]
    frame = pd.concat([p[[*columns, "order"]] for p in parts], ignore_index=True)
    frame = frame.assign(_r=frame["reason"].map({r: i for i, r in enumerate(reasons)}))
    frame = frame.sort_values(["order", "_r", "task"], kind="stable")
    return frame[columns].reset_index(drop=True)


def _left_out(units: pd.DataFrame) -> pd.DataFrame:
    left = units[units["received"] & ~units["counted"]]
    return pd.DataFrame(
        {
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
    inputs: MetricInputs,
    period_code: str,
    units: pd.DataFrame,
    plan_tasks: pd.DataFrame,
    columns: tuple[str, ...],
) -> dict[str, pd.DataFrame]:
    """unit, name, task, dimension, text: what counted reports wrote in each of `columns`,
    by unit in plan order."""
    counted = units.loc[units["counted"], ["unit", "name", "order"]]
    rows = inputs.task_rows
    rows = rows[(rows["period"] == period_code) & rows["unit"].isin(counted["unit"])]
    rows = rows.assign(task=_text(rows["task"]).fillna(""))
    dimension_of = plan_tasks.set_index("task")["dimension"]
    found = {}
    for column in columns:
        part = rows.assign(text=_text(rows[column]))
        part = part[part["text"].fillna("") != ""].merge(counted, on="unit")
        part = part.assign(dimension=part["task"].map(dimension_of))
        part = part.sort_values("order", kind="stable")
        frame = part[["unit", "name", "task", "dimension", "text"]].reset_index(drop=True)
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
    zone = plan.calendar.timezone
    previous = _previous_period(plan, period)
    year_ago = calendar.year_ago(plan, period)
    expected = _expected_units(plan)
    required = _required(plan)
    dimensions = _dimensions(plan)
    plan_tasks = _plan_tasks(plan)

    units = _unit_table(expected, _current(inputs, period.code), zone)
    units_ordered = units.assign(order=expected["order"].to_numpy())
    counted = units.loc[units["counted"], "unit"]
    matched = _matched_rows(inputs, period.code, counted, required)

    reporting = _reporting(units)
    total = reporting.iloc[-1]
    completeness = _completeness(units, required, matched)
    counted_completeness = completeness[completeness["counted"]]
    completeness_rate = _percent(
        counted_completeness["valid_rows"].sum(), counted_completeness["required_rows"].sum()
    )

    dim_labels = dimensions.set_index("dimension")["dimension_name_vi"]
    by_dimension = _status_counts(matched, "dimension", dimensions["dimension"], dim_labels).rename(
        columns={"label": "dimension_name_vi"}
    )
    by_dimension.loc[by_dimension["dimension"] == WHOLE, "dimension_name_vi"] = "Tất cả"
    by_dimension = by_dimension[
        ["dimension", "dimension_name_vi", "status", "status_label_vi", "tasks", "share"]
    ]
    by_unit = _status_counts(matched, "unit", counted, units.set_index("unit")["name"]).rename(
        columns={"label": "name"}
    )
    by_unit.loc[by_unit["unit"] == WHOLE, "name"] = KIND_LABELS_VI[WHOLE]
    by_unit = by_unit[["unit", "name", "status", "status_label_vi", "tasks", "share"]]

    weights = plan.status_weights.model_dump()
    index = _implementation_index(
        matched,
        weights,
        expected.set_index("unit")["order"],
        dimensions.set_index("dimension")["order"],
    )
    overall = index[(index["unit"] == WHOLE) & (index["dimension"] == WHOLE)]
    unit_index = index[(index["unit"] != WHOLE) & (index["dimension"] == WHOLE)].set_index("unit")

    ranking = _ward_ranking(
        units,
        completeness.set_index("unit")["completeness"],
        unit_index["implementation_index"],
    )
    texts = _texts(inputs, period.code, units_ordered, plan_tasks, ("difficulties", "proposals"))
    scores, papi_year, papi_estimate = _papi_context(
        inputs.papi_scores, inputs.papi_targets, period
    )

    return PeriodMetrics(
        plan_id=plan.id,
        period_code=period.code,
        period_label=period.label_vi,
        period_starts=period.starts,
        period_ends=period.ends,
        unit_deadline=period.unit_deadline,
        expected=int(total["expected"]),
        received=int(total["received"]),
        on_time=int(total["on_time"]),
        reporting_rate=float(total["reporting_rate"]),
        on_time_reporting_rate=float(total["on_time_reporting_rate"]),
        completeness_rate=float(completeness_rate),
        implementation_index_overall=(
            float(overall["implementation_index"].iloc[0]) if len(overall) else float("nan")
        ),
        reporting=reporting,
        units=units,
        completeness=completeness,
        task_status_by_dimension=by_dimension,
        task_status_by_unit=by_unit,
        implementation_index=index,
        indicators=_indicators(plan, period, inputs, counted),
        ward_ranking=ranking,
        lagging=_lagging(units_ordered, matched, period),
        left_out=_left_out(units),
        difficulties=texts["difficulties"],
        proposals=texts["proposals"],
        papi_context=scores,
        papi_year=papi_year,
        papi_estimate=papi_estimate,
        papi_published_by=period.ends,
        status_weights=weights,
        previous_period=previous.code if previous else None,
        previous_label=previous.label_vi if previous else None,
        year_ago_period=year_ago.code if year_ago else None,
        year_ago_label=year_ago.label_vi if year_ago else None,
    )
