"""Every metric of a `PeriodMetrics` as rows of `metric_values`, upserted.

A row is keyed on (plan, period, unit, dimension, metric); `unit_code` / `dimension_code`
are WHOLE ('') when a metric is not split that way. Metric names:

- unit '', dimension '': `expected_reports`, `received_reports`, `on_time_reports`,
  `reporting_rate`, `on_time_reporting_rate` (all units; `<name>:<unit kind>` per kind),
  `completeness_rate`, `left_out_reports` (and `:invalid`, `:not_validated`),
  `lagging:<reason>`, and per indicator `indicator:<code>:value`, `:previous`, `:change`,
  `:year_to_date`, `:units`, `:year_ago`, `:year_ago_change`, `:year_ago_ratio`;
- unit U, dimension '': `received`, `on_time`, `counted` (1/0; on_time NULL when nothing
  came), `open_findings`, `required_rows`, `valid_rows`, `completeness`, `ward_rank`;
- unit U or '', dimension D or '': `tasks:<status>`, `task_share:<status>` (counts and %),
  `implementation_index` (0-10, not the PAPI score), `rated_tasks`.

Re-running a period writes the same rows (an unchanged row is not touched, so its
`computed_at` stays) and deletes the period's rows that the new computation no longer has
(e.g. the index of a unit whose report has since been found invalid), so that the table
always holds exactly the latest computation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from papi_etl.metrics.model import WHOLE, PeriodMetrics
from papi_etl.store import schema
from papi_etl.store.upsert import upsert

KEY = ("plan_id", "period_code", "unit_code", "dimension_code", "metric")
_REPORTING = {
    "expected": "expected_reports",
    "received": "received_reports",
    "on_time": "on_time_reports",
    "reporting_rate": "reporting_rate",
    "on_time_reporting_rate": "on_time_reporting_rate",
}
_INDICATOR = {
    "value": "value",
    "previous_value": "previous",
    "change": "change",
    "year_to_date": "year_to_date",
    "units_reporting": "units",
    "year_ago_value": "year_ago",
    "year_ago_change": "year_ago_change",
    "year_ago_ratio": "year_ago_ratio",
}


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """The frame's rows as tuples of the named columns: a district's metrics are a few
    thousand values, and `itertuples` builds a named tuple for each."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def _metrics(m: PeriodMetrics) -> Iterator[tuple[str, str, str, Any]]:
    """(unit, dimension, metric, value) for every metric, possibly with repeated keys."""
    for kind, *values in _columns(m.reporting, "kind", *_REPORTING):
        suffix = "" if kind == WHOLE else f":{kind}"
        for metric, value in zip(_REPORTING.values(), values, strict=True):
            yield WHOLE, WHOLE, metric + suffix, value
    yield WHOLE, WHOLE, "completeness_rate", m.completeness_rate
    yield WHOLE, WHOLE, "left_out_reports", len(m.left_out)
    for reason in ("invalid", "not_validated"):
        yield (
            WHOLE,
            WHOLE,
            f"left_out_reports:{reason}",
            int((m.left_out["reason"] == reason).sum()),
        )
    for reason, count in m.lagging["reason"].value_counts().items():
        yield WHOLE, WHOLE, f"lagging:{reason}", count

    # The units' rows joined with their completeness (the first row of a unit), as an inner
    # merge on the unit would join them: a merge costs more than a district's rows.
    done: dict[Any, tuple[Any, ...]] = {}
    for unit, *numbers in _columns(
        m.completeness, "unit", "required_rows", "valid_rows", "completeness"
    ):
        done.setdefault(unit, tuple(numbers))
    for unit, received, on_time, counted, findings in _columns(
        m.units, "unit", "received", "on_time", "counted", "open_findings"
    ):
        if unit not in done:
            continue
        required, valid, share = done[unit]
        yield unit, WHOLE, "received", int(received)
        yield unit, WHOLE, "on_time", None if pd.isna(on_time) else int(on_time)
        yield unit, WHOLE, "counted", int(counted)
        yield unit, WHOLE, "open_findings", findings
        yield unit, WHOLE, "required_rows", required
        yield unit, WHOLE, "valid_rows", valid
        yield unit, WHOLE, "completeness", share
    for unit, rank in _columns(m.ward_ranking, "unit", "rank"):
        yield unit, WHOLE, "ward_rank", rank

    for dimension, status, tasks, share in _columns(
        m.task_status_by_dimension, "dimension", "status", "tasks", "share"
    ):
        yield WHOLE, dimension, f"tasks:{status}", tasks
        yield WHOLE, dimension, f"task_share:{status}", share
    for unit, status, tasks, share in _columns(
        m.task_status_by_unit, "unit", "status", "tasks", "share"
    ):
        yield unit, WHOLE, f"tasks:{status}", tasks
        yield unit, WHOLE, f"task_share:{status}", share
    for unit, dimension, index, rated in _columns(
        m.implementation_index, "unit", "dimension", "implementation_index", "rated_tasks"
    ):
        yield unit, dimension, "implementation_index", index
        yield unit, dimension, "rated_tasks", rated

    for code, *values in _columns(m.indicators, "indicator", *_INDICATOR):
        stem = f"indicator:{code}"
        for suffix, value in zip(_INDICATOR.values(), values, strict=True):
            yield WHOLE, WHOLE, f"{stem}:{suffix}", value


def as_rows(
    plan_id: str, period_code: str, metrics: Iterable[tuple[str, str, str, Any]]
) -> list[dict[str, Any]]:
    """`metric_values` rows of (unit, dimension, metric, value), one per key (the first
    value of a key wins)."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for unit, dimension, metric, value in metrics:
        key = (str(unit), str(dimension), metric)
        seen.setdefault(
            key,
            {
                "plan_id": plan_id,
                "period_code": period_code,
                "unit_code": key[0],
                "dimension_code": key[1],
                "metric": metric,
                "value": _number(value),
            },
        )
    return list(seen.values())


def rows(metrics: PeriodMetrics) -> list[dict[str, Any]]:
    """The `metric_values` rows of `metrics` (the district's status counts appear both by
    dimension and by unit, with equal values: stored once)."""
    return as_rows(metrics.plan_id, metrics.period_code, _metrics(metrics))


def persist(session: Session, metrics: PeriodMetrics) -> int:
    """Upsert every metric of the period and delete the period's stale ones; returns how
    many rows the period now has. Runs in the session's transaction and does not commit."""
    return persist_all(session, [metrics])[0]


def persist_all(session: Session, metrics: Sequence[PeriodMetrics]) -> list[int]:
    """`persist(...)` of each of `metrics` (plans of one store), in bulk statements; the
    number of rows of each, in order."""
    return replace_all(session, [(m.plan_id, m.period_code, rows(m)) for m in metrics])


def replace(session: Session, plan_id: str, period_code: str, new: list[dict[str, Any]]) -> int:
    """Make `new` the plan's metric values of the period: upserted, and the period's other
    rows deleted; returns how many rows the period now has. Does not commit.

    The period's stored values are read first, in one query, and only the rows that are new
    or whose value changed are upserted: a re-run of an unchanged period (every
    consolidation re-runs it) writes nothing but the stale rows' deletion."""
    return replace_all(session, [(plan_id, period_code, new)])[0]


# (plan, period) pairs read and written per statement.
CHUNK = 250


def replace_all(
    session: Session, periods: Sequence[tuple[str, str, list[dict[str, Any]]]]
) -> list[int]:
    """`replace(...)` of each (plan id, period code, rows), with one read, one upsert and
    the deletions per CHUNK pairs instead of per pair; the number of rows of each, in
    order. Does not commit. The rows upserted together share one `computed_at`."""
    table = schema.MetricValue
    stale: list[int] = []
    for start in range(0, len(periods), CHUNK):
        chunk = periods[start : start + CHUNK]
        wanted = {(plan_id, period_code) for plan_id, period_code, _ in chunk}
        stored = session.execute(
            select(
                table.id,
                table.plan_id,
                table.period_code,
                table.unit_code,
                table.dimension_code,
                table.metric,
                table.value,
            ).where(
                table.plan_id.in_(sorted({plan_id for plan_id, _ in wanted})),
                table.period_code.in_(sorted({code for _, code in wanted})),
            )
        ).all()
        stored = [r for r in stored if (r.plan_id, r.period_code) in wanted]
        before = {
            (r.plan_id, r.period_code, r.unit_code, r.dimension_code, r.metric): r.value
            for r in stored
        }
        missing = object()
        keys = set()
        changed = []
        for plan_id, period_code, new in chunk:
            for row in new:
                key = (plan_id, period_code, row["unit_code"], row["dimension_code"], row["metric"])
                keys.add(key)
                if before.get(key, missing) != row["value"] or _is_nan(row["value"]):
                    changed.append(row)
        stale += [
            r.id
            for r in stored
            if (r.plan_id, r.period_code, r.unit_code, r.dimension_code, r.metric) not in keys
        ]
        upsert(session, table, changed, KEY, stamp="computed_at")
    for start in range(0, len(stale), 500):
        session.execute(delete(table).where(table.id.in_(stale[start : start + 500])))
    return [len(new) for _, _, new in periods]


def _is_nan(value: Any) -> bool:
    # NaN never equals itself; `as_rows` gives None for it, but a caller's row may not.
    return isinstance(value, float) and math.isnan(value)
