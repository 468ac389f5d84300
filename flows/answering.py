"""Answering what has just come in: shared by the flows that take reports in unattended
(`intake` on a dropped file, the scheduled `collect`), so that every new version of a
report is validated and its unit told, whichever way it arrived."""

from __future__ import annotations

from papi_etl.settings import Settings
from papi_etl.workspace import Workspace
from tasks import artifacts, validating
from tasks import intake as intake_tasks


def answer_new(
    workspace: Workspace, settings: Settings, submissions: list[dict[str, object]]
) -> dict[str, object]:
    """Validate each period that got a new version, write the feedback, refresh the
    period's artifacts, and tell each unit its result (once per version)."""
    periods = sorted({str(s["period"]) for s in submissions})
    checked = {}
    for code in periods:
        result = validating.validate(workspace, code, data_docs=True)
        validating.feedback(workspace, code)
        artifacts.reporting_status_table(workspace, code)
        if result.data_docs is not None:
            artifacts.link("data-docs", code, result.data_docs.as_uri(), f"Data Docs {code}")
        checked[code] = {
            "valid": result.count("valid"),
            "invalid": result.count("invalid"),
            "accepted_with_exception": result.count("accepted_with_exception"),
        }
    told = intake_tasks.tell_units(workspace, settings, [int(s["id"]) for s in submissions])
    return {
        "validated": checked,
        "told": told.sent,
        "not_told": list(told.failed) + list(told.without_address),
    }
