"""Which units owe a report for a period, and what each has sent so far.

The current version of a unit's report is the one not superseded; a unit owes a report
when the plan gives it at least one task to report on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl.plan import assignments
from papi_etl.plan.model import Plan
from papi_etl.store import schema


@dataclass(frozen=True)
class UnitStatus:
    unit: str
    name: str
    kind: str
    received: bool
    on_time: bool | None
    status: str | None
    version: int | None
    received_at: dt.datetime | None


def of_period(session: Session, plan: Plan, period_code: str) -> list[UnitStatus]:
    """One row per unit that owes a report for the period, in the plan's unit order."""
    current = {
        s.unit_code: s
        for s in session.scalars(
            select(schema.Submission).where(
                schema.Submission.plan_id == plan.id,
                schema.Submission.period_code == period_code,
                schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
            )
        )
    }
    rows = []
    for unit in plan.units:
        if not assignments.tasks_of_unit(plan, unit.code):
            continue
        sent = current.get(unit.code)
        rows.append(
            UnitStatus(
                unit=unit.code,
                name=unit.name,
                kind=unit.kind.value,
                received=sent is not None,
                on_time=sent.on_time if sent else None,
                status=sent.status.value if sent else None,
                version=sent.version if sent else None,
                received_at=sent.received_at if sent else None,
            )
        )
    return rows
