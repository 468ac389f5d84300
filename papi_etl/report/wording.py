"""Small pieces of the report's Vietnamese that several parts share.

Names come from the plan and the metrics; what is fixed here is the report's own vocabulary
(status and trend words, how a PAPI estimate type is said).
"""

from __future__ import annotations

import pandas as pd

from papi_etl.metrics import WHOLE, PeriodMetrics
from papi_etl.plan.model import Dimension, Indicator, Plan, Task, ValueType
from papi_etl.report.notation import MISSING, Fmt

INDEX_NAME = "Chỉ số thực hiện kế hoạch (0–10), không phải điểm PAPI"
TREND_VI = {"improved": "Cải thiện", "worsened": "Kém đi", "unchanged": "Không đổi"}
ESTIMATE_VI = {"unweighted": "ước lượng không trọng số", "weighted": "ước lượng có trọng số"}
YES_NO_VI = {True: "Có", False: "Không"}
# Tables list the statuses from done to not started; "không phát sinh" (nothing arose) last.
STATUS_ORDER = ("hoan_thanh", "dang_trien_khai", "chua_trien_khai", "khong_phat_sinh")
# The annexes the body points to for the texts it does not quote (see `annexes.tables`).
INDICATORS_ANNEX = "Phụ lục 4"
DIFFICULTIES_ANNEX = "Phụ lục 6"
PROPOSALS_ANNEX = "Phụ lục 7"
RESULTS_ANNEX = "Phụ lục 9"


def issuer_parts(plan: Plan) -> tuple[str, str]:
    """("Ủy ban nhân dân", "quận Bình Tân") from the plan's issuer and district.

    The header prints them in capitals on two lines; the text says "quận Bình Tân".
    """
    document = plan.document
    head, found, _ = document.issuer.rpartition(document.district)
    words = head.split()
    if not found or len(words) < 2:
        return document.issuer, document.district
    return " ".join(words[:-1]), f"{words[-1]} {document.district}"


def lower_first(text: str) -> str:
    """ "Quý I năm 2019" -> "quý I năm 2019", for a label inside a sentence."""
    return text[:1].lower() + text[1:]


def quoted(text: str) -> str:
    return f"“{text}”"


def shortened(text: str, limit: int = 120) -> str:
    """The text cut at a word before `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def task_title(task: Task) -> str:
    """The task's short title from the plan, or its whole text when the plan gives none:
    never a text cut in the middle of a sentence."""
    return task.title or task.text


def listed(names: list[str], shown: int = 4) -> str:
    """ "A, B, C, D và 5 đơn vị khác": a long list of units cut to its first few."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} và {len(names) - shown} đơn vị khác"


def dimension_title(dimension: Dimension) -> str:
    return f"{dimension.number}. {dimension.name_vi}"


def indicator_fmt(indicator: Indicator) -> Fmt:
    """Percentages as percentages, sums of counts as integers, anything else with a decimal."""
    if indicator.value_type is ValueType.PERCENT:
        return Fmt.PERCENT
    if indicator.value_type is ValueType.COUNT and indicator.aggregate_units.value == "sum":
        return Fmt.INTEGER
    return Fmt.DECIMAL


def change_fmt(fmt: Fmt) -> Fmt:
    return Fmt.SIGNED_INTEGER if fmt is Fmt.INTEGER else Fmt.SIGNED_DECIMAL


def short_names(metrics: PeriodMetrics) -> dict[str, str]:
    """Unit code -> the short name a table prints ("Phường An Lạc")."""
    units = metrics.units
    return dict(zip(units["unit"], units["short_name"].fillna(units["name"]), strict=True))


def district_index(metrics: PeriodMetrics) -> dict[str, float]:
    """Dimension code (WHOLE for overall) -> the district's implementation index."""
    index = metrics.implementation_index
    whole = index[index["unit"] == WHOLE]
    return dict(zip(whole["dimension"], whole["implementation_index"].astype(float), strict=True))


def unit_index(metrics: PeriodMetrics) -> pd.DataFrame:
    """The units' index as a table: one row per unit, one column per dimension (and WHOLE)."""
    index = metrics.implementation_index
    per_unit = index[index["unit"] != WHOLE]
    return per_unit.pivot(index="unit", columns="dimension", values="implementation_index")


def boolean_vi(value: object) -> str:
    """ "Có" / "Không", or a dash when unknown (pandas NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return MISSING
    return YES_NO_VI[bool(value)]
