"""`papi-etl plan show|check`: the plan file, as officials and scripts see it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from papi_etl import calendar
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan
from papi_etl.cli.plan_import_command import plan_import
from papi_etl.plan import assignments, load, summary
from papi_etl.plan.model import Plan, UnitKind

app = typer.Typer(help="The plan: show it, check a plan file.", no_args_is_help=True)

_KIND_VI = {
    UnitKind.WARD: "phường",
    UnitKind.AGENCY: "cơ quan chuyên môn",
    UnitKind.PUBLIC_SERVICE_UNIT: "đơn vị sự nghiệp",
    UnitKind.MASS_ORGANISATION: "tổ chức chính trị - xã hội",
}


def _figures(plan: Plan) -> str:
    tasks = list(assignments.tasks(plan))
    return (
        f"{len(plan.dimensions)} dimensions, {len(tasks)} tasks "
        f"({sum(t.inferred for t in tasks)} with an inferred assignment), "
        f"{len(plan.units)} units, {len(plan.indicators)} indicators, "
        f"{len(calendar.periods(plan))} periods"
    )


@app.command()
def show(plan: PlanOption = None, json: JsonOption = False) -> None:
    """Show the plan: dimensions, tasks, units, indicators and reporting periods."""
    loaded = load_plan(plan)
    p = loaded.plan
    if json:
        emit_json(summary.as_dict(p))
        return
    doc = p.document
    echo(f"Kế hoạch số {doc.number} ngày {doc.date:%d/%m/%Y} — {doc.issuer}")
    echo(doc.title)
    echo(f"[{p.id} v{p.version}, {loaded.path}] {_figures(p)}")
    echo()
    echo("Lĩnh vực / Dimensions")
    for d in p.dimensions:
        inferred = sum(t.inferred for t in d.tasks)
        measured = sum(1 for x in p.indicators if any(c.startswith(d.code) for c in x.tasks))
        echo(
            f"  {d.code} {d.name_vi} ({d.name_en}): {len(d.tasks)} nhiệm vụ"
            f" ({inferred} suy luận), {measured} chỉ tiêu"
        )
    echo(f"  III  Tổ chức thực hiện: {len(p.assignments)} nhiệm vụ được giao")
    echo()
    counts = Counter(u.kind for u in p.units)
    echo("Đơn vị báo cáo / Units: " + ", ".join(f"{n} {_KIND_VI[k]}" for k, n in counts.items()))
    echo()
    echo("Kỳ báo cáo / Periods (Asia/Ho_Chi_Minh)")
    for period in calendar.periods(p):
        echo(
            f"  {period.code:<8} {period.label_vi:<24} {period.starts:%d/%m/%Y}–"
            f"{period.ends:%d/%m/%Y}  đơn vị trước {period.unit_deadline:%d/%m/%Y %H:%M}, "
            f"tổng hợp trước {period.consolidated_deadline:%d/%m/%Y %H:%M}"
        )
    inferred_tasks = [t for t in assignments.tasks(p) if t.inferred]
    if inferred_tasks:
        echo()
        echo(
            f"{len(inferred_tasks)} nhiệm vụ có phân công suy luận (văn bản không nêu đơn vị): "
            + ", ".join(t.code for t in inferred_tasks)
        )
        echo("  Xem chi tiết: papi-etl plan show --json (trường inference_note).")


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The plan file to check.", show_default=False)],
) -> None:
    """Check a plan file: schema, unit and task references, calendar. Exit 2 if broken."""
    loaded = load(file)
    echo(f"OK: {file} is a valid plan ({loaded.plan.id} v{loaded.plan.version}).")
    echo(f"    {_figures(loaded.plan)}")


app.command(name="import")(plan_import)
