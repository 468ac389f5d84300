"""remind: units without a valid report, before their deadline (`remind`) and after it
(`overdue`, copied to the steward), and the steward's digest of open findings."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import reminding
from tasks.workspace import open_store


@flow(name="remind", flow_run_name="{kind} {period}")
def remind(
    plan: str = str(DEFAULT_PLAN), period: str | None = None, kind: str = "remind"
) -> dict[str, object]:
    settings = Settings()
    now = dt.datetime.now(dt.UTC)
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, now).code
    outcome = reminding.remind(workspace, settings, code, kind, now)
    return {
        "period": code,
        "kind": kind,
        "sent": outcome.sent,
        "already_sent": outcome.skipped,
        "failed": list(outcome.failed),
        "without_address": list(outcome.without_address),
    }
