"""A city's metrics, rolled up from its districts' (ward to district to city).

Read from the store, never recomputed: each district's `consolidate` keeps its metrics in
`metric_values` (`papi_etl.metrics.persist`), and the roll-up reads the district-wide
ones of every child plan in one query. A city of 22 districts or a country of 700 costs
one query and none of their plan files; a roll-up's own metrics are stored under the
same names, so a country rolls its cities up the same way.

Definitions (the district's, one level up):

- expected, received and on-time reports: sums over the children that have stored
  metrics for the period; reporting_rate = received / expected x 100 and
  on_time_reporting_rate = on time / expected x 100 (DHIS2's, over all the units of the
  city, not a mean of the districts' rates). NaN when nothing is expected.
- implementation index (0-10, NOT the PAPI survey score), overall and per dimension: the
  mean over the children that have one, each district weighing the same, as each unit
  does in its district's index.
- ranking of the children by their implementation index, best first; ties are broken by
  the on-time rate, then the reporting rate, then the plan id, so ranks are unique. A
  child without an index (no report counted) is listed after, unranked.
- a child with no stored metrics for the period (its `consolidate` has not run yet) is
  listed as not consolidated and left out of the sums; `computed_at` says when each
  child's metrics were computed, so the reader knows how fresh each line is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import calendar
from papi_etl.metrics import persist
from papi_etl.metrics.model import ASSIGNMENTS, ASSIGNMENTS_NAME_VI, WHOLE, plain
from papi_etl.plan.model import Plan
from papi_etl.store import schema

COUNTS = {
    "expected_reports": "expected",
    "received_reports": "received",
    "on_time_reports": "on_time",
}
INDEX = "implementation_index"
RANK = "district_rank"
READ = (*COUNTS, INDEX, "completeness_rate")
DISTRICT_COLUMNS = (
    "rank",
    "plan",
    "name",
    "expected",
    "received",
    "on_time",
    "reporting_rate",
    "on_time_reporting_rate",
    "completeness_rate",
    "implementation_index",
    "computed_at",
)


@dataclass(frozen=True, eq=False)
class RollUp:
    """The roll-up of one period over a plan's children.

    districts: one row per child with stored metrics, best first (see the module). Columns:
        rank (Int64, <NA> when unranked), plan (the child's id), name (its district, from
        the store), expected, received, on_time (ints), reporting_rate,
        on_time_reporting_rate, completeness_rate (%), implementation_index (0-10),
        computed_at (when its metrics were computed, aware datetime).
    dimensions: the index by dimension. Columns: dimension, dimension_name_vi,
        implementation_index (mean over children), districts (children with a value).
    not_consolidated: the children with no stored metrics for the period, in plan order.
    """

    plan_id: str
    period_code: str
    period_label: str
    children: int
    expected: int
    received: int
    on_time: int
    reporting_rate: float
    on_time_reporting_rate: float
    implementation_index: float
    districts: pd.DataFrame
    dimensions: pd.DataFrame
    not_consolidated: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN -> None, frames as lists of records)."""
        return {name: plain(value) for name, value in self.__dict__.items()}


def inputs(session: Session, plan: Plan, period_code: str) -> tuple[pd.DataFrame, pd.Series]:
    """The children's stored district-wide metrics of the period (plan, dimension, metric,
    value, computed_at) and their districts' names by plan id, in two queries."""
    ids = [child.id for child in plan.children]
    value = schema.MetricValue
    rows = session.execute(
        select(
            value.plan_id, value.dimension_code, value.metric, value.value, value.computed_at
        ).where(
            value.plan_id.in_(ids),
            value.period_code == period_code,
            value.unit_code == WHOLE,
            value.metric.in_(READ),
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["plan", "dimension", "metric", "value", "computed_at"])
    plans = select(schema.Plan.id, schema.Plan.district).where(schema.Plan.id.in_(ids))
    names = {plan_id: district for plan_id, district in session.execute(plans)}
    return frame, pd.Series(names, dtype=object)


def _percent(numerator: pd.Series | int, denominator: pd.Series | int) -> Any:
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0) * 100
    return numerator / denominator * 100 if denominator else float("nan")


def _districts(plan: Plan, stored: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    whole = stored[stored["dimension"] == WHOLE]
    wide = whole.pivot_table(index="plan", columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(READ))
    order = [c.id for c in plan.children if c.id in wide.index]
    wide = wide.reindex(order)
    counts = wide[list(COUNTS)].fillna(0).astype(int).rename(columns=COUNTS)
    frame = pd.DataFrame(
        {
            "plan": wide.index,
            "name": [names.get(p) or p for p in wide.index],
            **{column: counts[column].to_numpy() for column in COUNTS.values()},
            "reporting_rate": _percent(counts["received"], counts["expected"]).to_numpy(),
            "on_time_reporting_rate": _percent(counts["on_time"], counts["expected"]).to_numpy(),
            "completeness_rate": wide["completeness_rate"].astype(float).to_numpy(),
            "implementation_index": wide[INDEX].astype(float).to_numpy(),
            "computed_at": stored.groupby("plan")["computed_at"].max().reindex(order).to_numpy(),
            "_order": np.arange(len(order)),
        }
    )
    ranked = frame["implementation_index"].notna()
    frame = frame.assign(_ranked=ranked).sort_values(
        ["_ranked", "implementation_index", "on_time_reporting_rate", "reporting_rate", "plan"],
        ascending=[False, False, False, False, True],
        na_position="last",
        kind="stable",
    )
    ranks = frame["_ranked"].cumsum().where(frame["_ranked"])
    frame = frame.assign(rank=ranks.astype("Int64"))
    return frame[list(DISTRICT_COLUMNS)].reset_index(drop=True)


def _dimensions(plan: Plan, stored: pd.DataFrame) -> pd.DataFrame:
    index = stored[(stored["dimension"] != WHOLE) & (stored["metric"] == INDEX)]
    by_dimension = index.groupby("dimension")["value"].agg(["mean", "count"])
    codes = [d.code for d in plan.dimensions]
    codes += sorted(set(by_dimension.index) - set(codes))  # e.g. the assignments' "III"
    names = {d.code: d.name_vi for d in plan.dimensions} | {ASSIGNMENTS: ASSIGNMENTS_NAME_VI}
    return pd.DataFrame(
        {
            "dimension": codes,
            "dimension_name_vi": [names.get(c, c) for c in codes],
            "implementation_index": by_dimension["mean"].reindex(codes).astype(float).to_numpy(),
            "districts": by_dimension["count"].reindex(codes).fillna(0).astype(int).to_numpy(),
        }
    )


def compute(plan: Plan, period: calendar.Period, stored: pd.DataFrame, names: pd.Series) -> RollUp:
    """The roll-up of `period` from the children's stored metrics (`inputs`)."""
    districts = _districts(plan, stored, names)
    expected, received, on_time = (int(districts[c].sum()) for c in COUNTS.values())
    index = districts["implementation_index"]
    return RollUp(
        plan_id=plan.id,
        period_code=period.code,
        period_label=period.label_vi,
        children=len(plan.children),
        expected=expected,
        received=received,
        on_time=on_time,
        reporting_rate=float(_percent(received, expected)),
        on_time_reporting_rate=float(_percent(on_time, expected)),
        implementation_index=float(index.mean()) if index.notna().any() else float("nan"),
        districts=districts,
        dimensions=_dimensions(plan, stored),
        not_consolidated=tuple(c.id for c in plan.children if c.id not in set(districts["plan"])),
    )


def rows(rollup: RollUp) -> list[dict[str, Any]]:
    """The roll-up as `metric_values` rows of the parent plan, under the names a
    district's metrics have (so that a parent of this plan rolls it up in turn): WHOLE for
    the city, the child's plan id as `unit_code` for each district."""
    found: list[tuple[str, str, str, Any]] = [
        (WHOLE, WHOLE, "expected_reports", rollup.expected),
        (WHOLE, WHOLE, "received_reports", rollup.received),
        (WHOLE, WHOLE, "on_time_reports", rollup.on_time),
        (WHOLE, WHOLE, "reporting_rate", rollup.reporting_rate),
        (WHOLE, WHOLE, "on_time_reporting_rate", rollup.on_time_reporting_rate),
        (WHOLE, WHOLE, INDEX, rollup.implementation_index),
        (WHOLE, WHOLE, "districts_consolidated", len(rollup.districts)),
    ]
    found += [
        (WHOLE, d.dimension, INDEX, d.implementation_index) for d in rollup.dimensions.itertuples()
    ]
    for d in rollup.districts.itertuples():
        found += [
            (d.plan, WHOLE, "expected_reports", d.expected),
            (d.plan, WHOLE, "received_reports", d.received),
            (d.plan, WHOLE, "on_time_reports", d.on_time),
            (d.plan, WHOLE, "reporting_rate", d.reporting_rate),
            (d.plan, WHOLE, "on_time_reporting_rate", d.on_time_reporting_rate),
            (d.plan, WHOLE, INDEX, d.implementation_index),
            (d.plan, WHOLE, RANK, d.rank),
        ]
    return persist.as_rows(rollup.plan_id, rollup.period_code, found)


def roll_up_and_store(
    sessions: sessionmaker[Session], plan: Plan, period_code: str
) -> tuple[RollUp, int]:
    """The period's roll-up over the plan's children, stored under the plan's id in
    metric_values (replacing its previous roll-up); and how many values were stored."""
    period = calendar.period(plan, period_code)
    with sessions() as session:
        stored, names = inputs(session, plan, period.code)
    result = compute(plan, period, stored, names)
    with sessions.begin() as session:
        count = persist.replace(session, plan.id, period.code, rows(result))
    return result, count
