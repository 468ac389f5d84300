"""`papi-etl calendar`: the reporting periods, their spans and deadlines."""

from __future__ import annotations

from typing import Annotated

import typer

from papi_etl import calendar as reporting_calendar
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.plan.summary import period_dict


def calendar(
    year: Annotated[
        int | None,
        typer.Option(
            metavar="YEAR",
            help="Chỉ các kỳ của năm này. / Only the periods of this year.",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Các kỳ báo cáo: phạm vi số liệu, hạn nộp của đơn vị và hạn báo cáo tổng hợp. / List
    the reporting periods: span covered, units' and consolidated deadlines."""
    p = load_plan(plan).plan
    periods = reporting_calendar.periods(p, year)
    if json:
        emit_json([period_dict(x) for x in periods])
        return
    if not periods:
        echo(f"Không có kỳ báo cáo nào trong năm {year} / no reporting period in {year}.")
        return
    echo(f"{'kỳ':<8} {'nhãn':<24} {'phạm vi số liệu':<23} {'hạn đơn vị':<18} hạn tổng hợp")
    for x in periods:
        echo(
            f"{x.code:<8} {x.label_vi:<24} {x.starts:%d/%m/%Y}–{x.ends:%d/%m/%Y}  "
            f"{x.unit_deadline:%d/%m/%Y %H:%M}  {x.consolidated_deadline:%d/%m/%Y %H:%M}"
        )
    echo()
    echo("Hạn là thời điểm 00:00 (giờ Việt Nam): báo cáo nhận từ thời điểm đó trở đi là trễ hạn.")
    echo("Deadlines are instants at 00:00 Asia/Ho_Chi_Minh; a report at or after it is late.")
