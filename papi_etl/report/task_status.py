"""How many units reported each task in each status: the tasks' table of each dimension.

`PeriodMetrics` counts statuses by dimension and by unit; a dimension's section lists its
tasks one by one, so it needs the count by task. Counted the way `metrics.compute` counts
(counted reports only, a task the unit must report, one of the four statuses, a task given
twice counted once), from the same `MetricInputs`.
"""

from __future__ import annotations

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.metrics.compute import MetricInputs
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan
from papi_etl.schema import TaskStatus


def by_task(plan: Plan, metrics: PeriodMetrics, inputs: MetricInputs) -> pd.DataFrame:
    """Columns task, status, units: counted units that reported the task in that status."""
    counted = set(metrics.units.loc[metrics.units["counted"], "unit"])
    required = {
        (u.code, t.code)
        for t in assignments.tasks(plan)
        for u in assignments.reporting_units(plan, t)
    }
    rows = inputs.task_rows
    rows = rows[(rows["period"] == metrics.period_code) & rows["unit"].isin(counted)]
    rows = rows.assign(
        task=rows["task"].astype("string").str.strip(),
        status=rows["status"].astype("string").str.strip(),
    )
    rows = rows[rows["status"].isin([s.value for s in TaskStatus])]
    # A boolean Series, not a list: an empty list would select no columns, not no rows.
    wanted = [(u, t) in required for u, t in zip(rows["unit"], rows["task"], strict=True)]
    rows = rows[pd.Series(wanted, index=rows.index, dtype=bool)]
    rows = rows.drop_duplicates(["unit", "task"], keep="first")
    counts = rows.groupby(["task", "status"]).size().rename("units").reset_index()
    return counts.astype({"task": object, "status": object, "units": int})
