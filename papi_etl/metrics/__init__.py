"""Metrics of a period: reporting rates, completeness, task status, implementation index,
indicator aggregates, rankings and the city's PAPI context (`PeriodMetrics`).

- `model`: the `PeriodMetrics` dataclass the reports render;
- `compute`: pure pandas, frames in, `PeriodMetrics` out;
- `load`: the frames from the store;
- `persist`: every metric upserted into `metric_values`.
"""

from papi_etl.metrics.model import ASSIGNMENTS, WHOLE, PeriodMetrics

__all__ = ["ASSIGNMENTS", "WHOLE", "PeriodMetrics"]
