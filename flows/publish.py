"""publish: the final report of the period, delivered to the city before its deadline."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import consolidating, publishing
from tasks.workspace import open_store


@flow(name="publish", flow_run_name="publish {period}")
def publish(plan: str = str(DEFAULT_PLAN), period: str | None = None) -> dict[str, object]:
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    produced = consolidating.report(workspace, code)
    outcomes = publishing.push(workspace, settings, code)
    return {
        "period": code,
        "report_version": produced.version,
        "supplementary": produced.supplementary,
        "deliveries": [{"target": o.target, "state": o.state.value} for o in outcomes],
    }
