"""The data steward's work: the queue of open findings, and accepting an exception.

Phòng Nội vụ consolidates the units' reports and must see every validation failure, and
may accept one with a written reason (DESIGN.md, "Data stewards"): a value that is right
although a rule says otherwise, say an indicator out of its usual range for a known cause.
Every decision is appended to `steward_decisions` with who took it, when and why, and is
never edited or deleted: it is the audit trail. Accepting a finding changes the status of
its submission through `outcome.settle`, the rule that validation uses too.

The errors, all `StewardError` (a PapiError: shown to the steward, exit status 2):

    StewardError
    ├── IncompleteDecisionError      no reason, or no name of who decides
    ├── UnknownSubmissionError       no submission with that id
    ├── SupersededSubmissionError    the unit has sent a newer version since
    ├── FindingNotInSubmissionError  no such finding in that submission
    ├── FindingResolvedError         a re-validation no longer finds it
    └── FindingAlreadyAcceptedError  accepted before (by whom, when, why)
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from papi_etl import calendar, markup
from papi_etl.errors import PapiError
from papi_etl.forms.template import unit_of
from papi_etl.plan.model import Plan
from papi_etl.schema import INDICATOR_SHEET, TASK_SHEET
from papi_etl.store import schema
from papi_etl.store.types import LOCAL_ZONE, now
from papi_etl.validation import outcome


class StewardError(PapiError):
    """A steward's decision that cannot be taken as asked."""


class IncompleteDecisionError(StewardError):
    """A decision without a written reason or without the name of who takes it."""


class UnknownSubmissionError(StewardError):
    """No submission has that id."""


class SupersededSubmissionError(StewardError):
    """The submission was replaced by a newer version: decide on the findings of that one."""


class FindingNotInSubmissionError(StewardError):
    """The finding does not exist, or belongs to another submission."""


class FindingResolvedError(StewardError):
    """The finding is resolved (no longer found): there is nothing to accept."""


class FindingAlreadyAcceptedError(StewardError):
    """The finding was accepted before; the first decision stands."""


@dataclass(frozen=True)
class Decided:
    """One decision of the audit trail; `decided_at` in Vietnam's time."""

    decision: str
    reason: str
    decided_by: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class Accepted:
    """An exception accepted, and the status its submission has since."""

    finding_id: int
    submission_id: int
    unit: str
    period: str
    version: int
    decision: Decided
    submission_status: str


@dataclass(frozen=True)
class OpenFinding:
    """One entry of the steward's queue: a finding still open in a current submission."""

    finding_id: int
    unit: str
    period: str
    submission_id: int
    version: int
    sheet: str
    row: int
    field: str
    rule: str
    value: str | None
    message_vi: str
    message_en: str
    hint: str | None
    decisions: tuple[Decided, ...]


def _decided(row: schema.StewardDecision) -> Decided:
    return Decided(
        decision=row.decision.value,
        reason=row.reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at.astimezone(LOCAL_ZONE),
    )


def _written(text: str, what_en: str, what_vi: str) -> str:
    """The text in NFC without surrounding blanks; refuses a blank one."""
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not cleaned:
        raise IncompleteDecisionError(
            f"A steward's decision needs {what_en}; it was left blank.",
            f"Quyết định của cán bộ quản lý dữ liệu phải ghi {what_vi}; mục này đang để trống.",
        )
    return cleaned


def _submission(session: Session, submission_id: int) -> schema.Submission:
    """The submission, locked for the decision; refuses an unknown or superseded one."""
    found = outcome.lock(session, [submission_id])
    if not found:
        raise UnknownSubmissionError(
            f"There is no submission {submission_id}; `papi-etl findings` lists the open "
            "findings with their submission ids.",
            f"Không có báo cáo số {submission_id}; lệnh `papi-etl findings` liệt kê các lỗi "
            "chưa xử lý kèm số báo cáo.",
        )
    submission = found[0]
    if submission.status is schema.SubmissionStatus.SUPERSEDED:
        version = session.get_one(schema.Submission, submission.superseded_by_id).version
        raise SupersededSubmissionError(
            f"Submission {submission.id} ({submission.unit_code}, {submission.period_code}, "
            f"version {submission.version}) was superseded by version {version} (submission "
            f"{submission.superseded_by_id}): decide on the findings of that version.",
            f"Báo cáo số {submission.id} ({submission.unit_code}, kỳ {submission.period_code}, "
            f"phiên bản {submission.version}) đã được thay thế bằng phiên bản {version} (báo "
            f"cáo số {submission.superseded_by_id}): hãy xem xét các lỗi của phiên bản đó.",
        )
    return submission


def _finding(session: Session, submission: schema.Submission, finding_id: int) -> schema.Finding:
    """The finding of that submission, open; refuses any other."""
    finding = session.get(schema.Finding, finding_id, populate_existing=True)
    if finding is None or finding.submission_id != submission.id:
        elsewhere = f" (it is a finding of submission {finding.submission_id})" if finding else ""
        elsewhere_vi = f" (đây là lỗi của báo cáo số {finding.submission_id})" if finding else ""
        raise FindingNotInSubmissionError(
            f"Submission {submission.id} ({submission.unit_code}, {submission.period_code}) "
            f"has no finding {finding_id}{elsewhere}.",
            f"Báo cáo số {submission.id} ({submission.unit_code}, kỳ "
            f"{submission.period_code}) không có lỗi số {finding_id}{elsewhere_vi}.",
        )
    if finding.state is schema.FindingState.RESOLVED:
        raise FindingResolvedError(
            f"Finding {finding.id} ({finding.rule}) is resolved: the latest validation of "
            f"submission {submission.id} no longer finds it, so there is nothing to accept.",
            f"Lỗi số {finding.id} ({finding.rule}) đã được khắc phục: lần kiểm tra gần nhất "
            f"của báo cáo số {submission.id} không còn phát hiện lỗi này, nên không cần chấp "
            "nhận ngoại lệ.",
        )
    if finding.state is schema.FindingState.ACCEPTED:
        first = next(
            (d for d in finding.decisions if d.decision is schema.Decision.ACCEPT_EXCEPTION),
            None,
        )
        by_en = by_vi = ""
        if first is not None:
            when = first.decided_at.astimezone(LOCAL_ZONE)
            by_en = f" by {first.decided_by} on {when:%d/%m/%Y %H:%M} ({first.reason})"
            by_vi = f" bởi {first.decided_by} lúc {when:%H:%M ngày %d/%m/%Y} ({first.reason})"
        raise FindingAlreadyAcceptedError(
            f"Finding {finding.id} was already accepted{by_en}; that decision stands.",
            f"Lỗi số {finding.id} đã được chấp nhận ngoại lệ{by_vi}; quyết định đó vẫn giữ nguyên.",
        )
    return finding


def accept(session: Session, submission_id: int, finding_id: int, reason: str, by: str) -> Accepted:
    """Accept an exception for one open finding of a current submission, and record why.

    `reason` and `by` (who decides) are required and stored in NFC. Appends the decision
    to the audit trail, marks the finding accepted and settles the submission's status
    (accepted_with_exception once no finding of it is open). Runs in the session's
    transaction and does not commit. Raises the StewardErrors of this module's docstring.
    """
    reason = _written(reason, "a written reason", "lý do")
    by = _written(by, "the name of who decides", "họ tên người quyết định")
    submission = _submission(session, submission_id)
    finding = _finding(session, submission, finding_id)
    decision = schema.StewardDecision(
        finding_id=finding.id,
        decision=schema.Decision.ACCEPT_EXCEPTION,
        reason=reason,
        decided_by=by,
        decided_at=now(),
    )
    session.add(decision)
    finding.state = schema.FindingState.ACCEPTED
    session.flush()
    status = outcome.settle(session, submission)
    return Accepted(
        finding_id=finding.id,
        submission_id=submission.id,
        unit=submission.unit_code,
        period=submission.period_code,
        version=submission.version,
        decision=_decided(decision),
        submission_status=status.value,
    )


def as_markdown(findings: list[OpenFinding], period: str) -> str:
    """The queue as a Markdown table, for the steward's view in the Prefect UI. Values and
    messages quote what units typed, so every cell is escaped (`papi_etl.markup`)."""
    lines = [
        f"# Lỗi chưa xử lý kỳ {markup.md(period)} / open findings",
        "",
        markup.md_row(("ID", "đơn vị", "báo cáo", "sheet", "dòng", "cột", "lỗi", "gợi ý")),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in findings:
        lines.append(
            markup.md_row(
                (
                    f.finding_id,
                    f.unit,
                    f"{f.submission_id} (v{f.version})",
                    f.sheet,
                    f.row or "",
                    f.field,
                    f.message_vi,
                    f.hint or "",
                )
            )
        )
    return "\n".join(lines)


def open_findings(
    session: Session, plan: Plan, period: str | None = None, unit: str | None = None
) -> list[OpenFinding]:
    """The steward's queue: open findings of the plan's current submissions.

    Superseded versions are left out (their findings are history). Ordered by unit (the
    plan's order), period (the calendar's), then place in the file. Raises
    UnknownPeriodError or UnknownUnitError for a code the plan does not have.
    """
    query = (
        select(schema.Finding, schema.Submission)
        .join(schema.Submission, schema.Finding.submission_id == schema.Submission.id)
        .where(
            schema.Submission.plan_id == plan.id,
            schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
            schema.Finding.state == schema.FindingState.OPEN,
        )
        .options(selectinload(schema.Finding.decisions))
    )
    if period is not None:
        query = query.where(schema.Submission.period_code == calendar.period(plan, period).code)
    if unit is not None:
        query = query.where(schema.Submission.unit_code == unit_of(plan, unit).code)
    periods = {p.code: i for i, p in enumerate(calendar.periods(plan))}
    units = {u.code: i for i, u in enumerate(plan.units)}
    rows = sorted(
        session.execute(query).all(),
        key=lambda pair: (
            units.get(pair[1].unit_code, len(units)),
            periods.get(pair[1].period_code, len(periods)),
            pair[0].sheet,
            pair[0].row,
            pair[0].field,
            pair[0].rule,
        ),
    )
    return [
        OpenFinding(
            finding_id=finding.id,
            unit=submission.unit_code,
            period=submission.period_code,
            submission_id=submission.id,
            version=submission.version,
            sheet=finding.sheet,
            row=finding.row,
            field=finding.field,
            rule=finding.rule,
            value=finding.value,
            message_vi=finding.message_vi,
            message_en=finding.message_en,
            hint=finding.hint,
            decisions=tuple(_decided(d) for d in finding.decisions),
        )
        for finding, submission in rows
    ]


@dataclass(frozen=True)
class AcceptedException:
    """A finding of a current report that the steward accepted, with the first decision
    to accept it. `subject` is the task or indicator code of the row it is about ('' for
    the whole report or sheet)."""

    unit: str
    period: str
    version: int
    sheet: str
    row: int
    field: str
    subject: str
    message_vi: str
    decision: Decided


def accepted(session: Session, plan: Plan, period: str) -> list[AcceptedException]:
    """The exceptions accepted in the period's current reports, by unit (the plan's order)
    then place in the file: what the consolidated report must name, with the reason."""
    code = calendar.period(plan, period).code
    sub, finding = schema.Submission, schema.Finding
    task, value = schema.SubmissionTask, schema.IndicatorValue
    query = (
        select(finding, sub, task.task_code, value.indicator_code)
        .join(sub, finding.submission_id == sub.id)
        .outerjoin(task, (task.submission_id == sub.id) & (task.row_number == finding.row))
        .outerjoin(value, (value.submission_id == sub.id) & (value.row_number == finding.row))
        .where(
            sub.plan_id == plan.id,
            sub.period_code == code,
            sub.status != schema.SubmissionStatus.SUPERSEDED,
            finding.state == schema.FindingState.ACCEPTED,
        )
        .options(selectinload(finding.decisions))
    )
    units = {u.code: i for i, u in enumerate(plan.units)}
    found = []
    for item, submission, task_code, indicator_code in session.execute(query).all():
        first = next(
            (d for d in item.decisions if d.decision is schema.Decision.ACCEPT_EXCEPTION), None
        )
        if first is None:  # accepted rows always have their decision; none is no exception
            continue
        subject = {TASK_SHEET: task_code, INDICATOR_SHEET: indicator_code}.get(item.sheet)
        found.append(
            AcceptedException(
                unit=submission.unit_code,
                period=submission.period_code,
                version=submission.version,
                sheet=item.sheet,
                row=item.row,
                field=item.field,
                subject=subject or "",
                message_vi=item.message_vi,
                decision=_decided(first),
            )
        )
    return sorted(found, key=lambda e: (units.get(e.unit, len(units)), e.sheet, e.row, e.field))
