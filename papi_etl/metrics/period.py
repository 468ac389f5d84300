"""A period's metrics computed from the store and kept in metric_values, in one call."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl import calendar
from papi_etl.metrics import compute, load, persist
from papi_etl.metrics.model import PeriodMetrics
from papi_etl.plan.model import Plan


def compute_and_store(
    sessions: sessionmaker[Session],
    plan: Plan,
    period_code: str,
    papi_scores: Path | None = None,
    papi_targets: Path | None = None,
) -> tuple[PeriodMetrics, int]:
    """The period's metrics and how many values were stored (the city's PAPI scores and
    targets default to the bundled reference files)."""
    period = calendar.period(plan, period_code)
    with sessions() as session:
        inputs = load.inputs(
            session,
            plan,
            period,
            papi_scores=papi_scores or load.PAPI_SCORES,
            papi_targets=papi_targets or load.PAPI_TARGETS,
        )
    result = compute.compute(plan, period, inputs)
    with sessions.begin() as session:
        stored = persist.persist(session, result)
    return result, stored
