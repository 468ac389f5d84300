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

from expectations import data_docs, runner, suites
from papi_etl import calendar
from papi_etl.plan.model import Plan
from papi_etl.schema import SUBMISSION_ID
from papi_etl.store import schema
from papi_etl.validation import frames, outcome
from papi_etl.validation.finding import Finding


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
    transaction, with one GX run per suite for up to CHUNK plans that share their suites
    and period: a district's frames are small, and the fixed costs (GX's per expectation,
    pandas' per call) would otherwise be paid once per district. Keyed by plan id;
    `docs_roots` by plan id too."""
    docs_roots = docs_roots or {}
    found: dict[str, list[Finding]] = {plan.id: [] for plan in plans}
    framed: dict[str, frames.Frames] = {}
    with sessions.begin() as session:
        ids = _current_ids(session, plans, period_code)
        for group in _groups([plan for plan in plans if ids[plan.id]], period_code):
            period = calendar.period(group[0], period_code)
            owner = {i: plan.id for plan in group for i in ids[plan.id]}
            together = frames.of_periods(session, group, period.code, list(owner))
            for finding in runner.validate(together, period):
                found[owner[finding.submission_id]].append(finding)
            if any(docs_roots.get(plan.id) for plan in group):
                framed |= {plan.id: _of_plan(together, plan, ids[plan.id]) for plan in group}
        statuses = {
            plan.id: outcome.record(session, plan, ids[plan.id], found[plan.id])
            for plan in plans
            if ids[plan.id]
        }
    results: dict[str, PeriodValidation] = {}
    for plan in plans:
        period = calendar.period(plan, period_code)
        root = docs_roots.get(plan.id)
        docs = None
        if root is not None and plan.id in framed:
            docs = data_docs.build(root / period.code, framed[plan.id], period)
        results[plan.id] = PeriodValidation(
            period.code,
            {i: s.value for i, s in statuses.get(plan.id, {}).items()},
            len(found[plan.id]),
            docs,
        )
    return results


CHUNK = 250
"""Plans validated in one run at most: bounds the id lists sent to the store (SQLite takes
32,766 parameters) and the frames held at once (~1,500 rows per district)."""


def _current_ids(session: Session, plans: Sequence[Plan], period_code: str) -> dict[str, list[int]]:
    """Each plan's current (not superseded) submissions of the period, by plan id."""
    ids: dict[str, list[int]] = {plan.id: [] for plan in plans}
    codes = {plan.id: calendar.period(plan, period_code).code for plan in plans}
    S = schema.Submission
    for start in range(0, len(plans), CHUNK):
        chunk = [plan.id for plan in plans[start : start + CHUNK]]
        rows = session.execute(
            select(S.plan_id, S.id, S.period_code)
            .where(
                S.plan_id.in_(chunk),
                S.period_code.in_(set(codes.values())),
                S.status != schema.SubmissionStatus.SUPERSEDED,
            )
            .order_by(S.id)
        )
        for plan_id, submission_id, code in rows:
            if code == codes[plan_id]:
                ids[plan_id].append(submission_id)
    return ids


def _groups(plans: Sequence[Plan], period_code: str) -> list[list[Plan]]:
    """The plans in runs: the same suites and period span, at most CHUNK plans each."""
    by_key: dict[tuple[str, object, object], list[Plan]] = {}
    for plan in plans:
        period = calendar.period(plan, period_code)
        key = (suites.signature(plan), period.starts, period.ends)
        by_key.setdefault(key, []).append(plan)
    return [
        group[start : start + CHUNK]
        for group in by_key.values()
        for start in range(0, len(group), CHUNK)
    ]


def _of_plan(together: frames.Frames, plan: Plan, ids: list[int]) -> frames.Frames:
    """One plan's part of frames built for several (its Data Docs are its own)."""
    return frames.Frames(
        plan=plan,
        tasks=together.tasks[together.tasks[SUBMISSION_ID].isin(ids)].reset_index(drop=True),
        indicators=together.indicators[together.indicators[SUBMISSION_ID].isin(ids)].reset_index(
            drop=True
        ),
    )
