"""Validating a whole period in the store: one GX run per suite over all its submissions.

Every current submission of the period is validated again each time: the rules that span
periods (a cumulative value must not fall) can change a verdict when an earlier period's
report is corrected, and recording is idempotent (findings are upserted on their place,
a steward's acceptance is kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from expectations import data_docs, runner
from papi_etl import calendar
from papi_etl.plan.model import Plan
from papi_etl.store import schema
from papi_etl.validation import frames, outcome


@dataclass(frozen=True)
class PeriodValidation:
    period: str
    statuses: dict[int, str]
    findings: int
    data_docs: Path | None = None

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)


def validate_period(
    sessions: sessionmaker[Session],
    plan: Plan,
    period_code: str,
    docs_root: Path | None = None,
) -> PeriodValidation:
    """Validate and record every current submission of the period, in one transaction;
    with `docs_root`, also build the run's Data Docs (offline) in `docs_root/<period>/`."""
    return validate_periods(sessions, [plan], period_code, {plan.id: docs_root})[plan.id]


def validate_periods(
    sessions: sessionmaker[Session],
    plans: Sequence[Plan],
    period_code: str,
    docs_roots: Mapping[str, Path | None] | None = None,
) -> dict[str, PeriodValidation]:
    """`validate_period` of several plans of one store (a city's districts), in one
    transaction and one GX run per suite for all of them: a district's frames are small,
    and GX's fixed cost per expectation, paid once per run, would otherwise be paid once
    per district. Keyed by plan id; `docs_roots` by plan id too."""
    docs_roots = docs_roots or {}
    with sessions.begin() as session:
        checked: dict[str, tuple[calendar.Period, list[int], frames.Frames | None]] = {}
        for plan in plans:
            period = calendar.period(plan, period_code)
            ids = list(
                session.scalars(
                    select(schema.Submission.id).where(
                        schema.Submission.plan_id == plan.id,
                        schema.Submission.period_code == period.code,
                        schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
                    )
                )
            )
            framed = frames.of_period(session, plan, period.code, ids) if ids else None
            checked[plan.id] = (period, ids, framed)
        framed = {key: (f, period) for key, (period, _, f) in checked.items() if f is not None}
        found = dict(zip(framed, runner.validate_many(list(framed.values())), strict=True))
        statuses = {
            plan.id: outcome.record(session, plan, checked[plan.id][1], found[plan.id])
            for plan in plans
            if plan.id in found
        }
    results: dict[str, PeriodValidation] = {}
    for plan in plans:
        period, _, checked_frames = checked[plan.id]
        root = docs_roots.get(plan.id)
        docs = None
        if root is not None and checked_frames is not None:
            docs = data_docs.build(root / period.code, checked_frames, period)
        results[plan.id] = PeriodValidation(
            period.code,
            {i: s.value for i, s in statuses.get(plan.id, {}).items()},
            len(found.get(plan.id, [])),
            docs,
        )
    return results
