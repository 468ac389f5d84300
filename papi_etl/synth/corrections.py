"""How the demo's units and steward deal with failed synthetic reports, as real ones would.

Of the period's invalid reports, alternately: the unit sends a corrected version (its clean
report, dropped in its inbox folder a day after the first), or the data steward accepts an
exception for every open finding, through the same code as `papi-etl steward accept`. Both
are labelled synthetic, in the reason and the result texts.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from papi_etl import calendar, forms, steward
from papi_etl.plan.model import Plan
from papi_etl.store import schema
from papi_etl.synth.generate import Synthesiser
from papi_etl.synth.inbox import relative_path

STEWARD = "Chuyên viên Phòng Nội vụ (mô phỏng)"
REASON = "[Dữ liệu mô phỏng] Đơn vị đã giải trình bằng văn bản; chấp nhận ngoại lệ cho kỳ này."


@dataclass(frozen=True)
class Corrections:
    resubmitted: tuple[str, ...]
    accepted: tuple[str, ...]


def correct(
    sessions: sessionmaker[Session], plan: Plan, period_code: str, inbox: Path, seed: int
) -> Corrections:
    """Resubmit or accept the exceptions of the period's invalid reports, alternately."""
    period = calendar.period(plan, period_code)
    units = {u.code: u for u in plan.units}
    synthesiser = Synthesiser(plan, seed, "xlsx")
    resubmitted: list[str] = []
    accepted: list[str] = []
    with sessions() as session:
        invalid = _invalid(session, plan, period.code)
    for number, (submission_id, unit_code, arrived) in enumerate(invalid):
        if number % 2 == 0:
            clean = synthesiser.submission(units[unit_code], period)
            path = inbox / relative_path(unit_code, period.code, "xlsx").with_stem(
                f"{unit_code}_{period.code}_ban-sua"
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            forms.write(clean, "xlsx", path, plan)
            moment = (arrived + dt.timedelta(days=1)).timestamp()
            os.utime(path, (moment, moment))
            resubmitted.append(unit_code)
            continue
        with sessions.begin() as session:
            for finding_id in _open(session, submission_id):
                steward.accept(session, plan, submission_id, finding_id, REASON, STEWARD)
        accepted.append(unit_code)
    return Corrections(tuple(resubmitted), tuple(accepted))


def _invalid(session: Session, plan: Plan, period: str) -> list[tuple[int, str, dt.datetime]]:
    rows = session.execute(
        select(schema.Submission.id, schema.Submission.unit_code, schema.Submission.received_at)
        .where(
            schema.Submission.plan_id == plan.id,
            schema.Submission.period_code == period,
            schema.Submission.status == schema.SubmissionStatus.INVALID,
        )
        .order_by(schema.Submission.unit_code)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _open(session: Session, submission_id: int) -> list[int]:
    return list(
        session.scalars(
            select(schema.Finding.id).where(
                schema.Finding.submission_id == submission_id,
                schema.Finding.state == schema.FindingState.OPEN,
            )
        )
    )
