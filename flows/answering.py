"""Answering what has just come in: shared by the flows that take reports in unattended
(`intake` on a dropped file, the scheduled `collect`), so that every new version of a
report is validated and its unit told, whichever way it arrived."""

from __future__ import annotations

from flows.validate import validate
from papi_etl.settings import Settings
from papi_etl.workspace import Workspace
from tasks import intake as intake_tasks


def answer_new(
    plan: str, workspace: Workspace, settings: Settings, submissions: list[dict[str, object]]
) -> dict[str, object]:
    """Validate each period that got a new version (the `validate` flow, as a sub-flow the
    operator sees: feedback, artifacts, Data Docs), then tell each unit its result (once
    per version)."""
    periods = sorted({str(s["period"]) for s in submissions})
    checked = {code: validate(plan, code) for code in periods}
    told = intake_tasks.tell_units(workspace, settings, [int(s["id"]) for s in submissions])
    return {
        "validated": checked,
        "told": told.sent,
        "not_told": list(told.failed) + list(told.without_address),
    }
