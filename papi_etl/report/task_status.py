"""How many units reported each task in each status: the tasks' table of each dimension.

`PeriodMetrics` counts statuses by dimension and by unit; a dimension's section lists its
tasks one by one, so it needs the count by task, over the rows the metrics count
(`metrics.compute.counted_task_rows`).
"""

from __future__ import annotations

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.metrics.compute import MetricInputs, counted_task_rows
from papi_etl.plan.model import Plan


def by_task(plan: Plan, metrics: PeriodMetrics, inputs: MetricInputs) -> pd.DataFrame:
    """Columns task, status, units: counted units that reported the task in that status."""
    rows = counted_task_rows(plan, metrics, inputs)
    counts = rows.groupby(["task", "status"]).size().rename("units").reset_index()
    return counts.astype({"task": object, "status": object, "units": int})
