"""`papi-etl metrics`: compute a period's metrics, store them, and show them.

`--json` prints `PeriodMetrics.to_dict()`: the scalars at the top level (among them
`reporting_rate` and `on_time_reporting_rate`, in percent) and every frame as a list of
records. For a plan with children (a city's), the metrics are its districts' rolled up
and `--json` prints `RollUp.to_dict()` (`papi_etl.metrics.rollup`). The human output is in
Vietnamese, with Vietnamese number notation ("90,0 %").
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from papi_etl import calendar
from papi_etl.cli.context import JsonOption, PeriodOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.numbers_vi import format_decimal, format_percent, format_signed
from papi_etl.store.schema import WHOLE
from papi_etl.store.types import LOCAL_ZONE
from papi_etl.workspace import open_workspace

if TYPE_CHECKING:
    from papi_etl.metrics.model import PeriodMetrics
    from papi_etl.metrics.rollup import RollUp

# `papi_etl.metrics` (and pandas with it) is imported when the command runs, so that
# `papi-etl --help` and the other commands start without it.

_TREND_VI = {"improved": "tốt lên", "worsened": "xấu đi", "unchanged": "không đổi"}
_LAGGING_VI = {
    "late": "nộp trễ hạn",
    "missing": "chưa nộp",
    "invalid": "không hợp lệ",
    "not_validated": "chưa được kiểm tra",
    "not_started": "nhiệm vụ chưa triển khai",
}


def metrics(
    period: PeriodOption,
    plan: PlanOption = None,
    papi_scores: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Điểm PAPI của thành phố (CSV; mặc định: số liệu kèm theo). / The city's PAPI "
            "scores (CSV; default: the bundled reference).",
            show_default=False,
        ),
    ] = None,
    papi_targets: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Mục tiêu PAPI của thành phố (CSV; mặc định: số liệu kèm theo). / The city's "
            "PAPI targets (CSV; default: the bundled reference).",
            show_default=False,
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Tính các chỉ số của kỳ, lưu vào bảng metric_values và in ra. / Compute the period's
    metrics, store them in metric_values and print them."""
    from papi_etl.metrics.period import compute_and_store

    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period)
    workspace = open_workspace(settings(), loaded, create=False)
    if loaded.plan.children:
        from papi_etl.metrics.rollup import roll_up_and_store

        rolled, stored = roll_up_and_store(workspace.sessions, loaded.plan, wanted.code)
        if json:
            emit_json(rolled.to_dict())
            return
        for line in rolled_up(rolled, loaded.plan.document.district):
            echo(line)
        echo()
        echo(f"Đã lưu {stored} giá trị vào bảng metric_values.")
        return
    result, stored = compute_and_store(
        workspace.sessions, loaded.plan, wanted.code, papi_scores, papi_targets
    )
    if json:
        emit_json(result.to_dict())
        return
    for line in _human(result):
        echo(line)
    echo()
    echo(f"Đã lưu {stored} giá trị vào bảng metric_values.")


def _human(m: PeriodMetrics) -> list[str]:
    lines = [
        f"{m.period_label} ({m.period_code}): số liệu từ {m.period_starts:%d/%m/%Y} "
        f"đến {m.period_ends:%d/%m/%Y}, hạn nộp của đơn vị {m.unit_deadline:%d/%m/%Y}.",
        "",
        "TÌNH HÌNH BÁO CÁO",
        f"  Đã nhận {m.received}/{m.expected} báo cáo: tỷ lệ báo cáo "
        f"{format_percent(m.reporting_rate)}, đúng hạn {format_percent(m.on_time_reporting_rate)}.",
    ]
    for row in m.reporting[m.reporting["kind"] != WHOLE].itertuples(index=False):
        lines.append(
            f"  - {row.kind_label_vi}: {row.received}/{row.expected}, "
            f"tỷ lệ {format_percent(row.reporting_rate)}, "
            f"đúng hạn {format_percent(row.on_time_reporting_rate)}"
        )
    lines.append(
        f"  Mức độ đầy đủ của các báo cáo được tính: {format_percent(m.completeness_rate)}."
    )
    if len(m.left_out):
        lines.append(f"  Không được tính vào tổng hợp: {len(m.left_out)} báo cáo.")
        for row in m.left_out.itertuples(index=False):
            lines.append(f"  - {row.name}: {row.reason_vi}")

    lines += ["", "CHỈ SỐ THỰC HIỆN KẾ HOẠCH (thang 0-10; không phải điểm PAPI)"]
    lines.append(f"  Toàn quận: {format_decimal(m.implementation_index_overall, 2)}")
    index = m.implementation_index
    names = m.task_status_by_dimension.drop_duplicates("dimension").set_index("dimension")[
        "dimension_name_vi"
    ]
    for row in index[(index["unit"] == WHOLE) & (index["dimension"] != WHOLE)].itertuples():
        lines.append(
            f"  - {row.dimension} {names.get(row.dimension, '')}: "
            f"{format_decimal(row.implementation_index, 2)}"
        )
    ranked = m.ward_ranking[m.ward_ranking["rank"].notna()]
    if len(ranked):
        lines += ["", "XẾP HẠNG PHƯỜNG THEO CHỈ SỐ THỰC HIỆN"]
        for row in ranked.itertuples(index=False):
            lines.append(f"  {row.rank}. {row.name}: {format_decimal(row.implementation_index, 2)}")

    given = m.indicators[m.indicators["value"].notna()]
    lines += ["", f"CHỈ TIÊU ({len(given)}/{len(m.indicators)} có số liệu)"]
    for row in given.itertuples(index=False):
        places = 0 if row.value_type == "count" and row.aggregate_units == "sum" else 1
        value = format_decimal(row.value, places)
        text = f"  - {row.indicator} {row.name_vi}: {value} {row.unit_of_measure}"
        if not _missing(row.change):
            text += f" ({format_signed(row.change, places)} so với kỳ trước"
            text += f", {_TREND_VI[row.trend]})" if row.trend else ")"
        lines.append(text)

    if len(m.lagging):
        lines += ["", "ĐƠN VỊ CHẬM, THIẾU"]
        counts = m.lagging["reason"].value_counts()
        lines.append(
            "  "
            + "; ".join(f"{_LAGGING_VI[r]}: {n}" for r, n in counts.items() if r in _LAGGING_VI)
        )
        for row in m.lagging[m.lagging["reason"] != "not_started"].itertuples(index=False):
            lines.append(f"  - {row.name}: {row.detail_vi}")

    lines += ["", f"KHÓ KHĂN, VƯỚNG MẮC: {len(m.difficulties)}; ĐỀ XUẤT: {len(m.proposals)}"]

    lines += ["", "BỐI CẢNH: CHỈ SỐ PAPI CỦA THÀNH PHỐ (cấp tỉnh; không có điểm PAPI cấp quận)"]
    if m.papi_year is None:
        lines.append(f"  Chưa có kết quả PAPI nào được công bố trước {m.period_ends:%d/%m/%Y}.")
    else:
        lines.append(f"  PAPI {m.papi_year} (ước lượng: {m.papi_estimate}):")
        for row in m.papi_context.itertuples(index=False):
            label = "Tổng điểm" if row.dimension == "total" else row.dimension
            text = f"  - {label}: {format_decimal(row.score, 2)}"
            if not _missing(row.target):
                met = "đạt" if row.meets_target else "chưa đạt"
                text += f" (mục tiêu {row.target_op} {format_decimal(row.target, 2)}: {met})"
            lines.append(text)
    return lines


def _missing(value: object) -> bool:
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, pandas.NA
        return True


def rolled_up(r: RollUp, area: str) -> list[str]:
    """A roll-up in Vietnamese: the reporting of all the children's units, the index, and
    the children ranked (`area` names the whole: the city)."""
    lines = [
        f"{r.period_label} ({r.period_code}): tổng hợp từ {len(r.districts)}/{r.children} kế "
        "hoạch cấp dưới đã có số liệu.",
        "",
        "TÌNH HÌNH BÁO CÁO",
        f"  Đã nhận {r.received}/{r.expected} báo cáo: tỷ lệ báo cáo "
        f"{format_percent(r.reporting_rate)}, đúng hạn {format_percent(r.on_time_reporting_rate)}.",
        "",
        "CHỈ SỐ THỰC HIỆN KẾ HOẠCH (thang 0-10; không phải điểm PAPI)",
        f"  Toàn {area}: {format_decimal(r.implementation_index, 2)}",
    ]
    for row in r.dimensions.itertuples(index=False):
        lines.append(
            f"  - {row.dimension} {row.dimension_name_vi}: "
            f"{format_decimal(row.implementation_index, 2)}"
        )
    lines += ["", "XẾP HẠNG THEO CHỈ SỐ THỰC HIỆN"]
    for row in r.districts.itertuples(index=False):
        rank = "–" if _missing(row.rank) else str(row.rank)
        when = row.computed_at.astimezone(LOCAL_ZONE)
        lines.append(
            f"  {rank:>3}. {row.name}: báo cáo {row.received}/{row.expected} "
            f"({format_percent(row.reporting_rate)}, đúng hạn "
            f"{format_percent(row.on_time_reporting_rate)}), chỉ số "
            f"{format_decimal(row.implementation_index, 2)}; số liệu lúc {when:%H:%M %d/%m/%Y}"
        )
    if r.not_consolidated:
        lines += [
            "",
            f"CHƯA CÓ SỐ LIỆU KỲ NÀY ({len(r.not_consolidated)}; chưa chạy tổng hợp): "
            + ", ".join(r.not_consolidated),
        ]
    return lines
