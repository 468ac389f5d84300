"""What a report compares its figures with, and the columns of its indicator tables.

A report compares with the period a year earlier (`calendar.year_ago`: 2019-Q1 with the
report of 2018, 2019-Y with 2018-Y) and with the previous period of its year (2019-6M with
2019-Q1), each when there is one; the first that exists is the one the "Đánh giá" column
judges against. A column is shown only for a comparison the period has, so that a report
never prints a column of dashes. A sum since New Year compared with a longer span (2019-Q1
with the whole of 2018) is given as the share reached, not as a rise or fall.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.plan.model import Indicator
from papi_etl.report import notation
from papi_etl.report.model import Cell, Num
from papi_etl.report.notation import NBSP, Fmt
from papi_etl.report.wording import TREND_VI, change_fmt, indicator_fmt, lower_first


@dataclass(frozen=True)
class Baseline:
    """One comparison: the earlier period's label and the `indicators` columns of its
    value, the change from it and the trend."""

    label: str
    value: str
    change: str
    trend: str
    ratio: str | None = None


def baselines(metrics: PeriodMetrics) -> list[Baseline]:
    """The comparisons the period has: a year earlier first, then the previous period."""
    found = []
    if metrics.year_ago_label:
        found.append(
            Baseline(
                metrics.year_ago_label,
                "year_ago_value",
                "year_ago_change",
                "year_ago_trend",
                "year_ago_ratio",
            )
        )
    if metrics.previous_label:
        found.append(Baseline(metrics.previous_label, "previous_value", "change", "trend"))
    return found


def columns(metrics: PeriodMetrics) -> tuple[str, ...]:
    """The comparison columns of an indicator table: the earlier values, this period's,
    the changes, and the judgement."""
    found = baselines(metrics)
    if not found:
        return (metrics.period_label,)
    if len(found) == 1:
        return (found[0].label, metrics.period_label, "Tăng/giảm", "Đánh giá")
    changes = tuple(f"So với {lower_first(b.label)}" for b in found)
    judged = f"Đánh giá (so với {lower_first(found[0].label)})"
    return (*(b.label for b in found), metrics.period_label, *changes, judged)


def cells(metrics: PeriodMetrics, row: pd.Series, indicator: Indicator) -> tuple[Cell, ...]:
    """An indicator's cells under `columns(metrics)`."""
    fmt = indicator_fmt(indicator)
    found = baselines(metrics)
    now = Num(row["value"], fmt)
    if not found:
        return (now,)
    trend = row[found[0].trend]
    return (
        *(Num(row[b.value], fmt) for b in found),
        now,
        *(_change(row, b, fmt) for b in found),
        TREND_VI.get(trend or "", notation.MISSING),
    )


def _change(row: pd.Series, baseline: Baseline, fmt: Fmt) -> Cell:
    """The change from the baseline; where the metrics judge none (a sum since New Year
    against a longer span), the share of it reached ("bằng 27,9 %")."""
    unjudged = row[baseline.trend] is None and not notation.is_missing(row[baseline.change])
    if baseline.ratio and unjudged:
        share = notation.percent(row[baseline.ratio])
        return f"bằng{NBSP}{share.replace(' ', NBSP)}" if share != notation.MISSING else share
    return Num(row[baseline.change], change_fmt(fmt))


def note(metrics: PeriodMetrics) -> str:
    """What the comparison columns hold, for a table's note."""
    found = baselines(metrics)
    parts = [f"“{b.label}”: số liệu của báo cáo {lower_first(b.label)}" for b in found]
    frame = metrics.indicators
    if (
        found
        and found[0].ratio
        and (
            frame[found[0].trend].isna()
            & frame[found[0].change].notna()
            & (frame["aggregate_periods"] == "cumulative")
        ).any()
    ):
        parts.append(
            f"chỉ tiêu cộng dồn so với {lower_first(found[0].label)}, kỳ dài hơn: “bằng …” là "
            "tỷ lệ đạt được so với kỳ đó, không đánh giá tăng, giảm"
        )
    return "; ".join(parts)


def widths(metrics: PeriodMetrics) -> tuple[float, ...]:
    """Relative widths of `columns(metrics)`."""
    found = baselines(metrics)
    if not found:
        return (1.3,)
    return (*(1.3 for _ in found), 1.3, *(1.2 for _ in found), 1.2)
