"""roll-up: a city's period, from its districts' metrics (ward to district to city)."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from papi_etl import calendar
from papi_etl.metrics.model import plain
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import artifacts, consolidating
from tasks.workspace import open_store


@flow(name="roll-up", flow_run_name="roll-up {period}")
def roll_up(plan: str = str(DEFAULT_PLAN), period: str | None = None) -> dict[str, object]:
    """The children's stored metrics of the period rolled up into the plan's: stored, as
    files (Markdown, XLSX) and the ranking as an artifact."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    rolled = consolidating.roll_up(workspace, code)
    files = consolidating.roll_up_files(workspace, rolled)
    artifacts.roll_up_table(rolled)
    return {
        "period": code,
        "reporting_rate": plain(rolled.reporting_rate),
        "on_time_reporting_rate": plain(rolled.on_time_reporting_rate),
        "implementation_index": plain(rolled.implementation_index),
        "districts": plain(rolled.districts.drop(columns=["computed_at"])),
        "not_consolidated": list(rolled.not_consolidated),
        "files": {role: str(path) for role, path in files.items()},
    }
