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
from pathlib import Path

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
    codes = year_to_date(plan, period)
    year_ago = calendar.year_ago(plan, period)
    if year_ago is not None:
        codes.append(year_ago.code)
    sub = schema.Submission
    versions = pd.DataFrame(
        session.execute(
            select(
                sub.id,
                sub.period_code,
                sub.unit_code,
                sub.version,
                sub.status,
                sub.on_time,
                sub.received_at,
            ).where(sub.plan_id == plan.id, sub.period_code.in_(codes))
        ).all(),
        columns=["id", "period", "unit", "version", "status", "on_time", "received_at"],
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
    open_findings = pd.DataFrame(
        session.execute(
            select(schema.Finding.submission_id, func.count())
            .where(
                schema.Finding.submission_id.in_(current["id"].tolist() or [-1]),
                schema.Finding.state == schema.FindingState.OPEN,
            )
            .group_by(schema.Finding.submission_id)
        ).all(),
        columns=["id", "open_findings"],
    )
    submissions = current.merge(first, on=["period", "unit"], how="left").assign(
        open_findings=lambda f: (
            f["id"].map(open_findings.set_index("id")["open_findings"]).fillna(0).astype(int)
        )
    )
    submissions = submissions.assign(
        on_time=submissions["first_on_time"].astype(bool),
        received_at=submissions["first_received_at"],
    )
    ids = current["id"].tolist() or [-1]
    task = schema.SubmissionTask
    task_rows = pd.DataFrame(
        session.execute(
            select(
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
            .where(task.submission_id.in_(ids))
            .order_by(sub.unit_code, task.row_number)
        ).all(),
        columns=list(TASK_ROW_COLUMNS),
    )
    given = schema.IndicatorValue
    indicator_rows = pd.DataFrame(
        session.execute(
            select(
                sub.period_code,
                sub.unit_code,
                given.indicator_code,
                given.value,
                given.not_applicable,
            )
            .join(sub, sub.id == given.submission_id)
            .where(given.submission_id.in_(ids))
            .order_by(sub.unit_code, given.row_number)
        ).all(),
        columns=list(INDICATOR_ROW_COLUMNS),
    )
    return MetricInputs(
        submissions=submissions[list(SUBMISSION_COLUMNS)].reset_index(drop=True),
        task_rows=task_rows,
        indicator_rows=indicator_rows.assign(value=indicator_rows["value"].astype(float)),
        papi_scores=reference(papi_scores) if papi_scores is not None else None,
        papi_targets=reference(papi_targets) if papi_targets is not None else None,
    )
