"""A city's roll-up as files: a Markdown summary and an XLSX table of its districts.

Written to `<reports>/<plan id>/<period>/` by `papi-etl report` and the city's
consolidation, and rewritten each time from the latest roll-up: a city's figures follow
its districts' reports, whose versions and deliveries are theirs. The implementation index
is the plan's execution (0-10), NOT the PAPI survey score, and the files say so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from papi_etl.markup import md, md_row
from papi_etl.metrics.rollup import RollUp
from papi_etl.numbers_vi import format_decimal, format_percent
from papi_etl.spreadsheet_text import put
from papi_etl.store.types import LOCAL_ZONE

COLUMNS = (
    ("rank", "Hạng / rank"),
    ("plan", "Kế hoạch / plan"),
    ("name", "Địa bàn / district"),
    ("reports", "Báo cáo / reports"),
    ("reporting_rate", "Tỷ lệ báo cáo / reporting rate (%)"),
    ("on_time_reporting_rate", "Đúng hạn / on time (%)"),
    ("implementation_index", "Chỉ số thực hiện / implementation index (0-10)"),
    ("computed_at", "Số liệu lúc / computed at"),
)


def _number(value: Any, places: int) -> float | None:
    return None if value is None or _missing(value) else round(float(value), places)


def _missing(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def ranking(rolled: RollUp) -> list[dict[str, Any]]:
    """One row per child, best first, then those not consolidated: plain values by the keys
    of COLUMNS (numbers rounded, None where there is none)."""
    rows = [
        {
            "rank": None if _missing(d.rank) else int(d.rank),
            "plan": d.plan,
            "name": d.name,
            "reports": f"{d.received}/{d.expected}",
            "reporting_rate": _number(d.reporting_rate, 1),
            "on_time_reporting_rate": _number(d.on_time_reporting_rate, 1),
            "implementation_index": _number(d.implementation_index, 2),
            "computed_at": f"{d.computed_at.astimezone(LOCAL_ZONE):%H:%M %d/%m/%Y}",
        }
        for d in rolled.districts.itertuples(index=False)
    ]
    empty = dict.fromkeys(key for key, _ in COLUMNS)
    rows += [{**empty, "plan": p, "name": "chưa tổng hợp"} for p in rolled.not_consolidated]
    return rows


def _markdown(rolled: RollUp, area: str) -> str:
    def shown(key: str, value: Any) -> str:
        if value is None:
            return "—"
        if key in ("reporting_rate", "on_time_reporting_rate"):
            return format_percent(value)
        if key == "implementation_index":
            return format_decimal(value, 2)
        return str(value)

    lines = [
        f"# Tổng hợp kết quả thực hiện kế hoạch cải thiện Chỉ số PAPI – {rolled.period_label}",
        "",
        f"*{md(area)}, kỳ {rolled.period_code}: tổng hợp từ {len(rolled.districts)}/"
        f"{rolled.children} kế hoạch cấp dưới. Chỉ số thực hiện kế hoạch (thang 0-10) đo việc "
        "thực hiện kế hoạch, không phải điểm PAPI.*",
        "",
        "| Chỉ tiêu | Giá trị |",
        "| --- | ---: |",
        f"| Báo cáo đã nhận | {rolled.received}/{rolled.expected} |",
        f"| Tỷ lệ báo cáo | {format_percent(rolled.reporting_rate)} |",
        f"| Tỷ lệ báo cáo đúng hạn | {format_percent(rolled.on_time_reporting_rate)} |",
        f"| Chỉ số thực hiện kế hoạch | {format_decimal(rolled.implementation_index, 2)} |",
        "",
        "## Xếp hạng theo chỉ số thực hiện",
        "",
        md_row([label.split(" / ")[0] for _, label in COLUMNS]),
        "| " + " | ".join("---" for _ in COLUMNS) + " |",
    ]
    for row in ranking(rolled):
        lines.append(md_row([shown(key, row[key]) for key, _ in COLUMNS]))
    lines += ["", "## Chỉ số thực hiện theo lĩnh vực", "", "| Lĩnh vực | Chỉ số | Số địa bàn |"]
    lines.append("| --- | ---: | ---: |")
    for d in rolled.dimensions.itertuples(index=False):
        index = format_decimal(d.implementation_index, 2)
        lines.append(md_row([f"{d.dimension} {d.dimension_name_vi}", index, d.districts]))
    return "\n".join(lines) + "\n"


def write(rolled: RollUp, area: str, folder: Path) -> dict[str, Path]:
    """The roll-up's files in `folder/<period>/` (made if missing), by role ("md", "xlsx");
    `area` names the whole (the city). Raises OSError when the folder cannot be written."""
    target = folder / rolled.period_code
    target.mkdir(parents=True, exist_ok=True)
    stem = f"tong-hop-{rolled.plan_id}-{rolled.period_code}"
    markdown = target / f"{stem}.md"
    markdown.write_text(_markdown(rolled, area), encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "XepHang"
    rows = [[label for _, label in COLUMNS]]
    rows += [[row[key] for key, _ in COLUMNS] for row in ranking(rolled)]
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            put(sheet.cell(row=number, column=column), value)
    book.properties.title = f"Tổng hợp {rolled.period_code} – {area}"
    book.properties.language = "vi-VN"
    workbook = target / f"{stem}.xlsx"
    book.save(workbook)
    return {"md": markdown, "xlsx": workbook}
