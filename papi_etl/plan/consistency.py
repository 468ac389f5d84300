"""The rules that span several parts of a plan file.

Each rule returns problems located in the file, so that `plan check` can list every fault
at once: a steward correcting a plan should not have to run the check once per mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from papi_etl import calendar as reporting_calendar
from papi_etl.errors import PlanProblem
from papi_etl.plan.model import Plan, Task, ValueType
from papi_etl.plan.source import Location, PlanSource


def _duplicates(
    source: PlanSource, items: Iterable[tuple[Location, str]], what_en: str, what_vi: str
) -> Iterator[PlanProblem]:
    first: dict[str, Location] = {}
    for location, code in items:
        key = code.upper()
        if key in first:
            line = source.line(first[key])
            yield source.problem(
                location,
                f"Duplicate {what_en} code '{code}': it is already used at line {line}.",
                f"Mã {what_vi} '{code}' bị trùng: đã dùng ở dòng {line}.",
            )
        else:
            first[key] = location


def _tasks(plan: Plan) -> Iterator[tuple[Location, Task]]:
    for d, dimension in enumerate(plan.dimensions):
        for t, task in enumerate(dimension.tasks):
            yield ("dimensions", d, "tasks", t), task
    for a, task in enumerate(plan.assignments):
        yield ("assignments", a), task


def check(plan: Plan, source: PlanSource) -> list[PlanProblem]:
    """Every cross-reference fault of a schema-valid plan; empty when the plan holds together."""
    problems: list[PlanProblem] = []
    problems += _duplicates(
        source,
        [(("units", i, "code"), u.code) for i, u in enumerate(plan.units)]
        + [(("groups", i, "code"), g.code) for i, g in enumerate(plan.groups)],
        "unit or group",
        "đơn vị hoặc nhóm đơn vị",
    )
    problems += _duplicates(
        source,
        [(("dimensions", i, "code"), d.code) for i, d in enumerate(plan.dimensions)],
        "dimension",
        "lĩnh vực",
    )
    problems += _duplicates(
        source, [((*loc, "code"), task.code) for loc, task in _tasks(plan)], "task", "nhiệm vụ"
    )
    problems += _duplicates(
        source,
        [(("indicators", i, "code"), x.code) for i, x in enumerate(plan.indicators)],
        "indicator",
        "chỉ tiêu",
    )
    problems += _unit_references(plan, source)
    problems += _indicator_references(plan, source)
    problems += _dimension_count(plan, source)
    problems += _calendar(plan, source)
    problems += _orchestration(plan, source)
    problems += _children(plan, source)
    return problems


def _unit_references(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    known = {u.code.upper() for u in plan.units} | {g.code.upper() for g in plan.groups}
    shown = ", ".join(sorted([u.code for u in plan.units] + [g.code for g in plan.groups]))

    def unknown(location: Location, code: str) -> PlanProblem:
        return source.problem(
            location,
            f"Unknown unit code '{code}'. Known unit and group codes: {shown}.",
            f"Mã đơn vị '{code}' không có trong danh sách đơn vị và nhóm đơn vị của kế hoạch.",
        )

    for location, task in _tasks(plan):
        for field in ("lead_units", "coordinating_units", "reporting_units"):
            for i, code in enumerate(getattr(task, field)):
                if code.upper() not in known:
                    yield unknown((*location, field, i), code)
    for i, indicator in enumerate(plan.indicators):
        for j, code in enumerate(indicator.reporting_units or []):
            if code.upper() not in known:
                yield unknown(("indicators", i, "reporting_units", j), code)
    if plan.calendar.consolidating_unit.upper() not in known:
        yield unknown(("calendar", "consolidating_unit"), plan.calendar.consolidating_unit)


def _indicator_references(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    task_codes = {task.code.upper() for _, task in _tasks(plan)}
    by_code = {x.code.upper(): x for x in plan.indicators}
    for i, indicator in enumerate(plan.indicators):
        for j, code in enumerate(indicator.tasks):
            if code.upper() not in task_codes:
                yield source.problem(
                    ("indicators", i, "tasks", j),
                    f"Indicator {indicator.code} is tied to task '{code}', "
                    "which the plan does not have.",
                    f"Chỉ tiêu {indicator.code} gắn với nhiệm vụ '{code}' không có trong kế hoạch.",
                )
        if indicator.ratio is None:
            continue
        if indicator.reporting_units:
            yield source.problem(
                ("indicators", i, "reporting_units"),
                f"Indicator {indicator.code} is a ratio computed by the system; "
                "it cannot have reporting units (write reporting_units: []).",
                f"Chỉ tiêu {indicator.code} là tỷ lệ do hệ thống tính; không giao đơn vị báo cáo.",
            )
        for part in ("numerator", "denominator"):
            code = getattr(indicator.ratio, part)
            target = by_code.get(code.upper())
            if target is None or target.value_type is not ValueType.COUNT:
                yield source.problem(
                    ("indicators", i, "ratio", part),
                    f"The {part} of ratio indicator {indicator.code} must be a count "
                    f"indicator of the plan; '{code}' is not.",
                    f"Tử số/mẫu số của chỉ tiêu tỷ lệ {indicator.code} phải là một chỉ tiêu "
                    f"đếm của kế hoạch; '{code}' không phải.",
                )


def _dimension_count(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    numbers = [d.number for d in plan.dimensions]
    for i, dimension in enumerate(plan.dimensions):
        if dimension.number > plan.papi_dimensions:
            yield source.problem(
                ("dimensions", i, "number"),
                f"Dimension {dimension.code} has number {dimension.number}, but the plan "
                f"follows the {plan.papi_dimensions}-dimension PAPI.",
                f"Lĩnh vực {dimension.code} có số thứ tự {dimension.number}, vượt quá "
                f"{plan.papi_dimensions} lĩnh vực của PAPI mà kế hoạch áp dụng.",
            )
        if numbers.index(dimension.number) != i:
            yield source.problem(
                ("dimensions", i, "number"),
                f"Dimension number {dimension.number} is used twice.",
                f"Số thứ tự lĩnh vực {dimension.number} bị trùng.",
            )


def _calendar(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    calendar = plan.calendar
    try:
        ZoneInfo(calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield source.problem(
            ("calendar", "timezone"),
            f"Unknown time zone '{calendar.timezone}' (expected e.g. Asia/Ho_Chi_Minh).",
            f"Múi giờ '{calendar.timezone}' không hợp lệ.",
        )
        return
    if not reporting_calendar.periods(plan):
        yield source.problem(
            ("calendar",),
            "The calendar gives no reporting period within the plan's validity "
            f"({calendar.valid_from} to {calendar.valid_until}).",
            "Lịch báo cáo không có kỳ báo cáo nào trong thời gian hiệu lực của kế hoạch.",
        )
    codes = [k.code.upper() for k in calendar.period_kinds]
    for i, kind in enumerate(calendar.period_kinds):
        if codes.index(kind.code.upper()) != i:
            yield source.problem(
                ("calendar", "period_kinds", i, "code"),
                f"Duplicate period kind '{kind.code}'.",
                f"Loại kỳ báo cáo '{kind.code}' bị trùng.",
            )


def _orchestration(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    """The flows must run on the right side of the deadlines they serve."""
    jobs = plan.orchestration
    unit_day = plan.calendar.unit_deadline_day
    final_day = plan.calendar.consolidated_deadline_day
    checks = [
        (
            ("remind_days",),
            all(d < unit_day for d in jobs.remind_days),
            f"reminders must fall before the units' deadline day ({unit_day})",
            f"ngày nhắc nhở phải trước hạn nộp của đơn vị (ngày {unit_day})",
        ),
        (
            ("collect_from_day",),
            jobs.collect_from_day < unit_day,
            f"collection must start before the units' deadline day ({unit_day})",
            f"việc thu thập phải bắt đầu trước hạn nộp của đơn vị (ngày {unit_day})",
        ),
        (
            ("consolidate_day",),
            unit_day <= jobs.consolidate_day < final_day,
            f"consolidation must fall from the units' deadline day ({unit_day}) and before the "
            f"consolidated deadline day ({final_day})",
            f"ngày tổng hợp phải từ hạn nộp của đơn vị (ngày {unit_day}) đến trước hạn báo cáo "
            f"tổng hợp (ngày {final_day})",
        ),
        (
            ("publish_day",),
            jobs.consolidate_day <= jobs.publish_day < final_day,
            f"publishing must fall after consolidation and before the consolidated deadline day "
            f"({final_day})",
            f"ngày gửi báo cáo phải sau ngày tổng hợp và trước hạn báo cáo tổng hợp "
            f"(ngày {final_day})",
        ),
    ]
    for field, holds, message_en, message_vi in checks:
        if not holds:
            yield source.problem(
                ("orchestration", *field),
                f"The schedule does not fit the calendar: {message_en}.",
                f"Lịch chạy không khớp với lịch báo cáo: {message_vi}.",
            )


def _children(plan: Plan, source: PlanSource) -> Iterator[PlanProblem]:
    """A roll-up plan names each child once, not itself, with a file that exists; and gives
    its own units no task, since its metrics are its children's."""
    if not plan.children:
        return
    yield from _duplicates(
        source,
        [(("children", i, "id"), c.id) for i, c in enumerate(plan.children)],
        "child plan",
        "kế hoạch cấp dưới",
    )
    here = Path(source.path).parent
    for i, child in enumerate(plan.children):
        if child.id.upper() == plan.id.upper():
            yield source.problem(
                ("children", i, "id"),
                f"The plan lists itself ({child.id}) among its children.",
                f"Kế hoạch tự liệt kê chính mình ({child.id}) trong danh sách kế hoạch cấp dưới.",
            )
        if child.file is not None and not (here / child.file).is_file():
            yield source.problem(
                ("children", i, "file"),
                f"The plan file of child {child.id} does not exist: {here / child.file}.",
                f"Không tìm thấy tệp kế hoạch của {child.id}: {here / child.file}.",
            )
    for location, task in _tasks(plan):
        yield source.problem(
            location,
            f"Task {task.code}: a plan with children gives its own units no task (its "
            "metrics are its children's, rolled up); put the task in a child's plan.",
            f"Nhiệm vụ {task.code}: kế hoạch có kế hoạch cấp dưới không giao nhiệm vụ cho đơn "
            "vị của mình (số liệu là tổng hợp từ cấp dưới); hãy đưa nhiệm vụ vào kế hoạch cấp "
            "dưới.",
        )
    for i, indicator in enumerate(plan.indicators):
        yield source.problem(
            ("indicators", i),
            f"Indicator {indicator.code}: a plan with children has no indicators of its own.",
            f"Chỉ tiêu {indicator.code}: kế hoạch có kế hoạch cấp dưới không có chỉ tiêu riêng.",
        )
