"""run_period: a whole period in order, for backfills (`papi-etl run --period P`); for a
city's plan, each district's period, then the city's roll-up."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.collect import collect
from flows.consolidate import consolidate
from flows.publish import publish
from flows.roll_up import roll_up
from flows.validate import validate
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import workspace as workspace_tasks


@flow(name="run-period", flow_run_name="run {period}")
def run_period(plan: str = str(DEFAULT_PLAN), period: str | None = None) -> dict[str, object]:
    """Collect, validate, consolidate and publish one period (reminders are for live
    periods, on their schedule, not for a backfill). A plan with children collects each
    child's period, validates them together, consolidates and publishes each, then rolls
    them up. Someone is waiting for it, so it does
    not sit through the retries of the scheduled runs: a source that is down stops it at
    once, before a report is made of part of the period, and a receiver that is down
    leaves the delivery pending, said so."""
    children = workspace_tasks.child_plans(plan)
    if not children:
        collected = collect(plan, period, answer=False, wait_for_sources=False)
        if _source_down(collected):
            return {"collect": collected, "stopped_at": "collect"}
        return {
            "collect": collected,
            "validate": validate(plan, period),
            "consolidate": consolidate(plan, period),
            "publish": publish(plan, period, wait_for_receiver=False),
        }
    # The city's store first: it holds the family before a district writes anything.
    workspace_tasks.open_store(Settings(), plan)
    collected = {
        plan_id: collect(path, period, answer=False, wait_for_sources=False)
        for plan_id, path in children.items()
    }
    # The districts are validated together: one GX run per suite for the whole city.
    validated = validate(plan, period)["districts"]
    ran: dict[str, object] = {}
    for plan_id, path in children.items():
        if _source_down(collected[plan_id]):
            ran[plan_id] = {"collect": collected[plan_id], "stopped_at": "collect"}
            continue
        ran[plan_id] = {
            "collect": collected[plan_id],
            "validate": validated[plan_id],
            "consolidate": consolidate(path, period),
            "publish": publish(path, period, wait_for_receiver=False),
        }
    return {"districts": ran, "roll_up": roll_up(plan, period)}


def _source_down(collected: dict[str, Any]) -> bool:
    return any(source["source_errors"] for source in collected["sources"])
