"""The body of the report: sections I-V, from the metrics and the plan.

The outline follows the usual form of a district's periodic report: how the units reported
(I), what was done, dimension by dimension (II, in `results`), the wards' ranking and what
needs chasing (III), difficulties (IV) and proposals (V). Tables and figures are numbered
in reading order once the sections are assembled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.plan.model import Plan
from papi_etl.report import notation, reported, results
from papi_etl.report.model import Block, Bullets, Figure, Num, Paragraph, Section, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import (
    DIFFICULTIES_ANNEX,
    PROPOSALS_ANNEX,
    boolean_vi,
    listed,
    lower_first,
    short_names,
)
from papi_etl.steward import AcceptedException

TEXTS_SHOWN = 12  # difficulties or proposals quoted in the body; all are in the annexes
REPORTING_TABLE = "Tỷ lệ báo cáo"  # keys of the tables the workbook repeats
RANKING_TABLE = "Xếp hạng phường"


def reporting_table(metrics: PeriodMetrics) -> Table:
    rows = tuple(
        (
            str(r.kind_label_vi),
            Num(r.expected, Fmt.INTEGER),
            Num(r.received, Fmt.INTEGER),
            Num(r.on_time, Fmt.INTEGER),
            Num(r.late, Fmt.INTEGER),
            Num(r.missing, Fmt.INTEGER),
            Num(r.reporting_rate, Fmt.PERCENT),
            Num(r.on_time_reporting_rate, Fmt.PERCENT),
        )
        for r in metrics.reporting.itertuples()
    )
    return Table(
        key=REPORTING_TABLE,
        title="Tình hình gửi báo cáo theo loại đơn vị",
        columns=(
            "Loại đơn vị",
            "Phải báo cáo",
            "Đã nhận",
            "Đúng hạn",
            "Trễ hạn",
            "Chưa gửi",
            "Tỷ lệ báo cáo",
            "Tỷ lệ đúng hạn",
        ),
        rows=rows,
        widths=(3.2, 1.3, 1.2, 1.2, 1.2, 1.2, 1.5, 1.5),
        note=(
            "Tỷ lệ báo cáo = số báo cáo đã nhận / số báo cáo phải gửi; tỷ lệ đúng hạn = số "
            "báo cáo nhận trước hạn / số báo cáo phải gửi (báo cáo sửa đổi gửi sau không làm "
            "thay đổi thời điểm gửi lần đầu)."
        ),
    )


def late_and_missing(metrics: PeriodMetrics) -> tuple[str, ...]:
    names = short_names(metrics)
    units = metrics.units
    late = units[units["received"] & units["on_time"].eq(False).fillna(False)]
    missing = units[~units["received"]]
    items = []
    if len(late):
        listed = ", ".join(
            f"{names[u.unit]} (nhận lúc {notation.moment(u.received_at)})"
            for u in late.itertuples()
        )
        items.append(f"Gửi trễ hạn ({len(late)}): {listed}.")
    if len(missing):
        items.append(
            f"Chưa gửi báo cáo ({len(missing)}): {', '.join(names[u] for u in missing['unit'])}."
        )
    if len(metrics.left_out):
        listed = "; ".join(
            f"{names[r.unit]} ({lower_first(str(r.reason_vi))})"
            for r in metrics.left_out.itertuples()
        )
        items.append(f"Chưa được tổng hợp ({len(metrics.left_out)}): {listed}.")
    return tuple(items)


def _reporting_section(metrics: PeriodMetrics, exceptions: Sequence[AcceptedException]) -> Section:
    blocks: list[Block] = [
        Paragraph(
            "Số báo cáo phải gửi, đã nhận và gửi đúng hạn theo từng loại đơn vị (danh sách "
            "từng đơn vị tại Phụ lục 1):"
        ),
        reporting_table(metrics),
        Figure("ty-le-bao-cao", "Tỷ lệ báo cáo và tỷ lệ đúng hạn theo loại đơn vị"),
    ]
    late_missing = late_and_missing(metrics)
    if late_missing:
        blocks += [
            Paragraph("Đơn vị gửi trễ hạn, chưa gửi hoặc chưa được tổng hợp:"),
            Bullets(late_missing),
        ]
    else:
        blocks.append(Paragraph("Tất cả các đơn vị đã gửi báo cáo đúng hạn và được tổng hợp."))
    if exceptions:
        blocks += [
            Paragraph(
                f"Lỗi được chấp nhận ngoại lệ ({len(exceptions)}; báo cáo có lỗi này vẫn được "
                "tổng hợp):"
            ),
            Bullets(reported.exception_items(metrics, exceptions)),
        ]
    return Section("I. TÌNH HÌNH TIẾP NHẬN BÁO CÁO CỦA CÁC ĐƠN VỊ", 1, tuple(blocks))


def ranking_table(metrics: PeriodMetrics) -> Table:
    names = short_names(metrics)
    rows = tuple(
        (
            notation.MISSING if pd.isna(r.rank) else str(int(r.rank)),
            names[r.unit],
            Num(r.implementation_index, Fmt.SCORE),
            Num(r.completeness, Fmt.PERCENT),
            boolean_vi(r.on_time),
        )
        for r in metrics.ward_ranking.itertuples()
    )
    return Table(
        key=RANKING_TABLE,
        title="Xếp hạng các phường theo chỉ số thực hiện kế hoạch",
        columns=(
            "Hạng",
            "Phường",
            "Chỉ số thực hiện kế hoạch (0–10)",
            "Mức độ đầy đủ",
            "Gửi đúng hạn",
        ),
        rows=rows,
        widths=(0.9, 3.6, 2.2, 1.6, 1.4),
        note=(
            "Xếp theo chỉ số thực hiện kế hoạch; khi bằng nhau, đơn vị gửi đúng hạn, có mức độ "
            "đầy đủ cao hơn, gửi sớm hơn đứng trước. Phường chưa có báo cáo được tổng hợp "
            "không được xếp hạng."
        ),
    )


def _not_started(metrics: PeriodMetrics) -> tuple[str, ...]:
    names = short_names(metrics)
    idle = metrics.lagging[metrics.lagging["reason"] == "not_started"]
    return tuple(
        f"{names[unit]}: {', '.join(group['task'])} chưa triển khai."
        for unit, group in idle.groupby("unit", sort=False)
    )


def _ranking_section(metrics: PeriodMetrics) -> Section:
    blocks: list[Block] = []
    if metrics.ward_ranking.empty:
        blocks.append(Paragraph("Kế hoạch không có phường báo cáo."))
    else:
        blocks.append(ranking_table(metrics))
    idle = _not_started(metrics)
    if idle:
        blocks += [
            Paragraph("Nhiệm vụ chưa triển khai khi đã qua giữa năm, cần đôn đốc:"),
            Bullets(idle),
        ]
    if late_and_missing(metrics):  # listed once, in section I
        blocks.append(
            Paragraph(
                "Đơn vị gửi trễ hạn, chưa gửi hoặc chưa được tổng hợp cần đôn đốc: xem mục I."
            )
        )
    return Section("III. XẾP HẠNG CÁC PHƯỜNG VÀ CÁC ĐƠN VỊ CẦN ĐÔN ĐỐC", 1, tuple(blocks))


def grouped_texts(metrics: PeriodMetrics, frame: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Each distinct text once, with the units that wrote it, most widely shared first."""
    names = short_names(metrics)
    by_text: dict[str, list[str]] = {}
    for row in frame.itertuples():
        who = by_text.setdefault(str(row.text), [])
        if names.get(row.unit, row.unit) not in who:
            who.append(names.get(row.unit, row.unit))
    return sorted(by_text.items(), key=lambda item: -len(item[1]))


def _texts_section(
    metrics: PeriodMetrics, frame: pd.DataFrame, heading: str, what: str, annex: str
) -> Section:
    grouped = grouped_texts(metrics, frame)
    if not grouped:
        return Section(heading, 1, (Paragraph(f"Các đơn vị không nêu {what}."),))
    items = [
        f"{text.rstrip('.')} ({listed(units, shown=2)})." for text, units in grouped[:TEXTS_SHOWN]
    ]
    if len(grouped) > TEXTS_SHOWN:
        items.append(f"Và {len(grouped) - TEXTS_SHOWN} ý kiến khác (xem {annex}).")
    intro = f"Các đơn vị nêu {len(grouped)} ý kiến về {what} (đơn vị nêu từng ý kiến tại {annex}):"
    return Section(heading, 1, (Paragraph(intro), Bullets(tuple(items))))


def _numbered(found: Iterable[Section]) -> tuple[Section, ...]:
    """Tables and figures numbered in reading order ("Bảng 3.", "Biểu đồ 2.")."""
    tables = figures = 0
    out = []
    for section in found:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                block = dataclasses.replace(block, title=f"Bảng {tables}. {block.title}")
            elif isinstance(block, Figure):
                figures += 1
                block = dataclasses.replace(block, caption=f"Biểu đồ {figures}. {block.caption}")
            blocks.append(block)
        out.append(dataclasses.replace(section, blocks=tuple(blocks)))
    return tuple(out)


def body(
    plan: Plan,
    metrics: PeriodMetrics,
    task_rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException] = (),
    year_ago: PeriodMetrics | None = None,
) -> tuple[Section, ...]:
    proposals = _texts_section(
        metrics, metrics.proposals, "V. ĐỀ XUẤT, KIẾN NGHỊ", "đề xuất, kiến nghị", PROPOSALS_ANNEX
    )
    closing = Paragraph(
        f"Trên đây là báo cáo kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI "
        f"{lower_first(metrics.period_label)} của {plan.document.issuer}./."
    )
    return _numbered(
        (
            _reporting_section(metrics, exceptions),
            *results.sections(plan, metrics, task_rows, exceptions, year_ago),
            _ranking_section(metrics),
            _texts_section(
                metrics,
                metrics.difficulties,
                "IV. KHÓ KHĂN, VƯỚNG MẮC",
                "khó khăn, vướng mắc",
                DIFFICULTIES_ANNEX,
            ),
            Section(proposals.heading, 1, (*proposals.blocks, closing)),
        )
    )
