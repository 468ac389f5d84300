"""The reporting periods a plan's calendar rule gives, with their spans and deadlines.

461/KH-UBND, section III: units report "trước ngày 10 của tháng 3, tháng 6, tháng 9,
tháng 11" and Phòng Nội vụ reports the consolidated result "trước ngày 15" of the same
months. "Before the 10th" means a report that arrives at or after 00:00 on the 10th
(local time) is late, so a deadline here is that instant: a submission is on time when
`received_at < unit_deadline`.

A period belongs to the plan when its consolidated deadline falls within the plan's
validity: 461/KH-UBND was signed on 5 October 2018, so 2018 has only its yearly report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from papi_etl.errors import UnknownPeriodError
from papi_etl.plan.derived import per_plan
from papi_etl.plan.model import Calendar, MonthDay, Plan


@dataclass(frozen=True)
class Period:
    code: str
    kind: str
    year: int
    label_vi: str
    label_en: str
    starts: dt.date
    ends: dt.date
    unit_deadline: dt.datetime
    consolidated_deadline: dt.datetime

    def is_late(self, received_at: dt.datetime) -> bool:
        """True when a unit's report received at that (aware) instant missed the deadline."""
        return received_at >= self.unit_deadline


def _day(year: int, month_day: MonthDay) -> dt.date:
    return dt.date(year + month_day.year_offset, month_day.month, month_day.day)


def _periods_of(calendar: Calendar) -> list[Period]:
    zone = ZoneInfo(calendar.timezone)
    found: list[Period] = []
    for year in range(calendar.valid_from.year, calendar.valid_until.year + 1):
        for kind in calendar.period_kinds:
            month = kind.deadline_month
            consolidated = dt.datetime(year, month, calendar.consolidated_deadline_day, tzinfo=zone)
            if not calendar.valid_from <= consolidated.date() <= calendar.valid_until:
                continue
            found.append(
                Period(
                    code=f"{year}-{kind.code}",
                    kind=kind.code,
                    year=year,
                    label_vi=kind.label_vi.replace("{year}", str(year)),
                    label_en=kind.label_en.replace("{year}", str(year)),
                    starts=_day(year, kind.span_start),
                    ends=_day(year, kind.span_end),
                    unit_deadline=dt.datetime(year, month, calendar.unit_deadline_day, tzinfo=zone),
                    consolidated_deadline=consolidated,
                )
            )
    return sorted(found, key=lambda p: p.consolidated_deadline)


@per_plan
def _plan_periods(plan: Plan) -> tuple[Period, ...]:
    # Asked for every file collect takes in: worked out once per plan.
    return tuple(_periods_of(plan.calendar))


def periods(plan: Plan, year: int | None = None) -> list[Period]:
    """Every period of the plan in deadline order, or those of one year."""
    every = _plan_periods(plan)
    return list(every) if year is None else [p for p in every if p.year == year]


def period(plan: Plan, code: str) -> Period:
    """The period with that code; raises UnknownPeriodError naming the valid codes."""
    wanted = code.strip().upper()
    for candidate in _plan_periods(plan):
        if candidate.code.upper() == wanted:
            return candidate
    known = ", ".join(p.code for p in _plan_periods(plan))
    raise UnknownPeriodError(
        f"Period '{code}' is not in the calendar of plan {plan.id}; its periods are: {known}.",
        f"Kỳ báo cáo '{code}' không có trong lịch của kế hoạch {plan.document.number}; "
        f"các kỳ hợp lệ: {known}.",
    )


def year_ago(plan: Plan, period: Period) -> Period | None:
    """The period a report compares with a year earlier: the same period of the previous
    year; failing that, for the first period of its year (which has no earlier one to
    compare with), the previous year's last report. None when the plan has neither (the
    first report of 461/KH-UBND is 2018-Y: 2019-Q1 compares with it, 2019-Y with 2018-Y).
    """
    before = periods(plan, period.year - 1)
    same = next((p for p in before if p.kind == period.kind), None)
    if same is not None:
        return same
    first_of_year = periods(plan, period.year)[0] == period
    return before[-1] if first_of_year and before else None


def open_period(plan: Plan, now: dt.datetime) -> Period | None:
    """The period whose reporting window is open at `now`: the next consolidated deadline.

    None once the plan's last consolidated deadline has passed.
    """
    for candidate in _plan_periods(plan):
        if now < candidate.consolidated_deadline:
            return candidate
    return None


def resolve(plan: Plan, code: str | None, now: dt.datetime) -> Period:
    """The period asked for, or else the one whose window is open at `now` (flows default
    to it); raises UnknownPeriodError when there is none, saying the plan has ended."""
    if code:
        return period(plan, code)
    current = open_period(plan, now)
    if current is None:
        until = plan.calendar.valid_until
        raise UnknownPeriodError(
            f"No period given, and plan {plan.id} has no open reporting period: its validity "
            f"ended on {until:%d/%m/%Y}. Name a period (e.g. --period 2019-Q1).",
            f"Chưa nêu kỳ báo cáo và kế hoạch {plan.document.number} không còn kỳ báo cáo nào "
            f"đang mở: đã hết hiệu lực từ ngày {until:%d/%m/%Y}.",
        )
    return current
