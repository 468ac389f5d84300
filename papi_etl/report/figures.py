"""The charts of the report, as data (`Chart`); `charts.render` draws them.

Three charts: the implementation index by dimension, the reporting rates by kind of unit,
and the index over the periods of the year so far. Their values are part of the content
(and of its hash), their pixels are not.
"""

from __future__ import annotations

from papi_etl.metrics import ASSIGNMENTS, WHOLE, PeriodMetrics
from papi_etl.metrics.model import ASSIGNMENTS_NAME_VI
from papi_etl.plan.model import Plan
from papi_etl.report.model import Chart, Series
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import INDEX_NAME, dimension_title, district_index


def _dimension_codes(plan: Plan) -> list[tuple[str, str]]:
    codes = [(d.code, dimension_title(d)) for d in plan.dimensions]
    if plan.assignments:
        codes.append((ASSIGNMENTS, ASSIGNMENTS_NAME_VI))
    return codes


def _index_chart(plan: Plan, metrics: PeriodMetrics) -> Chart:
    index = district_index(metrics)
    parts = [*_dimension_codes(plan), (WHOLE, "Chung")]
    return Chart(
        key="chi-so-thuc-hien",
        kind="barh",
        title=f"Chỉ số thực hiện kế hoạch theo nội dung – {metrics.period_label}",
        categories=tuple(title for _, title in parts),
        series=(Series("Chỉ số thực hiện kế hoạch", tuple(index.get(c) for c, _ in parts)),),
        axis_label=INDEX_NAME,
        axis_max=10.0,
        fmt=Fmt.SCORE,
    )


def _reporting_chart(metrics: PeriodMetrics) -> Chart:
    frame = metrics.reporting
    return Chart(
        key="ty-le-bao-cao",
        kind="bar",
        title=f"Tỷ lệ báo cáo theo loại đơn vị – {metrics.period_label}",
        categories=tuple(str(label) for label in frame["kind_label_vi"]),
        series=(
            Series("Tỷ lệ báo cáo", tuple(float(v) for v in frame["reporting_rate"])),
            Series("Tỷ lệ đúng hạn", tuple(float(v) for v in frame["on_time_reporting_rate"])),
        ),
        axis_label="Tỷ lệ (%)",
        axis_max=100.0,
        fmt=Fmt.PERCENT,
    )


def _trend_chart(plan: Plan, metrics: PeriodMetrics, history: tuple[PeriodMetrics, ...]) -> Chart:
    periods = (*history, metrics)
    indexes = [district_index(m) for m in periods]
    parts = [(WHOLE, "Chung"), *((d.code, d.name_vi) for d in plan.dimensions)]
    return Chart(
        key="xu-huong",
        kind="line",
        title=f"Chỉ số thực hiện kế hoạch qua các kỳ năm {metrics.period_ends.year}",
        categories=tuple(m.period_label for m in periods),
        series=tuple(Series(name, tuple(i.get(code) for i in indexes)) for code, name in parts),
        axis_label=INDEX_NAME,
        axis_max=10.0,
        fmt=Fmt.SCORE,
    )


def charts(
    plan: Plan, metrics: PeriodMetrics, history: tuple[PeriodMetrics, ...]
) -> tuple[Chart, ...]:
    return (
        _reporting_chart(metrics),
        _index_chart(plan, metrics),
        _trend_chart(plan, metrics, history),
    )
