"""What to tell whom before and after the units' deadline, in Vietnamese.

Units that owe a report and have no valid (or steward-accepted) one get a reminder before
their deadline and a daily notice after it, saying exactly what is missing or failing; the
data steward (the calendar's consolidating unit) is copied on the notices and gets a digest
of the open findings. A message's `key` names what it is for and on which day, so that
sending is idempotent: the same reminder is never sent twice, a failed one is retried.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import reporting_status
from papi_etl.calendar import Period
from papi_etl.plan.model import Plan, Unit
from papi_etl.store import schema
from papi_etl.validation import location

_DONE = {schema.SubmissionStatus.VALID.value, schema.SubmissionStatus.ACCEPTED_WITH_EXCEPTION.value}


class Kind(StrEnum):
    REMIND = "remind"
    OVERDUE = "overdue"
    DIGEST = "digest"
    ALERT = "alert"  # to the operators, about a failed run (papi_etl.alerts)
    RESULT = "result"


@dataclass(frozen=True)
class Message:
    key: str
    kind: Kind
    period: str
    unit: str
    emails: tuple[str, ...]
    webhook: str | None
    subject: str
    body: str
    payload: dict[str, object] = field(default_factory=dict)
    # Files sent with the e-mail (a webhook gets their names in the payload, not the bytes).
    attachments: tuple[Path, ...] = ()


def _open_findings(session: Session, plan: Plan, period: str) -> dict[str, list[schema.Finding]]:
    rows = session.execute(
        select(schema.Submission.unit_code, schema.Finding)
        .join(schema.Finding, schema.Finding.submission_id == schema.Submission.id)
        .where(
            schema.Submission.plan_id == plan.id,
            schema.Submission.period_code == period,
            schema.Submission.status != schema.SubmissionStatus.SUPERSEDED,
            schema.Finding.state == schema.FindingState.OPEN,
        )
        .order_by(schema.Finding.sheet, schema.Finding.row)
    ).all()
    found: dict[str, list[schema.Finding]] = {}
    for unit, finding in rows:
        found.setdefault(unit, []).append(finding)
    return found


def open_findings_count(session: Session, plan: Plan, period: str) -> dict[str, int]:
    """Open findings of each unit's current report for the period."""
    return {unit: len(items) for unit, items in _open_findings(session, plan, period).items()}


def _deadline_vi(period: Period) -> str:
    return f"trước 00:00 ngày {period.unit_deadline:%d/%m/%Y}"


def _what_is_wrong(
    session: Session, status: reporting_status.UnitStatus, findings: list[schema.Finding]
) -> str:
    if not status.received:
        return "Đơn vị chưa nộp báo cáo."
    lines = [f"Báo cáo đã nộp (phiên bản {status.version}) còn {len(findings)} lỗi cần sửa:"]
    return "\n".join(lines + finding_lines(session, findings))


def finding_lines(session: Session, findings: list[schema.Finding]) -> list[str]:
    """One line per finding, where it is in the unit's file and how to fix it, as a
    unit's officer reads it."""
    places = location.of_stored(session, findings)
    return [f"  - {places[f.id]}: {f.message_vi} Cách sửa: {f.hint}" for f in findings]


def compose(
    session: Session, plan: Plan, period: Period, kind: Kind, now: dt.datetime
) -> list[Message]:
    """The reminders (`remind`) or notices (`overdue`) due for a period, and the digest."""
    zone = ZoneInfo(plan.calendar.timezone)
    day = now.astimezone(zone).date().isoformat()
    steward = next(u for u in plan.units if u.code == plan.calendar.consolidating_unit)
    findings = _open_findings(session, plan, period.code)
    units = {u.code: u for u in plan.units}
    messages: list[Message] = []
    owing = [
        s
        for s in reporting_status.of_period(session, plan, period.code)
        if s.status not in _DONE and not (s.received and s.unit not in findings)
    ]
    for status in owing:
        unit = units[status.unit]
        late = kind is Kind.OVERDUE
        subject = f"[PAPI] {'Quá hạn' if late else 'Nhắc'} báo cáo {period.label_vi} – {unit.name}"
        body = (
            f"Kính gửi {unit.name},\n\n"
            f"Theo Kế hoạch số {plan.document.number}, đơn vị báo cáo kết quả thực hiện "
            f"{period.label_vi} {_deadline_vi(period)}"
            f"{' và hiện đã quá hạn' if late else ''}.\n"
            f"{_what_is_wrong(session, status, findings.get(status.unit, []))}\n\n"
            f"Đơn vị nộp tệp vào thư mục {unit.code} hoặc qua cổng tiếp nhận; "
            f"mọi vướng mắc xin liên hệ {steward.name}.\n"
        )
        emails = tuple(e for e in (unit.contact.email,) if e)
        if late and steward.contact.email:
            emails += (steward.contact.email,)
        messages.append(
            Message(
                key=f"{plan.id}/{period.code}/{unit.code}/{kind}/{day}",
                kind=kind,
                period=period.code,
                unit=unit.code,
                emails=emails,
                webhook=unit.contact.webhook,
                subject=subject,
                body=body,
                payload={
                    "kind": kind.value,
                    "unit": unit.code,
                    "period": period.code,
                    "received": status.received,
                    "open_findings": len(findings.get(status.unit, [])),
                    "unit_deadline": period.unit_deadline.isoformat(),
                },
            )
        )
    if findings:
        messages.append(_digest(plan, period, steward, findings, units, day))
    return messages


def _digest(
    plan: Plan,
    period: Period,
    steward: Unit,
    findings: dict[str, list[schema.Finding]],
    units: dict[str, Unit],
    day: str,
) -> Message:
    total = sum(len(f) for f in findings.values())
    lines = [
        f"Kính gửi {steward.name},\n",
        f"Các lỗi chưa xử lý của báo cáo {period.label_vi}: {total} lỗi ở {len(findings)} đơn vị.",
    ]
    for code, items in sorted(findings.items()):
        lines.append(f"  - {units[code].name}: {len(items)} lỗi")
    lines.append("\nXem chi tiết: papi-etl findings --period " + period.code)
    return Message(
        key=f"{plan.id}/{period.code}/{steward.code}/{Kind.DIGEST}/{day}",
        kind=Kind.DIGEST,
        period=period.code,
        unit=steward.code,
        emails=tuple(e for e in (steward.contact.email,) if e),
        webhook=steward.contact.webhook,
        subject=f"[PAPI] Tổng hợp lỗi báo cáo {period.label_vi}: {total} lỗi",
        body="\n".join(lines) + "\n",
        payload={"kind": "digest", "period": period.code, "open_findings": total},
    )
