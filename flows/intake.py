"""intake: a file dropped in the inbox, taken in, validated and answered within a minute.

Started by `serve`'s inbox watcher through a Prefect event (see `deployments/intake.py`),
not by a schedule. Only the periods that received something are validated.
"""

from __future__ import annotations

from prefect import flow

from flows.answering import answer_new
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from tasks import collecting
from tasks.workspace import open_store


@flow(name="intake", flow_run_name="intake {dropped}")
def intake(plan: str = str(DEFAULT_PLAN), dropped: str = "inbox") -> dict[str, object]:
    """Take in the inbox (not the HTTP API: a drop says nothing about it), then answer what
    is new. `dropped` names what set it off, for the run's name."""
    settings = Settings()
    workspace = open_store(settings, plan)
    with collecting.one_at_a_time(workspace.plan.id):
        taken = collecting.collect_from(workspace, InboxSource(workspace.inbox()))
        return {"collect": taken, **answer_new(plan, workspace, settings, taken["submissions"])}
