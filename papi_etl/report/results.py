"""Section II of the report: what was done, dimension by dimension.

It opens with the definition of the implementation index and the city's published PAPI
scores beside it (two different measures, side by side and labelled), with the index a year
earlier, then gives each PAPI dimension, and the plan's section III assignments, the index,
the results the units reported with their evidence (quoted, `reported`) and a table of its
tasks' status; its indicators, compared with earlier periods (`comparison`), are in
Phụ lục 4, where they take half the pages they took in each section.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from papi_etl.metrics import ASSIGNMENTS, WHOLE, PeriodMetrics
from papi_etl.metrics.model import ASSIGNMENTS_NAME_VI
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan, Task
from papi_etl.report import comparison, notation, reported
from papi_etl.report.model import Block, Bullets, Figure, Num, Paragraph, Section, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import (
    ESTIMATE_VI,
    INDEX_NAME,
    INDICATORS_ANNEX,
    STATUS_ORDER,
    dimension_title,
    district_index,
    issuer_parts,
    lower_first,
    quoted,
    task_title,
)
from papi_etl.schema import TaskStatus
from papi_etl.steward import AcceptedException

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


def groups(plan: Plan) -> list[tuple[str, str]]:
    """(code, title) of what the index is given for: the plan's dimensions, then its
    section III assignments ("Tổ chức thực hiện"). Bảng 2 and Biểu đồ 2 list the same."""
    found = [(d.code, dimension_title(d)) for d in plan.dimensions]
    if plan.assignments:
        found.append((ASSIGNMENTS, ASSIGNMENTS_NAME_VI))
    return found


def _context_table(plan: Plan, metrics: PeriodMetrics, year_ago: PeriodMetrics | None) -> Table:
    _, area = issuer_parts(plan)
    context = plan_context(plan, metrics).set_index("dimension")
    index = district_index(metrics)
    before = district_index(year_ago) if year_ago is not None else None
    rows = []
    for code, title in [*groups(plan), (WHOLE, "Chung")]:
        row = context.loc[code] if code in context.index else None
        earlier = () if before is None else (Num(before.get(code), Fmt.SCORE),)
        rows.append(
            (
                title,
                Num(None if row is None else float(row["score"]), Fmt.SCORE),
                notation.MISSING if row is None else _target_text(row),
                notation.MISSING if row is None else _meets_text(row),
                *earlier,
                Num(index.get(code), Fmt.SCORE),
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
    note += (
        f"{'Hai cột cuối' if before is not None else 'Cột cuối'}: {INDEX_NAME}; hai thước đo "
        f"khác nhau, không so sánh trực tiếp. {ASSIGNMENTS_NAME_VI}: các nhiệm vụ tại mục III "
        "của Kế hoạch, không thuộc nội dung nào của PAPI."
    )
    earlier_title = (
        () if year_ago is None else (f"Chỉ số thực hiện kế hoạch {year_ago.period_label}",)
    )
    return Table(
        key=CONTEXT_TABLE,
        title=f"Điểm PAPI của Thành phố và chỉ số thực hiện kế hoạch của {area}",
        columns=(
            "Nội dung",
            score_title,
            "Mục tiêu của Thành phố",
            "Đánh giá mục tiêu",
            *earlier_title,
            f"Chỉ số thực hiện kế hoạch {metrics.period_label}",
        ),
        rows=tuple(rows),
        widths=(4.4, 1.6, 1.6, 1.4, *(1.8 for _ in earlier_title), 1.8),
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


def _task_table(plan: Plan, tasks: Iterable[Task], rows: pd.DataFrame, title: str) -> Table:
    statuses = list(STATUS_ORDER)
    counts = rows.groupby(["task", "status"]).size()
    table_rows = []
    for task in tasks:
        required = len(assignments.reporting_units(plan, task))
        given = [int(counts.get((task.code, s), 0)) for s in statuses]
        table_rows.append(
            (
                task.code,
                task_title(task),
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
        rows=tuple(table_rows),
        widths=(1.0, 6.4, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1),
        note="Số đơn vị báo cáo theo từng tình trạng (chỉ tính báo cáo được tổng hợp).",
    )


def _index_sentence(
    metrics: PeriodMetrics, year_ago: PeriodMetrics | None, code: str, rows: pd.DataFrame
) -> str:
    """The dimension's index (and a year earlier), its task statuses, how many results
    are documented, and where its indicators are."""
    text = f"Chỉ số thực hiện kế hoạch: {notation.score(district_index(metrics).get(code))}/10"
    if year_ago is not None:
        text += (
            f" ({lower_first(year_ago.period_label)}: "
            f"{notation.score(district_index(year_ago).get(code))})"
        )
    text += f", không phải điểm PAPI. {_status_counts(metrics, code)}"
    documented = reported.documented(rows)
    if documented:
        text = f"{text.removesuffix('.')}; {documented} lượt có văn bản minh chứng."
    indicators = int((metrics.indicators["dimension"] == code).sum())
    if indicators:
        compared = comparison.baselines(metrics)
        against = f", so sánh với {lower_first(compared[0].label)}" if compared else ""
        text += f" Số liệu {indicators} chỉ tiêu của nội dung này{against}: {INDICATORS_ANNEX}."
    return text


def _dimension_sections(
    plan: Plan,
    metrics: PeriodMetrics,
    task_rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException],
    year_ago: PeriodMetrics | None,
) -> list[Section]:
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
        rows = task_rows[task_rows["dimension"] == code]
        blocks: list[Block] = [Paragraph(_index_sentence(metrics, year_ago, code, rows))]
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
        items = reported.quotes(metrics, rows, exceptions)
        if items:
            blocks += [Paragraph(reported.QUOTES_INTRO), Bullets(items)]
        blocks.append(_task_table(plan, tasks, rows, title))
        found.append(Section(f"{position}. {heading}", 2, tuple(blocks)))
    return found


def sections(
    plan: Plan,
    metrics: PeriodMetrics,
    task_rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException] = (),
    year_ago: PeriodMetrics | None = None,
) -> list[Section]:
    """Section II: the index and the city's PAPI context, then each dimension's results,
    tasks and indicators. `task_rows`: the counted task rows (`counted_task_rows`)."""
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
            _context_table(plan, metrics, year_ago),
            Figure(
                "chi-so-thuc-hien",
                "Chỉ số thực hiện kế hoạch theo nội dung (0–10), không phải điểm PAPI",
            ),
            Figure("xu-huong", "Chỉ số thực hiện kế hoạch qua các kỳ báo cáo"),
        ),
    )
    return [head, *_dimension_sections(plan, metrics, task_rows, exceptions, year_ago)]
