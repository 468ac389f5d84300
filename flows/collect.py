"""collect: fetch new submissions from every configured source."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.answering import answer_new
from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources import configured
from tasks import artifacts, collecting
from tasks.workspace import open_store


@flow(name="collect", flow_run_name="collect {period}", log_prints=False)
def collect(
    plan: str = str(DEFAULT_PLAN),
    period: str | None = None,
    answer: bool = True,
    wait_for_sources: bool = True,
) -> dict[str, object]:
    """Fetch from the drop folder and the HTTP API (when configured) into the store; with
    `answer` (the scheduled runs), validate what is new and tell its units, as the intake
    does for a dropped file: a report sent through the API is answered within the
    collection interval. `run_period` validates the whole period next and passes False.
    A scheduled run waits for a source that is down (retries after 1 and 5 minutes); an
    interactive one (`run_period`, wait_for_sources=False) returns at once with the failure in
    its sources' `source_errors`."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    task = collecting.collect_from
    if not wait_for_sources:
        task = task.with_options(retries=0)
    with collecting.one_at_a_time(workspace.plan.id):
        results = [
            task(workspace, source, code, wait_for_sources)
            for source in configured.sources(settings, workspace.inbox())
        ]
        collected: dict[str, object] = {"period": code, "sources": results}
        if answer:
            new = [s for result in results for s in result["submissions"]]
            collected |= answer_new(plan, workspace, settings, new)
    if code not in collected.get("validated", {}):  # answering refreshed it already
        artifacts.reporting_status_table(workspace, code)
    return collected
