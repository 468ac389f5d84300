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
    periods, on their schedule, not for a backfill). Someone is waiting for it, so publish
    does not wait for a receiver that is down: the delivery stays pending and is said so."""
    return {
        "collect": collect(plan, period, answer=False),
        "validate": validate(plan, period),
        "consolidate": consolidate(plan, period),
        "publish": publish(plan, period, wait_for_receiver=False),
    }
