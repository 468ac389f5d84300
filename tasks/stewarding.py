"""The data steward's decisions taken in the Prefect UI: the open findings shown, the
accepted exceptions recorded through the same code as `papi-etl steward accept`."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from papi_etl import steward
from papi_etl.workspace import Workspace
from tasks.artifacts import markdown


@task(name="open-findings", task_run_name="open findings {period}", cache_policy=NONE)
def open_findings(workspace: Workspace, period: str) -> list[steward.OpenFinding]:
    with workspace.sessions() as session:
        found = steward.open_findings(session, workspace.plan, period=period)
    text = steward.as_markdown(found, period)
    markdown.fn("open-findings", period, text, "Lỗi chưa xử lý / open findings")
    return found


@task(name="accept-exceptions", task_run_name="accept {period}", cache_policy=NONE)
def accept(
    workspace: Workspace,
    period: str,
    findings: list[steward.OpenFinding],
    chosen: list[int],
    reason: str,
    by: str,
) -> list[int]:
    """Accept the chosen findings (ids among the open ones); the rest stay open."""
    by_id = {f.finding_id: f for f in findings}
    accepted = []
    with workspace.sessions.begin() as session:
        for finding_id in chosen:
            if finding_id not in by_id:
                get_run_logger().warning(
                    "finding %s is not open in %s: skipped", finding_id, period
                )
                continue
            steward.accept(session, by_id[finding_id].submission_id, finding_id, reason, by)
            accepted.append(finding_id)
    return accepted
