"""Periods' metrics computed from the store and kept in metric_values, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from papi_etl import calendar
from papi_etl.metrics import compute, load, persist
from papi_etl.metrics.model import PeriodMetrics
from papi_etl.plan.model import Plan

# Plans loaded, computed and stored per round: bounds the frames held at once.
CHUNK = load.CHUNK


def compute_and_store(
    sessions: sessionmaker[Session],
    plan: Plan,
    period_code: str,
    papi_scores: Path | None = None,
    papi_targets: Path | None = None,
) -> tuple[PeriodMetrics, int]:
    """The period's metrics and how many values were stored (the city's PAPI scores and
    targets default to the bundled reference files)."""
    return compute_and_store_plans(sessions, [plan], period_code, papi_scores, papi_targets)[0]


def compute_and_store_plans(
    sessions: sessionmaker[Session],
    plans: Sequence[Plan],
    period_code: str,
    papi_scores: Path | None = None,
    papi_targets: Path | None = None,
) -> list[tuple[PeriodMetrics, int]]:
    """`compute_and_store(...)` of each of `plans` (of one store: a city's districts), in
    order, with the same results: each round of CHUNK plans is read with one query per
    table and stored in one transaction with bulk statements, since a district's rows are
    few and a round trip per district would cost more than computing them. A round is
    committed before the next one is read. A round's metrics are computed together
    (`compute.compute_plans`), for the same reason."""
    found: list[tuple[PeriodMetrics, int]] = []
    for start in range(0, len(plans), CHUNK):
        chunk = [
            (plan, calendar.period(plan, period_code)) for plan in plans[start : start + CHUNK]
        ]
        with sessions() as session:
            inputs = load.inputs_of_plans(
                session,
                chunk,
                papi_scores=papi_scores or load.PAPI_SCORES,
                papi_targets=papi_targets or load.PAPI_TARGETS,
            )
        results = compute.compute_plans(
            [(plan, period, given) for (plan, period), given in zip(chunk, inputs, strict=True)]
        )
        with sessions.begin() as session:
            stored = persist.persist_all(session, results)
        found += zip(results, stored, strict=True)
    return found
