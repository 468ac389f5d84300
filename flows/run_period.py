"""run_period: a whole period in order, for backfills (`papi-etl run --period P`)."""

from __future__ import annotations

from prefect import flow

from flows.collect import collect
from flows.consolidate import consolidate
from flows.publish import publish
from flows.validate import validate
from papi_etl.settings import DEFAULT_PLAN


@flow(name="run-period", flow_run_name="run {period}")
def run_period(plan: str = str(DEFAULT_PLAN), period: str | None = None) -> dict[str, object]:
    """Collect, validate, consolidate and publish one period (reminders are for live
    periods, on their schedule, not for a backfill). Someone is waiting for it, so it does
    not sit through the retries of the scheduled runs: a source that is down stops it at
    once, before a report is made of part of the period, and a receiver that is down
    leaves the delivery pending, said so."""
    collected = collect(plan, period, answer=False, wait_for_sources=False)
    if any(source["source_errors"] for source in collected["sources"]):
        return {"collect": collected, "stopped_at": "collect"}
    return {
        "collect": collected,
        "validate": validate(plan, period),
        "consolidate": consolidate(plan, period),
        "publish": publish(plan, period, wait_for_receiver=False),
    }
