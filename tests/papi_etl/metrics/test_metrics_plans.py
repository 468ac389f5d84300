"""The metrics of several plans of one store computed together equal those of each plan
computed alone: every frame and scalar of `PeriodMetrics`, and the stored `metric_values`;
and `compute_plans` of several plans equals `compute_plans` of each alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from synthetic_districts import ingested_districts

from expectations.period import validate_periods
from papi_etl import calendar
from papi_etl.metrics import load
from papi_etl.metrics.compute import compute_plans
from papi_etl.metrics.model import PeriodMetrics
from papi_etl.metrics.period import compute_and_store, compute_and_store_plans
from papi_etl.plan.model import Plan
from papi_etl.store.schema import MetricValue
from papi_etl.workspace import Workspace

PERIODS = ("2019-Q1", "2019-6M")


def district_store(plan: Plan, root: Path, database_url: str) -> list[Workspace]:
    """Two synthetic districts of one store, with the seeded mix of late, missing and
    erroneous reports for two periods, ingested and validated (so that reports count)."""
    workspaces = ingested_districts(plan, root, database_url, (3, 4), PERIODS)
    for code in PERIODS:
        validate_periods(workspaces[0].sessions, [w.plan for w in workspaces], code)
    return workspaces


def assert_metrics_equal(got: PeriodMetrics, wanted: PeriodMetrics) -> None:
    for field in dataclasses.fields(PeriodMetrics):
        mine, theirs = getattr(got, field.name), getattr(wanted, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs, obj=field.name)
        elif isinstance(theirs, float) and theirs != theirs:
            assert mine != mine, field.name
        else:
            assert mine == theirs, field.name


def stored_values(workspace: Workspace) -> list[tuple]:
    table = MetricValue
    with workspace.sessions() as session:
        rows = session.execute(
            select(
                table.plan_id, table.period_code, table.unit_code, table.dimension_code,
                table.metric, table.value,
            ).order_by(table.plan_id, table.period_code, table.unit_code,
                       table.dimension_code, table.metric)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def clear_values(workspace: Workspace) -> None:
    with workspace.sessions.begin() as session:
        session.query(MetricValue).delete()


@pytest.mark.parametrize("period", PERIODS)
def test_plans_together_equal_each_alone(plan, tmp_path, database_url, period):
    workspaces = district_store(plan, tmp_path, database_url)
    sessions = workspaces[0].sessions
    alone = [compute_and_store(sessions, w.plan, period) for w in workspaces]
    stored_alone = stored_values(workspaces[0])
    clear_values(workspaces[0])

    together = compute_and_store_plans(sessions, [w.plan for w in workspaces], period)

    assert [stored for _, stored in together] == [stored for _, stored in alone]
    for (got, _), (wanted, _) in zip(together, alone, strict=True):
        assert_metrics_equal(got, wanted)
    assert stored_values(workspaces[0]) == stored_alone
    assert {row[0] for row in stored_alone} == {w.plan.id for w in workspaces}
    # Re-run together over what is stored: nothing changes.
    again = compute_and_store_plans(sessions, [w.plan for w in workspaces], period)
    assert [stored for _, stored in again] == [stored for _, stored in alone]
    assert stored_values(workspaces[0]) == stored_alone


def test_compute_plans_together_equal_each_alone(plan, tmp_path, database_url):
    """No plan's rows leak into another's when their metrics are computed in one pass:
    districts of different sizes, one whose reports were never validated (none counts), one
    that sent nothing at all, each for both periods in one call (the second has a previous
    period, the first a year-ago one)."""
    wards = (3, 10, 1, 4, 2)
    unvalidated, silent = 3, 4
    workspaces = ingested_districts(plan, tmp_path, database_url, wards, PERIODS, (silent,))
    plans = [w.plan for w in workspaces]
    for code in PERIODS:
        validate_periods(workspaces[0].sessions, plans[:unvalidated], code)
    wanted = [(p, calendar.period(p, code)) for code in PERIODS for p in plans]
    with workspaces[0].sessions() as session:
        inputs = load.inputs_of_plans(session, wanted)
    items = [(p, period, given) for (p, period), given in zip(wanted, inputs, strict=True)]

    together = compute_plans(items)

    assert len(together) == len(items)
    for item, got in zip(items, together, strict=True):
        assert (got.plan_id, got.period_code) == (item[0].id, item[1].code)
        assert_metrics_equal(got, compute_plans([item])[0])
    by_plan = {(m.plan_id, m.period_code): m for m in together}
    for code in PERIODS:
        assert by_plan[plans[0].id, code].units["counted"].any()
        assert by_plan[plans[unvalidated].id, code].received > 0
        assert not by_plan[plans[unvalidated].id, code].units["counted"].any()
        assert by_plan[plans[silent].id, code].received == 0
    assert by_plan[plans[0].id, PERIODS[1]].previous_period == PERIODS[0]
    assert len({len(m.units) for m in together}) == len(wards)
