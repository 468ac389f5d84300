"""The annex tables ("Phụ lục"): the full detail behind the body, one XLSX sheet each.

The body quotes what a reader needs; the annexes hold every unit, indicator and text, so
that a figure in the body can be traced to the units that make it up.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from papi_etl.metrics import ASSIGNMENTS, WHOLE, PeriodMetrics
from papi_etl.metrics.model import ASSIGNMENTS_NAME_VI
from papi_etl.plan.model import Plan
from papi_etl.report import comparison, notation, reported
from papi_etl.report.model import Num, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import (
    DIFFICULTIES_ANNEX,
    ESTIMATE_VI,
    INDEX_NAME,
    INDICATORS_ANNEX,
    PROPOSALS_ANNEX,
    STATUS_ORDER,
    boolean_vi,
    dimension_title,
    short_names,
    unit_index,
)
from papi_etl.schema import TaskStatus
from papi_etl.steward import AcceptedException

AGGREGATION_VI = {
    "sum": "Tổng",
    "mean": "Trung bình",
    "ratio_of_sums": "Tổng tử số / tổng mẫu số",
}
LAGGING_VI = {
    "late": "Gửi trễ hạn",
    "missing": "Chưa gửi báo cáo",
    "invalid": "Báo cáo không hợp lệ",
    "not_validated": "Báo cáo chưa được kiểm tra",
    "not_started": "Nhiệm vụ chưa triển khai",
}


def _units(metrics: PeriodMetrics, notes: dict[str, str]) -> Table:
    kinds = dict(zip(metrics.reporting["kind"], metrics.reporting["kind_label_vi"], strict=True))
    completeness = metrics.completeness.set_index("unit")["completeness"]
    index = unit_index(metrics)
    rows = []
    for number, u in enumerate(metrics.units.itertuples(), start=1):
        overall = index.at[u.unit, WHOLE] if u.unit in index.index else None
        rows.append(
            (
                Num(number, Fmt.INTEGER),
                str(u.short_name),
                str(kinds.get(u.kind, u.kind)),
                boolean_vi(u.received),
                boolean_vi(u.on_time),
                notation.MISSING if pd.isna(u.received_at) else notation.moment(u.received_at),
                Num(None if pd.isna(u.version) else int(u.version), Fmt.INTEGER),
                boolean_vi(u.counted),
                Num(completeness.get(u.unit), Fmt.PERCENT),
                Num(overall, Fmt.SCORE),
                str(u.left_out_reason_vi or notes.get(u.unit, "")),
            )
        )
    return Table(
        key="PL1 Báo cáo của đơn vị",
        title="Phụ lục 1. Tình hình báo cáo của từng đơn vị",
        columns=(
            "STT",
            "Đơn vị",
            "Loại đơn vị",
            "Đã gửi",
            "Đúng hạn",
            "Thời điểm gửi lần đầu",
            "Phiên bản",
            "Được tổng hợp",
            "Mức độ đầy đủ",
            "Chỉ số thực hiện kế hoạch (0–10)",
            "Ghi chú",
        ),
        rows=tuple(rows),
        widths=(0.9, 3.6, 2.0, 1.0, 1.0, 1.9, 1.0, 1.2, 1.3, 1.5, 3.0),
    )


def _index_by_unit(plan: Plan, metrics: PeriodMetrics) -> Table:
    index = unit_index(metrics)
    codes = [d.code for d in plan.dimensions] + ([ASSIGNMENTS] if plan.assignments else [])
    titles = [dimension_title(d) for d in plan.dimensions]
    titles += [ASSIGNMENTS_NAME_VI] if plan.assignments else []
    names = short_names(metrics)
    rows = []
    for unit in metrics.units["unit"]:
        values = [
            index.at[unit, code] if unit in index.index and code in index.columns else None
            for code in [*codes, WHOLE]
        ]
        rows.append((names[unit], *(Num(v, Fmt.SCORE) for v in values)))
    return Table(
        key="PL2 Chỉ số theo đơn vị",
        title="Phụ lục 2. Chỉ số thực hiện kế hoạch (0–10) theo đơn vị và nội dung",
        columns=("Đơn vị", *titles, "Chung"),
        rows=tuple(rows),
        widths=(3.2, *(1.4 for _ in codes), 1.2),
        note=f"{INDEX_NAME}. Ô trống (–): đơn vị không có nhiệm vụ được đánh giá.",
    )


def _status_by_dimension(metrics: PeriodMetrics) -> Table:
    frame = metrics.task_status_by_dimension
    rows = []
    for dimension, group in frame.groupby("dimension", sort=False):
        counts = dict(zip(group["status"], group["tasks"], strict=True))
        total = int(group["tasks"].sum())
        done = counts.get(TaskStatus.HOAN_THANH.value, 0)
        name = str(group["dimension_name_vi"].iloc[0])
        rows.append(
            (
                name if dimension != WHOLE else "Tổng cộng",
                *(Num(counts.get(s, 0), Fmt.INTEGER) for s in STATUS_ORDER),
                Num(total, Fmt.INTEGER),
                Num(done / total * 100 if total else None, Fmt.PERCENT),
            )
        )
    return Table(
        key="PL3 Tình trạng nhiệm vụ",
        title="Phụ lục 3. Tình trạng thực hiện nhiệm vụ theo nội dung (lượt đơn vị báo cáo)",
        columns=(
            "Nội dung",
            *(TaskStatus(s).label_vi for s in STATUS_ORDER),
            "Tổng",
            "Tỷ lệ hoàn thành",
        ),
        rows=tuple(rows),
        widths=(4.0, 1.4, 1.4, 1.4, 1.4, 1.2, 1.4),
    )


def _indicators(plan: Plan, metrics: PeriodMetrics) -> Table:
    by_code = {x.code: x for x in plan.indicators}
    numbers = {d.code: str(d.number) for d in plan.dimensions}
    rows = []
    for _, r in metrics.indicators.iterrows():
        how = AGGREGATION_VI.get(r["aggregate_units"], str(r["aggregate_units"]))
        if r["aggregate_periods"] == "cumulative":
            how += ", lũy kế"
        rows.append(
            (
                str(r["indicator"]),
                str(r["name_vi"]),
                str(r["unit_of_measure"]),
                numbers.get(r["dimension"], str(r["dimension"])),
                how,
                Num(r["units_reporting"], Fmt.INTEGER),
                *comparison.cells(metrics, r, by_code[r["indicator"]]),
            )
        )
    return Table(
        key="PL4 Chỉ tiêu",
        title=f"{INDICATORS_ANNEX}. Các chỉ tiêu tổng hợp",
        columns=(
            "Mã",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Nội dung",
            "Cách tổng hợp",
            "Số đơn vị báo cáo",
            *comparison.columns(metrics),
        ),
        rows=tuple(rows),
        widths=(0.8, 4.6, 1.1, 0.9, 2.2, 1.0, *comparison.widths(metrics)),
        note=(
            f"Nội dung: số thứ tự nội dung tại mục II; {ASSIGNMENTS}: {ASSIGNMENTS_NAME_VI}. "
            "Cách tổng hợp: tổng, trung bình của các đơn vị hoặc tỷ lệ tổng tử số trên tổng "
            "mẫu số; lũy kế: cộng dồn từ đầu năm đến cuối kỳ báo cáo"
            + (f"; {compared}." if (compared := comparison.note(metrics)) else ".")
        ),
    )


def _lagging(metrics: PeriodMetrics) -> Table:
    names = short_names(metrics)
    rows = tuple(
        (
            Num(number, Fmt.INTEGER),
            names.get(r.unit, str(r.name)),
            LAGGING_VI.get(r.reason, str(r.reason)),
            str(r.task),
            str(r.detail_vi),
        )
        for number, r in enumerate(metrics.lagging.itertuples(), start=1)
    )
    return Table(
        key="PL5 Đơn vị cần đôn đốc",
        title="Phụ lục 5. Đơn vị gửi trễ, chưa gửi, chưa được tổng hợp và nhiệm vụ cần đôn đốc",
        columns=("STT", "Đơn vị", "Vấn đề", "Nhiệm vụ", "Chi tiết"),
        rows=rows,
        widths=(0.9, 3.2, 2.4, 1.1, 6.0),
    )


def _texts(metrics: PeriodMetrics, frame: pd.DataFrame, key: str, title: str) -> Table:
    """Each distinct text once, with every unit that wrote it and the tasks it wrote it on:
    the same text on many tasks of many units is one row, and nothing is dropped."""
    names = short_names(metrics)
    by_text: dict[str, dict[str, list[str]]] = {}
    for r in frame.itertuples():
        units = by_text.setdefault(str(r.text), {})
        units.setdefault(names.get(r.unit, str(r.name)), []).append(str(r.task))
    ordered = sorted(by_text.items(), key=lambda item: -len(item[1]))
    rows = tuple(
        (
            Num(number, Fmt.INTEGER),
            text,
            Num(len(units), Fmt.INTEGER),
            "; ".join(f"{unit} ({', '.join(tasks)})" for unit, tasks in units.items()),
        )
        for number, (text, units) in enumerate(ordered, start=1)
    )
    return Table(
        key=key,
        title=title,
        columns=("STT", "Nội dung", "Số đơn vị", "Đơn vị nêu (nhiệm vụ)"),
        rows=rows,
        widths=(0.7, 4.0, 1.0, 8.5),
        note=f"{len(frame)} lượt nêu của các đơn vị, gộp theo nội dung.",
    )


def _papi(plan: Plan, metrics: PeriodMetrics) -> Table:
    names = {d.code: dimension_title(d) for d in plan.dimensions}
    names["total"] = "Tổng điểm"
    rows = tuple(
        (
            names.get(r.dimension, f"{r.dimension} (nội dung ngoài Kế hoạch)"),
            Num(r.score, Fmt.SCORE),
            notation.MISSING
            if notation.is_missing(r.target)
            else f"{r.target_op} {notation.score(r.target)}",
            notation.MISSING
            if notation.is_missing(r.target)
            else ("Đạt" if bool(r.meets_target) else "Chưa đạt"),
            str(r.year),
            ESTIMATE_VI.get(str(r.estimate), str(r.estimate)),
        )
        for r in metrics.papi_context.itertuples()
    )
    return Table(
        key="PL8 Điểm PAPI Thành phố",
        title=f"Phụ lục 8. Điểm PAPI đã công bố của {plan.document.city}",
        columns=("Nội dung", "Điểm", "Mục tiêu", "Đánh giá", "Năm khảo sát", "Loại ước lượng"),
        rows=rows,
        widths=(4.6, 1.2, 1.3, 1.3, 1.3, 1.8),
        note=(
            "PAPI đo ở cấp tỉnh, thành phố; tổng điểm từ năm 2018 gồm 8 nội dung nên không so "
            "sánh được với các năm trước."
            if len(rows)
            else "Chưa có kết quả PAPI được công bố tính đến cuối kỳ báo cáo."
        ),
    )


def tables(
    plan: Plan,
    metrics: PeriodMetrics,
    task_rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException],
) -> tuple[Table, ...]:
    """Phụ lục 1-9, in the order the body refers to them."""
    return (
        _units(metrics, reported.exception_notes(exceptions)),
        _index_by_unit(plan, metrics),
        _status_by_dimension(metrics),
        _indicators(plan, metrics),
        _lagging(metrics),
        _texts(
            metrics,
            metrics.difficulties,
            "PL6 Khó khăn vướng mắc",
            f"{DIFFICULTIES_ANNEX}. Khó khăn, vướng mắc các đơn vị nêu",
        ),
        _texts(
            metrics,
            metrics.proposals,
            "PL7 Đề xuất kiến nghị",
            f"{PROPOSALS_ANNEX}. Đề xuất, kiến nghị của các đơn vị",
        ),
        _papi(plan, metrics),
        reported.annex(plan, metrics, task_rows, exceptions),
    )
