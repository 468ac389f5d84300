"""When each flow runs, derived from the plan's calendar and orchestration: never a cron
written by hand per year.

Each job is an iCalendar RRULE (RFC 5545) in the calendar's local time, bounded by the
plan's validity (DTSTART at its start, UNTIL at its end), limited to the months in which
reports are due. The same rule is handed to Prefect (`deployments/`) and expanded here
with dateutil, so what `papi-etl schedule` prints is what Prefect will run. Once the plan's
validity has ended the rules give no further run, and `validity_ended` says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from papi_etl.calendar import Period
from papi_etl.plan.model import Plan


@dataclass(frozen=True)
class Job:
    """A deployment's schedule: which flow, the rule, and what it is for."""

    name: str
    flow: str
    rrule: str
    purpose_vi: str
    purpose_en: str


def deployment_name(plan: Plan, job: Job) -> str:
    """`<flow>/<plan>`, and `<flow>/<plan>-<job>` for a second schedule of the same flow."""
    suffix = "" if job.name == job.flow else f"-{job.name}"
    return f"{job.flow}/{plan.id}{suffix}"


def _months(plan: Plan) -> str:
    return ",".join(str(k.deadline_month) for k in plan.calendar.period_kinds)


def _days(first: int, last: int) -> str:
    return ",".join(str(day) for day in range(first, last + 1))


def _rule(plan: Plan, days: str, hours: str, minute: int) -> str:
    calendar = plan.calendar
    start = dt.datetime.combine(calendar.valid_from, dt.time())
    until = dt.datetime.combine(calendar.valid_until, dt.time(23, 59, 59))
    return (
        f"DTSTART:{start:%Y%m%dT%H%M%S}\n"
        f"RRULE:FREQ=DAILY;BYMONTH={_months(plan)};BYMONTHDAY={days};BYHOUR={hours};"
        f"BYMINUTE={minute};BYSECOND=0;UNTIL={until:%Y%m%dT%H%M%S}"
    )


def jobs(plan: Plan) -> list[Job]:
    """The five scheduled deployments of a plan; one for a city's plan (a plan with
    children): its consolidation, which rolls its districts up, while collecting,
    reminding and publishing are its districts' own."""
    o = plan.orchestration
    c = plan.calendar
    every = ",".join(str(h) for h in range(0, 24, o.collect_every_hours))
    if plan.children:
        return [
            Job(
                "consolidate",
                "consolidate",
                _rule(
                    plan,
                    str(o.consolidate_day),
                    str(o.consolidate_at.hour),
                    o.consolidate_at.minute,
                ),
                "Tổng hợp số liệu của các kế hoạch cấp dưới (quận)",
                "roll the districts' metrics up",
            )
        ]
    return [
        Job(
            "collect",
            "collect",
            _rule(plan, _days(o.collect_from_day, c.consolidated_deadline_day - 1), every, 0),
            f"Thu thập báo cáo mỗi {o.collect_every_hours} giờ đến hạn báo cáo tổng hợp",
            f"collect every {o.collect_every_hours} h until the consolidated deadline",
        ),
        Job(
            "remind",
            "remind",
            _rule(
                plan,
                ",".join(map(str, o.remind_days)),
                str(o.remind_at.hour),
                o.remind_at.minute,
            ),
            "Nhắc các đơn vị chưa có báo cáo hợp lệ, trước hạn nộp",
            "remind units without a valid report, before their deadline",
        ),
        Job(
            "overdue",
            "remind",
            _rule(
                plan,
                _days(c.unit_deadline_day, c.consolidated_deadline_day - 1),
                str(o.overdue_at.hour),
                o.overdue_at.minute,
            ),
            "Thông báo hằng ngày cho đơn vị quá hạn, đồng gửi Phòng Nội vụ",
            "daily notice to overdue units, copied to the steward",
        ),
        Job(
            "consolidate",
            "consolidate",
            _rule(
                plan, str(o.consolidate_day), str(o.consolidate_at.hour), o.consolidate_at.minute
            ),
            "Tổng hợp số liệu và dự thảo báo cáo sau hạn nộp của đơn vị",
            "metrics and the draft report after the units' deadline",
        ),
        Job(
            "publish",
            "publish",
            _rule(plan, str(o.publish_day), str(o.publish_at.hour), o.publish_at.minute),
            "Hoàn thiện và gửi báo cáo tổng hợp trước hạn",
            "final report and push before the consolidated deadline",
        ),
    ]


def runs(
    plan: Plan, job: Job, after: dt.datetime | None = None, before: dt.datetime | None = None
) -> list[dt.datetime]:
    """The aware run times of a job, optionally between two instants (inclusive)."""
    zone = ZoneInfo(plan.calendar.timezone)
    times = [t.replace(tzinfo=zone) for t in rrulestr(job.rrule)]
    return [t for t in times if (after is None or t >= after) and (before is None or t <= before)]


def runs_for_period(plan: Plan, job: Job, period: Period) -> list[dt.datetime]:
    """The runs that serve a period: those in the month of its consolidated deadline."""
    deadline = period.consolidated_deadline
    start = deadline.replace(day=1, hour=0, minute=0)
    return runs(plan, job, after=start, before=deadline)


def validity_ended(plan: Plan, now: dt.datetime) -> bool:
    zone = ZoneInfo(plan.calendar.timezone)
    return now.astimezone(zone).date() > plan.calendar.valid_until


def validity_ended_notice(plan: Plan) -> str:
    """What `schedule` and `serve` say when the plan's validity has ended: plainly, so that
    nobody waits for runs that will not come."""
    ended = f"{plan.calendar.valid_until:%d/%m/%Y}"
    return (
        f"Kế hoạch {plan.document.number} đã hết hiệu lực từ ngày {ended}: các lịch chạy "
        "không còn lần chạy nào mới.\n"
        f"The plan's validity ended on {ended}: its schedules start no further runs."
    )
