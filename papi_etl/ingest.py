"""Taking one received item into the store: archive, read, check who sent it, file it.

The order is what makes it safe. The bytes go to the raw archive first; only then is the
item read, and everything it adds to the store (its raw-file row, the submission, its rows,
the supersession of the previous version) is added in the caller's one transaction. A
crash at any point leaves either all of it or none of it, and a rerun completes it: the
archive write is idempotent, and the raw-file row, whose (plan, SHA-256) is unique, is the
mark that an item was taken in by that plan.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from papi_etl import archive, calendar, forms
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.plan.model import Plan
from papi_etl.sources.base import Received
from papi_etl.store import schema
from papi_etl.submission import Submission

LOGGER = logging.getLogger(__name__)
_SENDER_CODES = (
    RejectionCode.UNKNOWN_SENDER,
    RejectionCode.UNKNOWN_UNIT_FOLDER,
    RejectionCode.WRONG_UNIT,
)
"""Rejections of who sent an item (a unit reporting for another): also logged as warnings."""


class Outcome(StrEnum):
    NEW = "new"
    SUPERSEDED = "superseded"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Ingested:
    """What became of one item. `superseded` outcomes are new versions of a report."""

    outcome: Outcome
    file: str
    sha256: str
    unit: str | None = None
    period: str | None = None
    submission_id: int | None = None
    version: int | None = None
    on_time: bool | None = None
    rejection_code: str | None = None
    reason_vi: str | None = None
    reason_en: str | None = None


def _unit_code(plan: Plan, claimed: str) -> str | None:
    wanted = claimed.strip().upper()
    return next((u.code for u in plan.units if u.code.upper() == wanted), None)


def _check_sender(plan: Plan, item: Received, submission: Submission) -> None:
    """A unit reports only for itself, and only for a period that has begun.

    Who vouches for the unit is the drop folder the file lies in, or the API account that
    sent it (`Received.sender`, mapped to its unit by PAPI_HTTP_SOURCE_ACCOUNTS).
    """
    if item.sender is not None and item.claimed_unit is None:
        raise RejectedSubmission(
            RejectionCode.UNKNOWN_SENDER,
            message_en=f"The submission was sent by the account '{item.sender}', which is "
            "not the account of any unit (PAPI_HTTP_SOURCE_ACCOUNTS): a unit reports only "
            "from its own account.",
            message_vi=f"Báo cáo được gửi từ tài khoản '{item.sender}', không phải tài khoản "
            "của đơn vị nào: mỗi đơn vị chỉ gửi báo cáo bằng tài khoản của mình.",
        )
    if item.claimed_unit is not None:
        by_account = item.sender is not None
        claimed = _unit_code(plan, item.claimed_unit)
        if claimed is None:
            raise RejectedSubmission(
                RejectionCode.UNKNOWN_UNIT_FOLDER,
                message_en=f"The account '{item.sender}' is mapped to '{item.claimed_unit}', "
                "which is not a unit code of the plan (PAPI_HTTP_SOURCE_ACCOUNTS)."
                if by_account
                else f"The folder '{item.claimed_unit}' is not a unit code of the plan; "
                "each unit drops its files in the folder named by its code.",
                message_vi=f"Tài khoản '{item.sender}' được gán cho '{item.claimed_unit}', "
                "không phải mã đơn vị trong kế hoạch."
                if by_account
                else f"Thư mục '{item.claimed_unit}' không phải mã đơn vị trong kế hoạch; "
                "mỗi đơn vị nộp tệp vào thư mục mang mã của mình.",
            )
        if claimed != submission.unit:
            where_en = (
                f"sent by the account '{item.sender}' of unit {claimed}"
                if by_account
                else f"in the folder of unit {claimed}"
            )
            where_vi = (
                f"được gửi từ tài khoản '{item.sender}' của đơn vị {claimed}"
                if by_account
                else f"nằm trong thư mục của đơn vị {claimed}"
            )
            raise RejectedSubmission(
                RejectionCode.WRONG_UNIT,
                message_en=f"The file is {where_en} but declares unit {submission.unit}: a "
                "unit cannot report for another.",
                message_vi=f"Tệp {where_vi} nhưng ghi mã đơn vị {submission.unit}: đơn vị "
                "không được báo cáo thay đơn vị khác.",
            )
    period = calendar.period(plan, submission.period)
    if item.received_at.date() < period.starts:
        raise RejectedSubmission(
            RejectionCode.PERIOD_NOT_STARTED,
            message_en=f"The report is for {period.code} ({period.label_en}), which starts on "
            f"{period.starts:%d/%m/%Y}, but it arrived on {item.received_at:%d/%m/%Y}: "
            "check the period code.",
            message_vi=f"Báo cáo ghi kỳ {period.code} ({period.label_vi}) bắt đầu từ ngày "
            f"{period.starts:%d/%m/%Y} nhưng được nộp ngày {item.received_at:%d/%m/%Y}: "
            "kiểm tra lại mã kỳ báo cáo.",
        )


def _add_raw_file(
    session: Session,
    plan: Plan,
    item: Received,
    sha256: str,
    path: Path,
    rejection: RejectedSubmission | None = None,
) -> int:
    """Insert the item's raw-file row (with its rejection, if any); its id.

    A Core insert, like the submission's rows below: nothing reads the row back as an
    object, and a flush of one object costs more than the insert itself."""
    values: dict[str, object] = {
        "plan_id": plan.id,
        "sha256": sha256,
        "size": len(item.content),
        "source": item.source,
        "original_name": item.original_name,
        "claimed_unit_code": item.claimed_unit,
        "received_at": item.received_at,
        "archive_path": str(path),
    }
    if rejection is not None:
        values |= {
            "rejection_code": rejection.code,
            "rejection_reason_vi": rejection.message_vi,
            "rejection_reason_en": rejection.message_en,
        }
    return _insert(session, schema.RawFile.__table__, values)


def _insert(session: Session, table: Table, values: dict[str, object]) -> int:
    """Insert one row in the session's transaction; its primary key."""
    (key,) = session.execute(insert(table), values).inserted_primary_key
    return int(key)


def _add_rows(session: Session, submission_id: int, submission: Submission) -> None:
    """Insert the submission's task and indicator rows, one executemany per table.

    Core inserts, not ORM objects: a report has a few dozen rows and the unit of work's
    bookkeeping per object cost more than the database did (a city's collect spent most of
    its time there). No ORM object of the new submission exists in the session, so none
    holds stale `tasks` or `indicator_values`: loading it selects the rows inserted here.
    """
    tasks = [
        {
            "submission_id": submission_id,
            "row_number": t.row,
            "task_code": t.task,
            "status": t.status,
            "result": t.result,
            "evidence": t.evidence,
            "difficulties": t.difficulties,
            "proposals": t.proposals,
        }
        for t in submission.tasks
    ]
    indicators = [
        {
            "submission_id": submission_id,
            "row_number": x.row,
            "indicator_code": x.indicator,
            "value": x.value,
            "not_applicable": x.not_applicable,
            "note": x.note or None,
            "value_text": (x.value_text or None) if x.value is None else None,
        }
        for x in submission.indicators
    ]
    # An empty parameter list would be one INSERT of defaults, not none.
    if tasks:
        session.execute(insert(schema.SubmissionTask.__table__), tasks)
    if indicators:
        session.execute(insert(schema.IndicatorValue.__table__), indicators)


def _file(
    session: Session,
    plan: Plan,
    submission: Submission,
    raw_file_id: int,
    received_at: dt.datetime,
) -> tuple[int, int, bool, schema.Submission | None]:
    """Add the submission as the next version of its unit's report for the period: its id,
    version and punctuality, and the version it superseded, if any."""
    key = (
        schema.Submission.plan_id == plan.id,
        schema.Submission.unit_code == submission.unit,
        schema.Submission.period_code == submission.period,
    )
    last = session.scalar(select(func.max(schema.Submission.version)).where(*key)) or 0
    current = session.scalar(
        select(schema.Submission).where(
            *key, schema.Submission.status != schema.SubmissionStatus.SUPERSEDED
        )
    )
    period = calendar.period(plan, submission.period)
    version = last + 1
    on_time = not period.is_late(received_at)
    # Core, like its rows: the columns left out (status, timestamps) take their defaults,
    # which are Core's column defaults, the same ones the ORM applied.
    submission_id = _insert(
        session,
        schema.Submission.__table__,
        {
            "plan_id": plan.id,
            "unit_code": submission.unit,
            "period_code": submission.period,
            "version": version,
            "raw_file_id": raw_file_id,
            "received_at": received_at,
            "on_time": on_time,
        },
    )
    _add_rows(session, submission_id, submission)
    if current is not None:
        current.status = schema.SubmissionStatus.SUPERSEDED
        current.superseded_by_id = submission_id
    return submission_id, version, on_time, current


def ingest(session: Session, plan: Plan, item: Received, data_dir: Path) -> Ingested:
    """Archive, read and file one item in the session's transaction (the caller commits)."""
    sha256, path = archive.store(data_dir, item.content)
    taken = select(schema.RawFile.id).where(
        schema.RawFile.plan_id == plan.id, schema.RawFile.sha256 == sha256
    )
    if session.scalar(taken):
        return Ingested(Outcome.DUPLICATE, item.original_name, sha256)
    try:
        submission = forms.read(item.content, item.original_name, plan)
        _check_sender(plan, item, submission)
    except RejectedSubmission as rejection:
        if rejection.code in _SENDER_CODES:
            LOGGER.warning(
                "%s from %s rejected (%s): %s",
                item.original_name,
                item.source,
                rejection.code,
                rejection.message_en,
            )
        _add_raw_file(session, plan, item, sha256, path, rejection)
        return Ingested(
            Outcome.REJECTED,
            item.original_name,
            sha256,
            unit=item.claimed_unit,
            rejection_code=rejection.code,
            reason_vi=rejection.message_vi,
            reason_en=rejection.message_en,
        )
    raw_file_id = _add_raw_file(session, plan, item, sha256, path)
    submission_id, version, on_time, previous = _file(
        session, plan, submission, raw_file_id, item.received_at
    )
    return Ingested(
        Outcome.SUPERSEDED if previous is not None else Outcome.NEW,
        item.original_name,
        sha256,
        unit=submission.unit,
        period=submission.period,
        submission_id=submission_id,
        version=version,
        on_time=on_time,
    )
