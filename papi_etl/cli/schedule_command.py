"""`papi-etl schedule`: the deployments and every run their schedules will start."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from papi_etl import calendar
from papi_etl import schedule as jobs_of
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json
from papi_etl.cli.context import plan as load_plan


def schedule(
    period: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Chỉ các lần chạy phục vụ kỳ này. / Only the runs that serve this period.",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Các deployment, luồng của chúng và mọi lần chạy theo lịch (giờ Việt Nam). / List each
    deployment, its flow and every run its schedule gives (Asia/Ho_Chi_Minh)."""
    p = load_plan(plan).plan
    chosen = calendar.period(p, period) if period else None
    listing = []
    for job in jobs_of.jobs(p):
        times = jobs_of.runs_for_period(p, job, chosen) if chosen else jobs_of.runs(p, job)
        listing.append((job, times))
    if json:
        emit_json(
            [
                {
                    "deployment": jobs_of.deployment_name(p, job),
                    "flow": job.flow,
                    "rrule": job.rrule,
                    "timezone": p.calendar.timezone,
                    "runs": [t.isoformat() for t in times],
                }
                for job, times in listing
            ]
        )
        return
    now = dt.datetime.now(dt.UTC)
    if jobs_of.validity_ended(p, now):
        echo(jobs_of.validity_ended_notice(p))
        echo()
    for job, times in listing:
        echo(f"{jobs_of.deployment_name(p, job)}  ({job.purpose_vi})")
        if not times:
            echo("    không có lần chạy / no runs")
            continue
        if len(times) <= 12:
            for t in times:
                echo(f"    {t:%d/%m/%Y %H:%M}")
        else:
            first, last = times[0], times[-1]
            echo(f"    {len(times)} lần chạy, {first:%d/%m/%Y %H:%M} – {last:%d/%m/%Y %H:%M}")
