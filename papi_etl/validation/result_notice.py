"""Telling a unit, as soon as its report is checked, whether it was accepted.

The officer who dropped a file should not wait for the next reminder to learn that row 12
lacks its evidence date: the notice says what was received, whether it was on time, and
either that it is valid or what to fix, with the feedback workbook (the unit's own file
with each error marked) attached. One notice per version of a report: its key holds the
submission's id, so a rerun never sends it twice and a corrected version gets its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import calendar
from papi_etl.plan.model import Plan
from papi_etl.reminders import Kind, Message, finding_lines
from papi_etl.store import schema
from papi_etl.validation import feedback_files

_CHECKED = {
    schema.SubmissionStatus.VALID,
    schema.SubmissionStatus.INVALID,
    schema.SubmissionStatus.ACCEPTED_WITH_EXCEPTION,
}

_VERDICT = {
    schema.SubmissionStatus.VALID: "hợp lệ",
    schema.SubmissionStatus.ACCEPTED_WITH_EXCEPTION: "được chấp nhận có ngoại lệ",
}


def compose(
    session: Session, plan: Plan, submission_ids: Iterable[int], data_dir: Path
) -> list[Message]:
    """The notices of the given versions that have been checked and are still current
    (a version superseded in the same batch is not worth a notice: the newer one gets it)."""
    zone = ZoneInfo(plan.calendar.timezone)
    units = {u.code: u for u in plan.units}
    messages = []
    for submission in session.scalars(
        select(schema.Submission)
        .where(
            schema.Submission.plan_id == plan.id,
            schema.Submission.id.in_(list(submission_ids)),
        )
        .order_by(schema.Submission.id)
    ):
        if submission.status not in _CHECKED:
            continue
        unit = units[submission.unit_code]
        period = calendar.period(plan, submission.period_code)
        findings = [f for f in submission.findings if f.state == schema.FindingState.OPEN]
        received = submission.received_at.astimezone(zone)
        timing = "đúng hạn" if submission.on_time else f"sau hạn ({period.unit_deadline:%d/%m/%Y})"
        lines = [
            f"Kính gửi {unit.name},\n",
            f"Báo cáo {period.label_vi} (phiên bản {submission.version}) của đơn vị đã được "
            f"tiếp nhận lúc {received:%H:%M ngày %d/%m/%Y}, {timing}.",
        ]
        attachments: tuple[Path, ...] = ()
        if submission.status in _VERDICT:
            verdict = _VERDICT[submission.status]
            lines.append(f"Kết quả kiểm tra: báo cáo {verdict}, đã đưa vào số liệu tổng hợp.")
        else:
            verdict = f"còn {len(findings)} lỗi cần sửa"
            lines.append(f"Kết quả kiểm tra: báo cáo {verdict}:")
            lines.extend(finding_lines(session, findings))
            feedback = feedback_files.path_of(session, data_dir, submission)
            if feedback.exists():
                attachments = (feedback,)
                lines.append(
                    f"\nTệp phản hồi đính kèm ({feedback.name}) là chính tệp của đơn vị, các ô "
                    "có lỗi được tô màu và ghi chú. Đơn vị sửa và nộp lại tệp vào thư mục "
                    f"{unit.code} hoặc qua cổng tiếp nhận trước hạn nộp."
                )
        messages.append(
            Message(
                key=f"{plan.id}/{period.code}/{unit.code}/{Kind.RESULT}/{submission.id}",
                kind=Kind.RESULT,
                period=period.code,
                unit=unit.code,
                emails=tuple(e for e in (unit.contact.email,) if e),
                webhook=unit.contact.webhook,
                subject=f"[PAPI] Kết quả kiểm tra báo cáo {period.label_vi} – {unit.name}: "
                f"{verdict}",
                body="\n".join(lines) + "\n",
                payload={
                    "kind": Kind.RESULT.value,
                    "unit": unit.code,
                    "period": period.code,
                    "version": submission.version,
                    "status": submission.status.value,
                    "on_time": submission.on_time,
                    "open_findings": len(findings),
                    "feedback_file": attachments[0].name if attachments else None,
                },
                attachments=attachments,
            )
        )
    return messages
