"""steward-review: the data steward decides on open findings from the Prefect UI.

The flow shows the period's open findings as an artifact, then pauses; the run page's
Resume form asks which findings to accept, why and who decides. Invalid input is refused
by Prefect and the run stays paused; the decisions go through `papi_etl.steward.accept`,
the same code as `papi-etl steward accept`, and land in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import stewarding
from tasks.workspace import open_store


class StewardDecision(RunInput):
    finding_ids: list[int] = Field(
        description="ID của các lỗi chấp nhận ngoại lệ / ids of the findings to accept"
    )
    reason: str = Field(min_length=5, description="Lý do (bắt buộc) / the written reason")
    decided_by: str = Field(min_length=2, description="Người quyết định / the steward's name")


@flow(name="steward-review", flow_run_name="steward review {period}")
def steward_review(
    plan: str = str(DEFAULT_PLAN), period: str | None = None, wait_hours: int = 72
) -> dict[str, object]:
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    findings = stewarding.open_findings(workspace, code)
    if not findings:
        return {"period": code, "open": 0, "accepted": []}
    decision = pause_flow_run(wait_for_input=StewardDecision, timeout=wait_hours * 3600)
    accepted = stewarding.accept(
        workspace, code, findings, decision.finding_ids, decision.reason, decision.decided_by
    )
    return {"period": code, "open": len(findings), "accepted": accepted}
