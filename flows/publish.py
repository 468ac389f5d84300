"""publish: the final report of the period, delivered to the city before its deadline."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import consolidating, publishing
from tasks.workspace import open_store


@flow(name="publish", flow_run_name="publish {period}")
def publish(
    plan: str = str(DEFAULT_PLAN), period: str | None = None, wait_for_receiver: bool = True
) -> dict[str, object]:
    """The scheduled run waits for a receiver that is down (retries after 5, 15 and 30
    minutes, unattended); an interactive one (`run_period`) passes False and returns with
    the delivery pending, for `papi-etl push` or the scheduled publish to send."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    produced = consolidating.report(workspace, code)
    push = publishing.push if wait_for_receiver else publishing.push.with_options(retries=0)
    outcomes = push(workspace, settings, code, wait_for_receiver)
    return {
        "period": code,
        "report_version": produced.version,
        "supplementary": produced.supplementary,
        "deliveries": [
            {
                "version": o.version,
                "target": o.target,
                "state": o.state.value,
                "message": o.message,
            }
            for o in outcomes
        ],
    }
