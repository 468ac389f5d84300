"""`papi-etl template`: the prefilled report workbook of a unit, or of every unit, for a period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from papi_etl import calendar
from papi_etl.cli.bilingual import WrongUsage
from papi_etl.cli.context import JsonOption, PeriodOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan


def template(
    period: PeriodOption,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Tệp cần ghi (với --unit) hoặc thư mục (với --all, hoặc một thư mục có sẵn), "
            "mỗi tệp tên <UNIT>_<PERIOD>.xlsx. / The workbook to write (with --unit) or the "
            "folder (with --all, or an existing folder), each file named <UNIT>_<PERIOD>.xlsx.",
            show_default=False,
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(
            metavar="UNIT",
            help="Mã đơn vị, ví dụ AL. / Unit code, e.g. AL.",
            show_default=False,
        ),
    ] = None,
    all_units: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Mỗi đơn vị của kế hoạch một tệp. / One workbook for every unit of the plan.",
        ),
    ] = False,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Tạo mẫu báo cáo (XLSX) của đơn vị cho một kỳ, điền sẵn từ kế hoạch. / Write the unit's
    report workbook for a period, prefilled from the plan."""
    # openpyxl is loaded here, not at start, so that other commands start faster.
    from papi_etl.forms import template as workbook

    if all_units == (unit is not None):
        raise WrongUsage(
            "cần đúng một trong hai: --unit UNIT hoặc --all.",
            "give either --unit UNIT or --all.",
        )
    p = load_plan(plan).plan
    code = calendar.period(p, period).code
    units = [u.code for u in p.units] if all_units else [workbook.unit_of(p, unit or "").code]
    folder = all_units or output.is_dir()
    written = [
        workbook.write(p, u, code, output / f"{u}_{code}.xlsx" if folder else output) for u in units
    ]
    if json:
        emit_json(
            [
                {
                    "unit": w.unit,
                    "period": w.period,
                    "path": str(w.path),
                    "tasks": w.tasks,
                    "indicators": w.indicators,
                }
                for w in written
            ]
        )
        return
    for w in written:
        echo(f"{w.path}: {w.unit}, {w.period}, {w.tasks} nhiệm vụ, {w.indicators} chỉ tiêu")
    echo(f"Đã tạo {len(written)} mẫu báo cáo / wrote {len(written)} workbook(s).")
