"""The report tests' store: synthetic 2019-Q1 submissions of every unit, collected.

Validation is another component's job, so the tests set the submissions' status directly:
all valid except one ward's (`HELD_BACK`), left "received" (not yet validated), so that a
test can count it later and see the report change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from papi_etl import calendar, synth
from papi_etl.collect import collect
from papi_etl.metrics import PeriodMetrics
from papi_etl.metrics import compute as metrics_compute
from papi_etl.metrics import load as metrics_load
from papi_etl.plan import LoadedPlan
from papi_etl.report import content
from papi_etl.report.model import Report
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.workspace import Workspace

PERIOD = "2019-Q1"
HELD_BACK = "AL"
ISSUED_ON = dt.date(2019, 3, 14)


@dataclass(frozen=True)
class Built:
    metrics: PeriodMetrics
    report: Report


def set_status(workspace: Workspace, status: schema.SubmissionStatus, *units: str) -> None:
    submission = schema.Submission
    with workspace.sessions.begin() as session:
        statement = update(submission).where(submission.period_code == PERIOD)
        if units:
            statement = statement.where(submission.unit_code.in_(units))
        session.execute(statement.values(status=status))


def fill(workspace: Workspace, inbox: Path) -> None:
    """Synthetic clean reports of every unit for PERIOD, collected, counted but one."""
    period = calendar.period(workspace.plan, PERIOD)
    reports = synth.build(workspace.plan, synth.DEFAULT_SEED, [period], "json", clean=True)
    synth.write(workspace.plan, reports, inbox, "json", seed=synth.DEFAULT_SEED, clean=True)
    collect(workspace.sessions, workspace.plan, [InboxSource(inbox)], workspace.data_dir)
    set_status(workspace, schema.SubmissionStatus.VALID)
    set_status(workspace, schema.SubmissionStatus.RECEIVED, HELD_BACK)


def build(session: Session, loaded: LoadedPlan, *, synthetic: bool = True) -> Built:
    plan = loaded.plan
    period = calendar.period(plan, PERIOD)
    inputs = metrics_load.inputs(session, plan, period)
    metrics = metrics_compute.compute(plan, period, inputs)
    report = content.build(
        plan,
        metrics,
        version=1,
        supplementary=False,
        changes=(),
        task_rows=metrics_compute.counted_task_rows(plan, metrics, inputs),
        synthetic=synthetic,
        issued_on=ISSUED_ON,
    )
    return Built(metrics, report)
