"""Validating a whole period in the store: one GX run per suite over all its submissions.

Every current submission of the period is validated again each time: the rules that span
periods (a cumulative value must not fall) can change a verdict when an earlier period's
report is corrected, and recording is idempotent (findings are upserted on their place,
a steward's acceptance is kept).
"""

from __future__ import annotations

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
    period = calendar.period(plan, period_code)
    with sessions.begin() as session:
        ids = list(
            session.scalars(
                select(schema.Submission.id).where(
                    schema.Submission.plan_id == plan.id,
                    schema.Submission.period_code == period.code,
                    schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
                )
            )
        )
        if not ids:
            return PeriodValidation(period.code, {}, 0)
        checked = frames.of_period(session, plan, period.code, ids)
        found = runner.validate(checked, period)
        statuses = outcome.record(session, plan, ids, found)
    docs = data_docs.build(docs_root / period.code, checked, period) if docs_root else None
    return PeriodValidation(
        period.code, {i: s.value for i, s in statuses.items()}, len(found), docs
    )
