"""The consolidated report of a period as content: what it says, whatever the file format.

`build(plan, metrics, version, supplementary, changes)` turns a period's `PeriodMetrics` and
the plan into a `Report` (`papi_etl.report.model`): the official header, title, summary, one
section per PAPI dimension, the units late or missing, difficulties and proposals, annex
tables and chart specs, every text in Vietnamese. The DOCX, PDF, XLSX, Markdown and chart
renderers only lay it out, so the formats cannot disagree, and the report's identity is a
hash of this content (`fingerprint`), not of files that embed timestamps.

Everything named comes from the plan (issuer, district, signer, "Nơi nhận", dimensions,
tasks and their short titles, indicators) or from the store (the units' results and
evidence, the steward's decisions); the only fixed texts are those of the official form
itself (the national heading, "BÁO CÁO", "Nơi nhận") and the report's own wording.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
from collections.abc import Sequence
from enum import Enum
from typing import Any

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.metrics.compute import COUNTED_TASK_ROW_COLUMNS
from papi_etl.plan.model import Plan
from papi_etl.report import annexes, changes_since, figures, sections, summary
from papi_etl.report.model import Edition, Header, Report, Signature
from papi_etl.report.wording import issuer_parts
from papi_etl.steward import AcceptedException

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def build(
    plan: Plan,
    metrics: PeriodMetrics,
    version: int,
    supplementary: bool,
    changes: tuple[str, ...],
    *,
    history: tuple[PeriodMetrics, ...] = (),
    year_ago: PeriodMetrics | None = None,
    task_rows: pd.DataFrame | None = None,
    exceptions: Sequence[AcceptedException] = (),
    synthetic: bool = False,
    issued_on: dt.date | None = None,
) -> Report:
    """The report of `metrics`' period.

    `history`: the metrics of the earlier periods of the same year, oldest first, and
    `year_ago` those of the period it compares with a year earlier (`calendar.year_ago`),
    for the comparisons and the trend chart. `task_rows`: the task rows the metrics count,
    with the units' results and evidence (`metrics.compute.counted_task_rows`), quoted by
    each dimension and listed in the results annex; without them the report quotes none.
    `exceptions`: the exceptions the steward accepted in the period (`steward.accepted`).
    `synthetic`: some counted report holds synthetic data (prints the notice).
    `issued_on`: the day the version is made (kept with the edition; the date line is left
    to fill in), by default today in the plan's time zone.
    """
    if issued_on is None:
        issued_on = pd.Timestamp.now(tz=plan.calendar.timezone).date()
    if task_rows is None:
        task_rows = pd.DataFrame(columns=list(COUNTED_TASK_ROW_COLUMNS), dtype=object)
    body = sections.body(plan, metrics, task_rows, exceptions, year_ago)
    return Report(
        plan_id=plan.id,
        period_code=metrics.period_code,
        period_label=metrics.period_label,
        header=_header(plan),
        subject=f"Kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI {metrics.period_label}",
        synthetic=synthetic,
        preamble=summary.preamble(plan, metrics),
        summary=summary.summary(plan, metrics, year_ago),
        attention=sections.late_and_missing(metrics),
        sections=body,
        annexes=annexes.tables(plan, metrics, task_rows, exceptions),
        charts=figures.charts(plan, metrics, history, year_ago),
        recipients=_recipients(plan),
        signature=Signature(
            f"TM. {issuer_parts(plan)[0].upper()}",
            (plan.document.signer_title or "Chủ tịch").upper(),
            plan.document.signer or "",
        ),
        facts=changes_since.facts(plan, metrics),
        edition=Edition(version, supplementary, tuple(changes), issued_on),
    )


def _header(plan: Plan) -> Header:
    document = plan.document
    authority, area = (part.upper() for part in issuer_parts(plan))
    # The plan's number ("461/KH-UBND") carries the issuer's abbreviation after the type.
    issuer_symbol = document.number.split("/", 1)[-1].split("-", 1)[-1]
    return Header(
        authority=authority,
        authority_area=area,
        nation=NATION,
        motto=MOTTO,
        number=f"Số: .../BC-{issuer_symbol}",
        place=document.district,
    )


def _recipients(plan: Plan) -> tuple[str, ...]:
    """ "Nơi nhận": the plan's own list (each line ends with ";", the last with "."); for a
    plan that gives none, the report's recipients of the calendar and the archive."""
    given = plan.document.recipients
    if given:
        return (*(f"{line};" for line in given[:-1]), f"{given[-1]}.")
    consolidating = next(
        (u for u in plan.units if u.code == plan.calendar.consolidating_unit), None
    )
    archive = "Lưu: VT"
    if consolidating is not None:
        archive += f", {consolidating.short_name or consolidating.name}"
    return (*(f"{name};" for name in plan.calendar.recipients), f"{archive}.")


def plain(value: Any) -> Any:
    """The content as JSON-ready data: dataclasses become objects tagged with their type,
    floats are rounded to 6 places (so that a sum taken in another order is the same
    content) and NaN becomes null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def canonical(report: Report) -> str:
    """The whole report, edition included, as canonical JSON (the `.json` file)."""
    return json.dumps(plain(report), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint(report: Report) -> str:
    """sha256 of the canonical JSON of the content, edition left out: the same data gives
    the same fingerprint whichever version, date or supplementary status it is issued as."""
    data = plain(report)
    del data["edition"]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
