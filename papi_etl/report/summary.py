"""The opening of the report: the preamble citing the plan and the summary of key figures.

The summary is for the reader who reads nothing else: how many units reported and on time,
the implementation index (named as what it is: not the PAPI score), the city's PAPI
context, the wards' best and worst, and what needs chasing.
"""

from __future__ import annotations

from papi_etl.metrics import PeriodMetrics
from papi_etl.plan.model import Plan
from papi_etl.report import notation
from papi_etl.report.results import estimate_vi, plan_context
from papi_etl.report.wording import (
    INDEX_NAME,
    INDICATORS_ANNEX,
    district_index,
    issuer_parts,
    lower_first,
    quoted,
    short_names,
)


def preamble(plan: Plan, metrics: PeriodMetrics) -> str:
    document = plan.document
    title = document.title
    about = title.removeprefix("Kế hoạch ")
    return (
        f"Thực hiện Kế hoạch số {document.number} {notation.date(document.date)} của "
        f"{document.issuer} về {lower_first(about)}, {document.issuer} báo cáo kết quả thực "
        f"hiện {lower_first(metrics.period_label)} (số liệu từ "
        f"{notation.date(metrics.period_starts)} đến {notation.date(metrics.period_ends)}) "
        "như sau:"
    )


def _reporting_sentence(metrics: PeriodMetrics) -> str:
    late = metrics.received - metrics.on_time
    missing = metrics.expected - metrics.received
    return (
        f"Có {metrics.received}/{metrics.expected} đơn vị đã gửi báo cáo (tỷ lệ báo cáo "
        f"{notation.percent(metrics.reporting_rate)}), trong đó {metrics.on_time} đơn vị gửi "
        f"đúng hạn (trước {notation.date(metrics.unit_deadline.date())}; tỷ lệ đúng hạn "
        f"{notation.percent(metrics.on_time_reporting_rate)}), {late} đơn vị gửi trễ hạn; "
        f"{missing} đơn vị chưa gửi báo cáo."
    )


def _counted_sentence(metrics: PeriodMetrics) -> str:
    counted = int(metrics.units["counted"].sum())
    text = (
        f"{counted} báo cáo được tổng hợp (hợp lệ hoặc được chấp nhận); mức độ đầy đủ của các "
        f"báo cáo được tổng hợp: {notation.percent(metrics.completeness_rate)}."
    )
    if len(metrics.left_out):
        text += (
            f" {len(metrics.left_out)} báo cáo chưa được tổng hợp do không hợp lệ hoặc chưa "
            "được kiểm tra."
        )
    return text


def _index_sentence(plan: Plan, metrics: PeriodMetrics) -> str:
    _, area = issuer_parts(plan)
    index = district_index(metrics)
    rated = [
        (d, index[d.code]) for d in plan.dimensions if not notation.is_missing(index.get(d.code))
    ]
    text = (
        f"Chỉ số thực hiện kế hoạch chung của {area}: "
        f"{notation.score(metrics.implementation_index_overall)}/10 ({INDEX_NAME})."
    )
    if rated:
        best = max(rated, key=lambda pair: pair[1])
        worst = min(rated, key=lambda pair: pair[1])
        text += (
            f" Nội dung có chỉ số cao nhất: {quoted(best[0].name_vi)} "
            f"({notation.score(best[1])}); thấp nhất: {quoted(worst[0].name_vi)} "
            f"({notation.score(worst[1])})."
        )
    return text


def _papi_sentence(plan: Plan, metrics: PeriodMetrics) -> str:
    _, area = issuer_parts(plan)
    city = plan.document.city
    context = plan_context(plan, metrics)
    if context.empty:
        return (
            f"Chưa có kết quả PAPI của {city} được công bố tính đến "
            f"{notation.date(metrics.period_ends)}."
        )
    with_target = context[context["target"].notna()]
    met = int(with_target["meets_target"].fillna(False).astype(bool).sum())
    text = (
        f"Điểm PAPI gần nhất của {city} (năm {metrics.papi_year}, "
        f"{estimate_vi(metrics.papi_estimate)}) được trình bày cùng chỉ số thực hiện kế hoạch tại "
        "mục II"
    )
    if len(with_target):
        text += f"; Thành phố đạt mục tiêu ở {met}/{len(with_target)} nội dung"
    return f"{text}. PAPI chỉ đo ở cấp tỉnh, thành phố: không có điểm PAPI riêng của {area}."


def _ranking_sentence(metrics: PeriodMetrics) -> str | None:
    ranked = metrics.ward_ranking[metrics.ward_ranking["rank"].notna()]
    if ranked.empty:
        return None
    names = short_names(metrics)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    return (
        f"Phường có chỉ số thực hiện kế hoạch cao nhất: {names[best['unit']]} "
        f"({notation.score(best['implementation_index'])}); thấp nhất: "
        f"{names[worst['unit']]} ({notation.score(worst['implementation_index'])})."
    )


def _lagging_sentence(metrics: PeriodMetrics) -> str:
    reasons = metrics.lagging["reason"].value_counts()
    if reasons.empty:
        return "Tất cả các đơn vị đã gửi báo cáo đúng hạn và được tổng hợp."
    parts = [
        f"{int(reasons[key])} {label}"
        for key, label in (
            ("late", "đơn vị gửi trễ hạn"),
            ("missing", "đơn vị chưa gửi"),
            ("invalid", "báo cáo không hợp lệ"),
            ("not_validated", "báo cáo chưa được kiểm tra"),
            ("not_started", "nhiệm vụ chưa triển khai sau giữa năm"),
        )
        if key in reasons
    ]
    return f"Cần đôn đốc: {', '.join(parts)} (chi tiết tại mục I và mục III)."


def _year_ago_sentence(metrics: PeriodMetrics, year_ago: PeriodMetrics | None) -> str | None:
    if year_ago is None:
        return None
    label = lower_first(year_ago.period_label)
    return (
        f"So với {label}: chỉ số thực hiện kế hoạch chung "
        f"{notation.score(metrics.implementation_index_overall)} ({label}: "
        f"{notation.score(year_ago.implementation_index_overall)}); tỷ lệ báo cáo "
        f"{notation.percent(metrics.reporting_rate)} ({notation.percent(year_ago.reporting_rate)}"
        f"); tỷ lệ đúng hạn {notation.percent(metrics.on_time_reporting_rate)} "
        f"({notation.percent(year_ago.on_time_reporting_rate)}); các chỉ tiêu so sánh tại mục "
        f"II và {INDICATORS_ANNEX}."
    )


def summary(
    plan: Plan, metrics: PeriodMetrics, year_ago: PeriodMetrics | None = None
) -> tuple[str, ...]:
    """The key figures in a few sentences, for the reader who reads nothing else;
    `year_ago`: the metrics of the period a year earlier, compared with."""
    sentences = [
        _reporting_sentence(metrics),
        _counted_sentence(metrics),
        _index_sentence(plan, metrics),
        _year_ago_sentence(metrics, year_ago),
        _papi_sentence(plan, metrics),
        _ranking_sentence(metrics),
        _lagging_sentence(metrics),
    ]
    return tuple(s for s in sentences if s)
