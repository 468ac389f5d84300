"""Delivering the period's report versions to the configured sinks, exactly once each."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from papi_etl.delivery import configured
from papi_etl.delivery.ledger import Outcome, deliver_pending
from papi_etl.settings import Settings
from papi_etl.store.schema import DeliveryState
from papi_etl.workspace import Workspace
from tasks.common import retry_unless_domain_error


class DeliveryPending(Exception):
    """The receiver was unavailable: the task retries later; the ledger keeps it pending."""


@task(
    name="push-report",
    task_run_name="push {period}",
    retries=3,
    retry_delay_seconds=[300, 900, 1800],
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def push(
    workspace: Workspace, settings: Settings, period: str, wait_for_receiver: bool = True
) -> list[Outcome]:
    """Send what is not delivered. Waiting for the receiver (the scheduled publish), a
    pending delivery fails the task so that Prefect retries it later; otherwise (an
    interactive run, with this task's retries off) it is returned pending, after a short try."""
    logger = get_run_logger()
    sinks = configured.sinks(
        settings, retries=None if wait_for_receiver else configured.INTERACTIVE_RETRIES
    )
    if not sinks:
        logger.info("PAPI_PUSH_URL and PAPI_SMTP_URL are not set: the report stays as files.")
        return []
    try:
        outcomes = deliver_pending(
            workspace.sessions, workspace.plan, sinks, base_dir=workspace.data_dir, period=period
        )
    finally:
        for sink in sinks:
            close = getattr(sink, "close", None)
            if close is not None:
                close()
    for outcome in outcomes:
        logger.info("v%d -> %s: %s", outcome.version, outcome.target, outcome.state.value)
    if any(o.state is DeliveryState.PENDING for o in outcomes):
        if wait_for_receiver:
            raise DeliveryPending(f"{period}: a receiver is unavailable; the report stays pending")
        logger.warning(
            "%s: a receiver is unavailable; the report stays pending (papi-etl push --period %s "
            "sends it, never twice)",
            period,
            period,
        )
    return outcomes
