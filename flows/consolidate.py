"""consolidate: the period's metrics and the draft of its consolidated report."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.roll_up import roll_up
from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import artifacts, consolidating
from tasks.workspace import open_store


@flow(name="consolidate", flow_run_name="consolidate {period}")
def consolidate(plan: str = str(DEFAULT_PLAN), period: str | None = None) -> dict[str, object]:
    """The period's metrics and report draft; a city's plan (with children) rolls its
    districts' metrics up instead."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    if workspace.plan.children:
        return roll_up(plan, code)
    metrics = consolidating.metrics(workspace, code)
    produced = consolidating.report(workspace, code, metrics)
    artifacts.reporting_status_table(workspace, code)
    artifacts.report(code, produced)
    return {
        "period": code,
        "reporting_rate": metrics.reporting_rate,
        "on_time_reporting_rate": metrics.on_time_reporting_rate,
        "report_version": produced.version,
        "report_folder": str(produced.folder),
    }
