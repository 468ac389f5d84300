"""Telling the operators about a flow run that failed, crashed or timed out."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from prefect import get_client, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.exceptions import ObjectNotFound
from prefect.settings import get_current_settings

from papi_etl import alerts, notify
from papi_etl.errors import ConfigurationError
from papi_etl.settings import Settings
from papi_etl.workspace import Workspace
from tasks.common import retry_unless_domain_error
from tasks.reminding import channels


class AlertNotSent(Exception):
    """A channel refused or could not be reached; raised so that the task retries it (what
    was sent is recorded and not sent again) and the alert run shows as failed."""


@task(
    name="read-flow-run",
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def read_run(flow_run_id: str) -> alerts.FailedRun:
    """The run and its flow's name, from the Prefect API, as plain values."""
    run_id = alerts.run_id(flow_run_id)
    with get_client(sync_client=True) as client:
        try:
            run = client.read_flow_run(UUID(run_id))
        except ObjectNotFound:
            raise ConfigurationError(
                f"no flow run {run_id} on this Prefect server",
                f"không có lượt chạy {run_id} trên máy chủ Prefect này",
            ) from None
        flow = client.read_flow(run.flow_id)
    started = run.start_time
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=dt.UTC)  # the API speaks UTC
    return alerts.FailedRun(
        id=str(run.id),
        flow=flow.name,
        name=run.name,
        state=run.state.name if run.state else "Unknown",
        state_type=run.state.type.value if run.state else "UNKNOWN",
        message=run.state.message if run.state else None,
        started=started,
        parameters=dict(run.parameters),
    )


@task(
    name="alert-operators",
    task_run_name="alert {run.name}",
    retries=2,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def alert(workspace: Workspace, settings: Settings, run: alerts.FailedRun) -> notify.Sent:
    """Send the alert to the operators' addresses (PAPI_OPERATOR_EMAILS by e-mail through
    PAPI_SMTP_URL, PAPI_OPERATOR_WEBHOOK), once per run. With no address configured it is
    logged as a warning: an unconfigured alert must not turn into a failed run."""
    logger = get_run_logger()
    if not alerts.ended_badly(run):
        logger.info("%s is %s now: nothing to alert about", run.name, run.state)
        return notify.Sent(0, 0, (), ())
    message = alerts.compose(
        run, settings.operator_emails, settings.operator_webhook, get_current_settings().ui_url
    )
    if settings.operator_emails and settings.smtp_url is None:
        logger.warning("PAPI_OPERATOR_EMAILS is set but PAPI_SMTP_URL is not: no e-mail")
    outcome = notify.send(workspace.sessions, workspace.plan, [message], channels(settings))
    if outcome.without_address:
        logger.warning(
            "No operator address (PAPI_OPERATOR_EMAILS with PAPI_SMTP_URL, or "
            "PAPI_OPERATOR_WEBHOOK): alert not sent.\n%s\n\n%s",
            message.subject,
            message.body,
        )
    logger.info("%s: %d sent, %d already sent", message.subject, outcome.sent, outcome.skipped)
    if outcome.failed:
        raise AlertNotSent("; ".join(outcome.failed))
    return outcome
