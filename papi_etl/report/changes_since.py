"""What changed since the version of a period's report that was delivered.

A supplementary report ("báo cáo bổ sung") must say what it corrects. Each version keeps
its key figures (`Facts`) in its JSON file; `describe` compares the delivered version's
figures with the new ones and says, in Vietnamese, what differs: units newly counted or no
longer counted, reporting rates, the implementation index overall and by dimension, and
indicators. Figures are compared as printed, so a change too small to show is not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from papi_etl.metrics import WHOLE, PeriodMetrics
from papi_etl.plan.model import Plan
from papi_etl.report import notation
from papi_etl.report.model import Facts, IndicatorFigure
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import (
    INDICATORS_ANNEX,
    district_index,
    indicator_fmt,
    quoted,
    short_names,
)

INDICATORS_LISTED = 15  # indicator changes spelled out; the rest are counted


def facts(plan: Plan, metrics: PeriodMetrics) -> Facts:
    index = district_index(metrics)
    names = short_names(metrics)
    by_code = {x.code: x for x in plan.indicators}
    return Facts(
        expected=metrics.expected,
        received=metrics.received,
        on_time=metrics.on_time,
        reporting_rate=metrics.reporting_rate,
        on_time_reporting_rate=metrics.on_time_reporting_rate,
        completeness_rate=metrics.completeness_rate,
        index_overall=index.get(WHOLE),
        index_by_dimension=tuple((d.name_vi, index.get(d.code)) for d in plan.dimensions),
        counted_units=tuple(names[u] for u in metrics.units.loc[metrics.units["counted"], "unit"]),
        indicators=tuple(
            IndicatorFigure(
                code=r.indicator,
                name=r.name_vi,
                unit_of_measure=r.unit_of_measure,
                value=None if notation.is_missing(r.value) else float(r.value),
                fmt=indicator_fmt(by_code[r.indicator]),
            )
            for r in metrics.indicators.itertuples()
        ),
    )


def _changed(label: str, before: Any, after: Any, fmt: Fmt, suffix: str = "") -> str | None:
    old, new = notation.formatted(before, fmt), notation.formatted(after, fmt)
    return None if old == new else f"{label}: {old} → {new}{suffix}."


def describe(previous: Mapping[str, Any], current: Facts) -> tuple[str, ...]:
    """The changes from `previous` (a version's facts as stored in its JSON) to `current`."""
    lines: list[str | None] = []
    before_units = list(previous.get("counted_units", []))
    added = [u for u in current.counted_units if u not in before_units]
    dropped = [u for u in before_units if u not in current.counted_units]
    if added:
        lines.append(f"Được tổng hợp thêm báo cáo của {len(added)} đơn vị: {', '.join(added)}.")
    if dropped:
        lines.append(f"Không còn tổng hợp báo cáo của {len(dropped)} đơn vị: {', '.join(dropped)}.")
    lines += [
        _changed(
            "Số đơn vị đã gửi báo cáo", previous.get("received"), current.received, Fmt.INTEGER
        ),
        _changed(
            "Tỷ lệ báo cáo", previous.get("reporting_rate"), current.reporting_rate, Fmt.PERCENT
        ),
        _changed(
            "Tỷ lệ báo cáo đúng hạn",
            previous.get("on_time_reporting_rate"),
            current.on_time_reporting_rate,
            Fmt.PERCENT,
        ),
        _changed(
            "Mức độ đầy đủ của báo cáo",
            previous.get("completeness_rate"),
            current.completeness_rate,
            Fmt.PERCENT,
        ),
        _changed(
            "Chỉ số thực hiện kế hoạch chung (0–10)",
            previous.get("index_overall"),
            current.index_overall,
            Fmt.SCORE,
        ),
    ]
    before_index = {name: value for name, value in previous.get("index_by_dimension", [])}
    lines += [
        _changed(
            f"Chỉ số thực hiện kế hoạch nội dung {quoted(name)}",
            before_index.get(name),
            value,
            Fmt.SCORE,
        )
        for name, value in current.index_by_dimension
    ]
    before_values = {x["code"]: x.get("value") for x in previous.get("indicators", [])}
    indicator_lines = [
        line
        for x in current.indicators
        if (
            line := _changed(
                f"Chỉ tiêu {quoted(x.name)}",
                before_values.get(x.code),
                x.value,
                x.fmt,
                f" ({x.unit_of_measure})" if x.fmt is not Fmt.PERCENT else "",
            )
        )
    ]
    lines += indicator_lines[:INDICATORS_LISTED]
    if len(indicator_lines) > INDICATORS_LISTED:
        lines.append(
            f"Và {len(indicator_lines) - INDICATORS_LISTED} chỉ tiêu khác thay đổi "
            f"(xem {INDICATORS_ANNEX})."
        )
    found = tuple(line for line in lines if line)
    return found or (
        "Các số liệu tổng hợp không thay đổi; báo cáo cập nhật nội dung chi tiết của các đơn vị "
        "(kết quả, khó khăn, đề xuất).",
    )
