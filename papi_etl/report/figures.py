"""The charts of the report, as data (`Chart`); `charts.render` draws them.

Three charts: the implementation index by dimension (the groups of Bảng 2,
`results.groups`), the reporting rates by kind of unit, and the index over the periods of
the year so far, after the period a year earlier. Their values are part of the content
(and of its hash), their pixels are not.
"""

from __future__ import annotations

from papi_etl.metrics import WHOLE, PeriodMetrics
from papi_etl.plan.model import Plan
from papi_etl.report.model import Chart, Series
from papi_etl.report.notation import Fmt
from papi_etl.report.results import groups
from papi_etl.report.wording import INDEX_NAME, district_index


def _index_chart(plan: Plan, metrics: PeriodMetrics) -> Chart:
    index = district_index(metrics)
    parts = [*groups(plan), (WHOLE, "Chung")]
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


def _trend_chart(
    plan: Plan,
    metrics: PeriodMetrics,
    history: tuple[PeriodMetrics, ...],
    year_ago: PeriodMetrics | None,
) -> Chart:
    periods = (*((year_ago,) if year_ago is not None else ()), *history, metrics)
    indexes = [district_index(m) for m in periods]
    parts = [(WHOLE, "Chung"), *((d.code, d.name_vi) for d in plan.dimensions)]
    return Chart(
        key="xu-huong",
        kind="line",
        title="Chỉ số thực hiện kế hoạch qua các kỳ báo cáo",
        categories=tuple(m.period_label for m in periods),
        series=tuple(Series(name, tuple(i.get(code) for i in indexes)) for code, name in parts),
        axis_label=INDEX_NAME,
        axis_max=10.0,
        fmt=Fmt.SCORE,
    )


def charts(
    plan: Plan,
    metrics: PeriodMetrics,
    history: tuple[PeriodMetrics, ...],
    year_ago: PeriodMetrics | None = None,
) -> tuple[Chart, ...]:
    """The charts; `history` the earlier periods of the year, `year_ago` the period a year
    earlier, which the trend chart shows first."""
    return (
        _reporting_chart(metrics),
        _index_chart(plan, metrics),
        _trend_chart(plan, metrics, history, year_ago),
    )
