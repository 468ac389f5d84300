"""Telling the units what became of the reports they just dropped."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from papi_etl import notify
from papi_etl.settings import Settings
from papi_etl.validation import result_notice
from papi_etl.workspace import Workspace
from tasks.common import retry_unless_domain_error
from tasks.reminding import send_logged


@task(
    name="tell-units",
    retries=2,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def tell_units(workspace: Workspace, settings: Settings, submission_ids: list[int]) -> notify.Sent:
    with workspace.sessions() as session:
        messages = result_notice.compose(
            session, workspace.plan, submission_ids, workspace.data_dir
        )
    return send_logged(workspace, settings, messages, "validation results")
