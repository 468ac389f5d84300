"""intake: a file dropped in the inbox, taken in, validated and answered within a minute.

Started by `serve`'s inbox watcher through a Prefect event (see `deployments/intake.py`),
not by a schedule. Only the periods that received something are validated.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from tasks import artifacts, collecting, validating
from tasks import intake as intake_tasks
from tasks.workspace import open_store


@flow(name="intake", flow_run_name="intake {dropped}")
def intake(plan: str = str(DEFAULT_PLAN), dropped: str = "inbox") -> dict[str, object]:
    """Take in the inbox, validate each period that got a new version, write the feedback
    and tell each unit its result. `dropped` names what set it off, for the run's name."""
    settings = Settings()
    workspace = open_store(settings, plan)
    inbox = Path(settings.inbox or settings.data_dir / "inbox")
    taken = collecting.collect_from(workspace, InboxSource(inbox))
    submissions = taken["submissions"]
    periods = sorted({s["period"] for s in submissions})
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
    told = intake_tasks.tell_units(workspace, settings, [s["id"] for s in submissions])
    return {
        "collect": taken,
        "validated": checked,
        "told": told.sent,
        "not_told": list(told.failed) + list(told.without_address),
    }
