"""Taking received items into the store: archive, read, check who sent them, file them.

The order is what makes it safe. The bytes go to the raw archive first, on disk before
anything reads them; only then are the items read, and everything they add to the store
(raw-file rows, submissions with their rows, the supersession of previous versions) is
added in the caller's one transaction. A crash at any point leaves either all of it or none
of it, and a rerun completes it: the archive write is idempotent, and the raw-file row,
whose (plan, SHA-256) is unique, is the mark that an item was taken in by that plan.

Items come in batches (`take_in`; `ingest` is a batch of one): a batch costs a handful of
statements, whatever its size, where one statement per step of each item cost more than
reading the files (a city's collect spent most of its time there). Within a batch each item
sees the ones before it as if they had been taken in one by one: the same bytes again are
a duplicate, and a unit's second version supersedes the first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

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


_SUBMISSIONS = schema.Submission.__table__

# The statements, built once with bind parameters: building one cost more than running it.
# The selects name ORM attributes so that the session flushes what is pending before they
# run, as any query of the session does; the writes are Core, see _file.
_TAKEN = select(schema.RawFile.sha256).where(
    schema.RawFile.plan_id == bindparam("plan_id"),
    schema.RawFile.sha256.in_(bindparam("shas", expanding=True)),
)
_VERSIONS = (
    select(
        schema.Submission.unit_code,
        schema.Submission.period_code,
        func.max(schema.Submission.version),
        # The current version: the one not superseded (at most one per unit and period).
        func.max(
            case(
                (
                    schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
                    schema.Submission.id,
                )
            )
        ),
    )
    .where(
        schema.Submission.plan_id == bindparam("plan_id"),
        schema.Submission.unit_code.in_(bindparam("units", expanding=True)),
        schema.Submission.period_code.in_(bindparam("periods", expanding=True)),
    )
    .group_by(schema.Submission.unit_code, schema.Submission.period_code)
)
# RETURNING in the order of the rows given, on SQLite and PostgreSQL alike (SQLAlchemy's
# insertmanyvalues): a submission needs its raw file's id, and its rows the submission's.
_ADD_RAW_FILES = insert(schema.RawFile.__table__).returning(
    schema.RawFile.__table__.c.id, sort_by_parameter_order=True
)
_ADD_SUBMISSIONS = insert(_SUBMISSIONS).returning(_SUBMISSIONS.c.id, sort_by_parameter_order=True)
_ADD_TASKS = insert(schema.SubmissionTask.__table__)
_ADD_INDICATORS = insert(schema.IndicatorValue.__table__)
_SUPERSEDE = (
    update(_SUBMISSIONS)
    .where(_SUBMISSIONS.c.id == bindparam("superseded"))
    .values(status=schema.SubmissionStatus.SUPERSEDED, superseded_by_id=bindparam("successor"))
)


@dataclass(frozen=True)
class _Read:
    """An item of the batch once read: its submission, or why it was rejected."""

    item: Received
    sha256: str
    path: Path
    submission: Submission | None = None
    rejection: RejectedSubmission | None = None


def _read(plan: Plan, item: Received, sha256: str, path: Path) -> _Read:
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
        return _Read(item, sha256, path, rejection=rejection)
    return _Read(item, sha256, path, submission=submission)


def _raw_file(plan: Plan, read: _Read) -> dict[str, object]:
    """The item's raw-file row, with its rejection if any (NULLs otherwise: the rows of one
    executemany have the same columns)."""
    item, rejection = read.item, read.rejection
    return {
        "plan_id": plan.id,
        "sha256": read.sha256,
        "size": len(item.content),
        "source": item.source,
        "original_name": item.original_name,
        "claimed_unit_code": item.claimed_unit,
        "received_at": item.received_at,
        "archive_path": str(read.path),
        "rejection_code": rejection.code if rejection else None,
        "rejection_reason_vi": rejection.message_vi if rejection else None,
        "rejection_reason_en": rejection.message_en if rejection else None,
    }


def _task_rows(submission_id: int, submission: Submission) -> list[dict[str, object]]:
    return [
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


def _indicator_rows(submission_id: int, submission: Submission) -> list[dict[str, object]]:
    return [
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


@dataclass(frozen=True)
class _Filed:
    submission_id: int
    version: int
    on_time: bool
    superseding: bool


def _file(
    session: Session, plan: Plan, accepted: list[tuple[Submission, Received, int]]
) -> list[_Filed]:
    """Add each accepted submission (with the item it came in and its raw file's id) as the
    next version of its unit's report for the period, in order: how each was filed.

    Core statements, not ORM objects: a report has a few dozen rows and the unit of work's
    bookkeeping per object cost more than the database did. The columns left out of the
    submission (status, timestamps) take their Core column defaults, the ones the ORM
    applies. No ORM object of a new submission exists in the session, so none holds stale
    `tasks` or `indicator_values`: loading it selects the rows inserted here.
    """
    known = session.execute(
        _VERSIONS,
        {
            "plan_id": plan.id,
            "units": sorted({s.unit for s, _, _ in accepted}),
            "periods": sorted({s.period for s, _, _ in accepted}),
        },
    ).all()
    last = {(unit, period): version for unit, period, version, _ in known}
    versions: list[tuple[int, bool]] = []  # (version, on time) of each
    for submission, item, _ in accepted:
        key = (submission.unit, submission.period)
        last[key] = last.get(key, 0) + 1
        versions.append((last[key], not calendar.period(plan, key[1]).is_late(item.received_at)))
    values = [
        {
            "plan_id": plan.id,
            "unit_code": submission.unit,
            "period_code": submission.period,
            "version": version,
            "raw_file_id": raw_file_id,
            "received_at": item.received_at,
            "on_time": on_time,
        }
        for (submission, item, raw_file_id), (version, on_time) in zip(
            accepted, versions, strict=True
        )
    ]
    ids = list(session.execute(_ADD_SUBMISSIONS, values).scalars())
    # Each supersedes the current version of its unit and period: the one in the store, or
    # the one filed just before it in this batch.
    current = {(unit, period): at for unit, period, _, at in known if at is not None}
    tasks: list[dict[str, object]] = []
    indicators: list[dict[str, object]] = []
    superseded: list[dict[str, int]] = []
    filed = []
    for submission_id, (submission, _, _), (version, on_time) in zip(
        ids, accepted, versions, strict=True
    ):
        tasks += _task_rows(submission_id, submission)
        indicators += _indicator_rows(submission_id, submission)
        key = (submission.unit, submission.period)
        previous = current.get(key)
        if previous is not None:
            superseded.append({"superseded": previous, "successor": submission_id})
        current[key] = submission_id
        filed.append(_Filed(submission_id, version, on_time, previous is not None))
    # An empty parameter list would be one INSERT of defaults, not none.
    if tasks:
        session.execute(_ADD_TASKS, tasks)
    if indicators:
        session.execute(_ADD_INDICATORS, indicators)
    if superseded:
        session.execute(_SUPERSEDE, superseded)
        _expire(session, [s["superseded"] for s in superseded])
    return filed


def _expire(session: Session, superseded: list[int]) -> None:
    """A superseded version the session holds as an object is read again when next used:
    the UPDATE went around it."""
    for submission_id in superseded:
        held = session.identity_map.get(identity_key(schema.Submission, submission_id))
        if held is not None:
            session.expire(held, ["status", "superseded_by_id", "updated_at"])


def take_in(
    session: Session, plan: Plan, items: Sequence[Received], data_dir: Path
) -> tuple[list[Ingested], archive.ArchiveError | None]:
    """Archive, read and file the items in the session's transaction (the caller commits):
    what became of each, in order, up to one the archive refuses, and that refusal. Nothing
    of the refused item or of the items after it is in the session."""
    kept, refused = archive.store(data_dir, [item.content for item in items])
    if not kept:
        return [], refused
    taken = set(session.scalars(_TAKEN, {"plan_id": plan.id, "shas": sorted({s for s, _ in kept})}))
    reads: list[_Read | None] = []  # None: a duplicate
    for item, (sha256, path) in zip(items, kept, strict=False):
        if sha256 in taken:
            reads.append(None)
            continue
        taken.add(sha256)
        reads.append(_read(plan, item, sha256, path))
    new = [read for read in reads if read is not None]
    raw_file_ids = (
        list(session.execute(_ADD_RAW_FILES, [_raw_file(plan, r) for r in new]).scalars())
        if new
        else []
    )
    accepted = [
        (read.submission, read.item, raw_file_id)
        for read, raw_file_id in zip(new, raw_file_ids, strict=True)
        if read.submission is not None
    ]
    filed = iter(_file(session, plan, accepted) if accepted else [])
    done = []
    for item, (sha256, _), read in zip(items, kept, reads, strict=False):
        if read is None:
            done.append(Ingested(Outcome.DUPLICATE, item.original_name, sha256))
        elif read.rejection is not None:
            done.append(
                Ingested(
                    Outcome.REJECTED,
                    item.original_name,
                    sha256,
                    unit=item.claimed_unit,
                    rejection_code=read.rejection.code,
                    reason_vi=read.rejection.message_vi,
                    reason_en=read.rejection.message_en,
                )
            )
        else:
            assert read.submission is not None
            how = next(filed)
            done.append(
                Ingested(
                    Outcome.SUPERSEDED if how.superseding else Outcome.NEW,
                    item.original_name,
                    sha256,
                    unit=read.submission.unit,
                    period=read.submission.period,
                    submission_id=how.submission_id,
                    version=how.version,
                    on_time=how.on_time,
                )
            )
    return done, refused


def ingest(session: Session, plan: Plan, item: Received, data_dir: Path) -> Ingested:
    """Archive, read and file one item in the session's transaction (the caller commits);
    raises ArchiveError when the archive refuses it."""
    done, refused = take_in(session, plan, [item], data_dir)
    if refused is not None:
        raise refused
    return done[0]
