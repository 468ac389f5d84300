"""Reminding units before their deadline, notices after it, the steward's digest."""

from __future__ import annotations

import datetime as dt

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from papi_etl import calendar, notify, reminders
from papi_etl.delivery.email import parse_smtp_url
from papi_etl.settings import Settings
from papi_etl.workspace import Workspace
from tasks.common import retry_unless_domain_error


def channels(settings: Settings) -> list[notify.Channel]:
    """E-mail when PAPI_SMTP_URL is set; webhooks always (units without one are skipped)."""
    picked: list[notify.Channel] = [notify.WebhookChannel()]
    if settings.smtp_url is not None:
        picked.insert(0, notify.EmailChannel(parse_smtp_url(settings.smtp_url)))
    return picked


@task(
    name="remind-units",
    task_run_name="{kind} {period}",
    retries=2,
    retry_delay_seconds=60,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def remind(
    workspace: Workspace, settings: Settings, period: str, kind: str, now: dt.datetime
) -> notify.Sent:
    chosen = calendar.period(workspace.plan, period)
    with workspace.sessions() as session:
        messages = reminders.compose(session, workspace.plan, chosen, reminders.Kind(kind), now)
    return send_logged(workspace, settings, messages, f"{kind} {period}")


def send_logged(
    workspace: Workspace, settings: Settings, messages: list[reminders.Message], what: str
) -> notify.Sent:
    """Send on every configured channel and say in the run's log what went where."""
    logger = get_run_logger()
    outcome = notify.send(workspace.sessions, workspace.plan, messages, channels(settings))
    logger.info(
        "%s: %d messages, %d sent, %d already sent, %d failed, no address: %s",
        what,
        len(messages),
        outcome.sent,
        outcome.skipped,
        len(outcome.failed),
        ", ".join(outcome.without_address) or "-",
    )
    for failure in outcome.failed:
        logger.warning("not sent: %s", failure)
    return outcome
