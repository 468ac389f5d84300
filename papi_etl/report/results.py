"""Section II of the report: what was done, dimension by dimension.

It opens with the definition of the implementation index and the city's published PAPI
scores beside it (two different measures, side by side and labelled), then gives each PAPI
dimension, and the plan's section III assignments, a table of its tasks' status and a
table of its indicators.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from papi_etl.metrics import ASSIGNMENTS, PeriodMetrics
from papi_etl.metrics.model import ASSIGNMENTS_NAME_VI
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan, Task
from papi_etl.report import notation
from papi_etl.report.model import Block, Figure, Num, Paragraph, Section, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import (
    ESTIMATE_VI,
    INDEX_NAME,
    STATUS_ORDER,
    TREND_VI,
    change_fmt,
    dimension_title,
    district_index,
    indicator_fmt,
    issuer_parts,
    lower_first,
    quoted,
    shortened,
)
from papi_etl.schema import TaskStatus

INDEX_DEFINITION = (
    "Chỉ số thực hiện kế hoạch (thang 0–10) đo mức độ thực hiện các nhiệm vụ của Kế hoạch "
    "theo báo cáo của các đơn vị (hoàn thành: 1 điểm, đang triển khai: {dang}, chưa triển "
    "khai: {chua}, nhiệm vụ không phát sinh không tính), là trung bình của các đơn vị, nhân "
    "với 10. Đây không phải điểm PAPI: Chỉ số PAPI do khảo sát người dân đo cho cấp tỉnh, "
    "thành phố và không có điểm riêng cho cấp {level}."
)
CONTEXT_TABLE = "Điểm PAPI và chỉ số"  # the key of the table the overview repeats


def estimate_vi(estimate: str | None) -> str:
    return ESTIMATE_VI.get(estimate or "", estimate or "")


def plan_context(plan: Plan, metrics: PeriodMetrics) -> pd.DataFrame:
    """The city's PAPI scores of the plan's dimensions only (the plan names no others)."""
    context = metrics.papi_context
    return context[context["dimension"].isin([d.code for d in plan.dimensions])]


def _target_text(row: pd.Series) -> str:
    if notation.is_missing(row["target"]):
        return notation.MISSING
    return f"{row['target_op']} {notation.score(row['target'])}"


def _meets_text(row: pd.Series) -> str:
    value = row["meets_target"]
    if notation.is_missing(row["target"]) or value is pd.NA:
        return notation.MISSING
    return "Đạt" if bool(value) else "Chưa đạt"


def _context_table(plan: Plan, metrics: PeriodMetrics) -> Table:
    _, area = issuer_parts(plan)
    context = plan_context(plan, metrics).set_index("dimension")
    index = district_index(metrics)
    rows = []
    for dimension in plan.dimensions:
        row = context.loc[dimension.code] if dimension.code in context.index else None
        rows.append(
            (
                dimension_title(dimension),
                Num(None if row is None else float(row["score"]), Fmt.SCORE),
                notation.MISSING if row is None else _target_text(row),
                notation.MISSING if row is None else _meets_text(row),
                Num(index.get(dimension.code), Fmt.SCORE),
            )
        )
    rows.append(
        (
            "Chung",
            Num(None, Fmt.SCORE),
            notation.MISSING,
            notation.MISSING,
            Num(metrics.implementation_index_overall, Fmt.SCORE),
        )
    )
    year = metrics.papi_year
    city = plan.document.city
    score_title = f"Điểm PAPI năm {year} của Thành phố" if year else "Điểm PAPI của Thành phố"
    note = (
        f"Điểm PAPI: {city}, năm {year}, {estimate_vi(metrics.papi_estimate)} (thang 1–10 mỗi "
        "nội dung), kết quả gần nhất đã công bố tại thời điểm cuối kỳ báo cáo; mục tiêu: "
        f"mục tiêu của Thành phố cho năm {metrics.period_ends.year}. "
        if year
        else f"Chưa có kết quả PAPI của {city} được công bố tính đến cuối kỳ báo cáo. "
    )
    note += f"Cột cuối: {INDEX_NAME}; hai thước đo khác nhau, không so sánh trực tiếp."
    return Table(
        key=CONTEXT_TABLE,
        title=f"Điểm PAPI của Thành phố và chỉ số thực hiện kế hoạch của {area}",
        columns=(
            "Nội dung",
            score_title,
            "Mục tiêu của Thành phố",
            "Đánh giá mục tiêu",
            INDEX_NAME,
        ),
        rows=tuple(rows),
        widths=(4.4, 1.6, 1.6, 1.4, 2.2),
        note=note,
    )


def _status_counts(metrics: PeriodMetrics, dimension: str) -> str:
    frame = metrics.task_status_by_dimension
    rows = frame[frame["dimension"] == dimension].set_index("status").loc[list(STATUS_ORDER)]
    total = int(rows["tasks"].sum())
    if total == 0:
        return "Chưa có báo cáo được tổng hợp về các nhiệm vụ của nội dung này."
    parts = ", ".join(
        f"{lower_first(str(r.status_label_vi))} {int(r.tasks)} ({notation.percent(r.share)})"
        for r in rows.itertuples()
    )
    return f"Trong {total} lượt nhiệm vụ được các đơn vị báo cáo: {parts}."


def _task_table(
    plan: Plan, tasks: Iterable[Task], task_status: pd.DataFrame | None, title: str
) -> Table:
    statuses = list(STATUS_ORDER)
    counts = (
        task_status.pivot_table(index="task", columns="status", values="units", aggfunc="sum")
        if task_status is not None and len(task_status)
        else pd.DataFrame()
    )
    rows = []
    for task in tasks:
        required = len(assignments.reporting_units(plan, task))
        given = [
            int(counts.at[task.code, s])
            if task.code in counts.index
            and s in counts.columns
            and pd.notna(counts.at[task.code, s])
            else 0
            for s in statuses
        ]
        rows.append(
            (
                task.code,
                shortened(task.text),
                Num(required, Fmt.INTEGER),
                *(Num(n, Fmt.INTEGER) for n in given),
                Num(required - sum(given), Fmt.INTEGER),
            )
        )
    return Table(
        key=f"Nhiệm vụ – {title}",
        title=f"Tình hình thực hiện các nhiệm vụ – {title}",
        columns=(
            "Mã",
            "Nhiệm vụ",
            "Phải báo cáo",
            *(TaskStatus(s).label_vi for s in STATUS_ORDER),
            "Chưa có số liệu",
        ),
        rows=tuple(rows),
        widths=(1.1, 4.6, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2),
        note="Số đơn vị báo cáo theo từng tình trạng (chỉ tính báo cáo được tổng hợp).",
    )


def indicator_rows(plan: Plan, metrics: PeriodMetrics, dimension: str) -> tuple[tuple, ...]:
    by_code = {x.code: x for x in plan.indicators}
    frame = metrics.indicators[metrics.indicators["dimension"] == dimension]
    rows = []
    for r in frame.itertuples():
        fmt = indicator_fmt(by_code[r.indicator])
        rows.append(
            (
                str(r.name_vi),
                str(r.unit_of_measure),
                Num(r.previous_value, fmt),
                Num(r.value, fmt),
                Num(r.change, change_fmt(fmt)),
                TREND_VI.get(r.trend or "", notation.MISSING),
            )
        )
    return tuple(rows)


def _indicator_table(plan: Plan, metrics: PeriodMetrics, dimension: str, title: str) -> Table:
    return Table(
        key=f"Chỉ tiêu – {title}",
        title=f"Các chỉ tiêu – {title}",
        columns=("Chỉ tiêu", "Đơn vị tính", "Kỳ trước", "Kỳ này", "Tăng/giảm", "Đánh giá"),
        rows=indicator_rows(plan, metrics, dimension),
        widths=(5.4, 1.3, 1.4, 1.4, 1.3, 1.3),
        note=(
            "Số liệu tổng hợp từ các báo cáo được tổng hợp, tính từ đầu năm đối với chỉ tiêu "
            "cộng dồn; “Kỳ trước”: kỳ báo cáo trước trong cùng năm."
        ),
    )


def _dimension_sections(
    plan: Plan, metrics: PeriodMetrics, task_status: pd.DataFrame | None
) -> list[Section]:
    index = district_index(metrics)
    context = plan_context(plan, metrics).set_index("dimension")
    city = plan.document.city
    parts: list[tuple[str, str, str, list[Task]]] = [
        (d.code, f"Nội dung {quoted(d.name_vi)}", d.name_vi, list(d.tasks)) for d in plan.dimensions
    ]
    if plan.assignments:
        parts.append(
            (
                ASSIGNMENTS,
                f"{ASSIGNMENTS_NAME_VI} (mục III của Kế hoạch)",
                ASSIGNMENTS_NAME_VI,
                list(plan.assignments),
            )
        )
    found: list[Section] = []
    for position, (code, heading, title, tasks) in enumerate(parts, start=1):
        blocks: list[Block] = [
            Paragraph(
                f"Chỉ số thực hiện kế hoạch: {notation.score(index.get(code))}/10 "
                f"(không phải điểm PAPI). {_status_counts(metrics, code)}"
            )
        ]
        if code in context.index:
            row = context.loc[code]
            target = _target_text(row)
            blocks.append(
                Paragraph(
                    f"Điểm PAPI năm {metrics.papi_year} của {city}: "
                    f"{notation.score(row['score'])}; mục tiêu của Thành phố: {target} "
                    f"({lower_first(_meets_text(row))}).",
                    italic=True,
                )
            )
        blocks.append(_task_table(plan, tasks, task_status, title))
        if (metrics.indicators["dimension"] == code).any():
            blocks.append(_indicator_table(plan, metrics, code, title))
        found.append(Section(f"{position}. {heading}", 2, tuple(blocks)))
    return found


def sections(plan: Plan, metrics: PeriodMetrics, task_status: pd.DataFrame | None) -> list[Section]:
    weights = metrics.status_weights
    definition = INDEX_DEFINITION.format(
        dang=notation.formatted(weights.get("dang_trien_khai"), Fmt.DECIMAL),
        chua=notation.formatted(weights.get("chua_trien_khai"), Fmt.DECIMAL),
        level=issuer_parts(plan)[1].split()[0],
    )
    head = Section(
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ, GIẢI PHÁP",
        1,
        (
            Paragraph(definition, italic=True),
            _context_table(plan, metrics),
            Figure(
                "chi-so-thuc-hien",
                "Chỉ số thực hiện kế hoạch theo nội dung (0–10), không phải điểm PAPI",
            ),
            Figure("xu-huong", "Chỉ số thực hiện kế hoạch qua các kỳ báo cáo trong năm"),
        ),
    )
    return [head, *_dimension_sections(plan, metrics, task_status)]
