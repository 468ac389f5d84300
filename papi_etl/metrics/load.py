"""The frames `metrics.compute` needs, read from the store and the reference files.

For a period, `inputs(...)` reads the current (not superseded) submission of every unit for
that period, for the earlier periods of the same year (the previous period's indicator
values give the change) and for the period a year earlier (`calendar.year_ago`), with their
task and indicator rows and their open findings. A report's on-time flag and arrival are
those of its FIRST version: a correction sent after the deadline does not make a report
that arrived on time late (see `metrics.compute`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from papi_etl import calendar
from papi_etl.errors import ConfigurationError
from papi_etl.metrics.compute import (
    INDICATOR_ROW_COLUMNS,
    SUBMISSION_COLUMNS,
    TASK_ROW_COLUMNS,
    MetricInputs,
)
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.store import schema

REFERENCE_DIR = DEFAULT_PLAN.parent / "reference"
PAPI_SCORES = REFERENCE_DIR / "papi-hcmc-scores.csv"
PAPI_TARGETS = REFERENCE_DIR / "papi-hcmc-targets.csv"


def year_to_date(plan: Plan, period: calendar.Period) -> list[str]:
    """The codes of the period and of the periods of its year before it, in order."""
    return [
        p.code
        for p in calendar.periods(plan, period.year)
        if p.consolidated_deadline <= period.consolidated_deadline
    ]


# Every district's metrics read the same two reference files: parsed once per content.
_REFERENCES: dict[tuple[Path, str], pd.DataFrame] = {}


def reference(path: Path) -> pd.DataFrame:
    """A reference CSV (UTF-8, header row); raises ConfigurationError if it cannot be read.

    The frame is shared by every caller that reads the same file content: never modify it."""
    try:
        data = path.read_bytes()
    except OSError:
        data = None  # read_csv below says what is wrong, as it always did
    key = (path.resolve(), hashlib.sha256(data).hexdigest()) if data is not None else None
    if key is not None and key in _REFERENCES:
        return _REFERENCES[key]
    try:
        frame = pd.read_csv(io.BytesIO(data) if data is not None else path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ConfigurationError(
            f"Cannot read the reference file {path}: {error}.",
            f"Không đọc được tệp dữ liệu tham chiếu {path}.",
        ) from None
    if key is not None:
        _REFERENCES[key] = frame
    return frame


def inputs(
    session: Session,
    plan: Plan,
    period: calendar.Period,
    *,
    papi_scores: Path | None = PAPI_SCORES,
    papi_targets: Path | None = PAPI_TARGETS,
) -> MetricInputs:
    """The `MetricInputs` of `period` (None for a reference file: no PAPI context): its
    year to date and the period it compares with a year earlier."""
    return inputs_of_plans(
        session, [(plan, period)], papi_scores=papi_scores, papi_targets=papi_targets
    )[0]


# Plans per query: bounds the rows held at once and the plan ids bound in one statement.
CHUNK = 250


def inputs_of_plans(
    session: Session,
    plans: Sequence[tuple[Plan, calendar.Period]],
    *,
    papi_scores: Path | None = PAPI_SCORES,
    papi_targets: Path | None = PAPI_TARGETS,
) -> list[MetricInputs]:
    """The `inputs(...)` of each (plan, period) of one store, in order, read with one query
    per table for up to CHUNK plans: a city's districts are small, and a round trip per
    district and table would cost more than their rows."""
    scores = reference(papi_scores) if papi_scores is not None else None
    targets = reference(papi_targets) if papi_targets is not None else None
    found: list[MetricInputs] = []
    for start in range(0, len(plans), CHUNK):
        chunk = plans[start : start + CHUNK]
        wanted = {plan.id: set(_codes(plan, period)) for plan, period in chunk}
        rows = _rows(session, wanted)
        found += [
            _inputs(*(of_plan.get(plan.id, []) for of_plan in rows), scores, targets)
            for plan, _ in chunk
        ]
    return found


def _codes(plan: Plan, period: calendar.Period) -> list[str]:
    """The periods the metrics of `period` read: its year to date, and a year earlier."""
    codes = year_to_date(plan, period)
    year_ago = calendar.year_ago(plan, period)
    if year_ago is not None:
        codes.append(year_ago.code)
    return codes


_Rows = dict[str, list[tuple[Any, ...]]]


def _rows(session: Session, codes: dict[str, set[str]]) -> tuple[_Rows, _Rows, _Rows, _Rows]:
    """The rows of the plans' submissions of their periods (`codes` by plan id): every
    version, the open findings of current ones, their task and indicator rows; each by plan
    id, without the plan id, each plan's in the order of its own query."""
    sub = schema.Submission
    task = schema.SubmissionTask
    given = schema.IndicatorValue
    of_plans = sub.plan_id.in_(list(codes)) & sub.period_code.in_(
        sorted({code for wanted in codes.values() for code in wanted})
    )
    current = of_plans & (sub.status != schema.SubmissionStatus.SUPERSEDED)
    versions = (
        select(
            sub.plan_id,
            sub.period_code,
            sub.id,
            sub.unit_code,
            sub.version,
            sub.status,
            sub.on_time,
            sub.received_at,
        )
        .where(of_plans)
        .order_by(sub.id)
    )
    # Counted per submission: those of a period another plan's calendar has match no
    # submission of the plan and are dropped with it.
    findings = (
        select(sub.plan_id, sub.period_code, schema.Finding.submission_id, func.count())
        .join(sub, sub.id == schema.Finding.submission_id)
        .where(current, schema.Finding.state == schema.FindingState.OPEN)
        .group_by(sub.plan_id, sub.period_code, schema.Finding.submission_id)
    )
    task_rows = (
        select(
            sub.plan_id,
            sub.period_code,
            sub.unit_code,
            task.task_code,
            task.status,
            task.result,
            task.evidence,
            task.difficulties,
            task.proposals,
        )
        .join(sub, sub.id == task.submission_id)
        .where(current)
        .order_by(sub.plan_id, sub.unit_code, task.row_number, sub.id)
    )
    indicator_rows = (
        select(
            sub.plan_id,
            sub.period_code,
            sub.unit_code,
            given.indicator_code,
            given.value,
            given.not_applicable,
        )
        .join(sub, sub.id == given.submission_id)
        .where(current)
        .order_by(sub.plan_id, sub.unit_code, given.row_number, sub.id)
    )
    split: list[_Rows] = []
    for statement, keep_period in (
        (versions, True),
        (findings, False),
        (task_rows, True),
        (indicator_rows, True),
    ):
        by_plan: _Rows = {}
        for row in session.execute(statement):
            # Every statement starts with (plan id, period code); a plan keeps the rows of
            # its own periods only (the chunk's plans may have different calendars).
            if row[1] in codes[row[0]]:
                by_plan.setdefault(row[0], []).append(tuple(row[1 if keep_period else 2 :]))
        split.append(by_plan)
    return split[0], split[1], split[2], split[3]


def _inputs(
    versions_rows: list[tuple[Any, ...]],
    finding_rows: list[tuple[Any, ...]],
    task_rows_: list[tuple[Any, ...]],
    indicator_rows_: list[tuple[Any, ...]],
    papi_scores: pd.DataFrame | None,
    papi_targets: pd.DataFrame | None,
) -> MetricInputs:
    """One plan's `MetricInputs` from its rows (see `_rows`)."""
    versions = pd.DataFrame(
        versions_rows,
        columns=["period", "id", "unit", "version", "status", "on_time", "received_at"],
    )
    versions = versions.assign(status=versions["status"].map(lambda s: getattr(s, "value", s)))
    first = (
        versions.sort_values("version")
        .drop_duplicates(["period", "unit"], keep="first")[
            ["period", "unit", "on_time", "received_at"]
        ]
        .rename(columns={"on_time": "first_on_time", "received_at": "first_received_at"})
    )
    current = versions[versions["status"] != schema.SubmissionStatus.SUPERSEDED.value]
    open_findings = pd.DataFrame(finding_rows, columns=["id", "open_findings"])
    submissions = current.merge(first, on=["period", "unit"], how="left").assign(
        open_findings=lambda f: (
            f["id"].map(open_findings.set_index("id")["open_findings"]).fillna(0).astype(int)
        )
    )
    submissions = submissions.assign(
        on_time=submissions["first_on_time"].astype(bool),
        received_at=submissions["first_received_at"],
    )
    task_rows = pd.DataFrame(task_rows_, columns=list(TASK_ROW_COLUMNS))
    indicator_rows = pd.DataFrame(indicator_rows_, columns=list(INDICATOR_ROW_COLUMNS))
    return MetricInputs(
        submissions=submissions[list(SUBMISSION_COLUMNS)].reset_index(drop=True),
        task_rows=task_rows,
        indicator_rows=indicator_rows.assign(value=indicator_rows["value"].astype(float)),
        papi_scores=papi_scores,
        papi_targets=papi_targets,
    )
