"""validate: check the period's new and corrected submissions, and write the feedback."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import artifacts, validating
from tasks.workspace import open_store


@flow(name="validate", flow_run_name="validate {period}")
def validate(
    plan: str = str(DEFAULT_PLAN), period: str | None = None, data_docs: bool = True
) -> dict[str, object]:
    """Validate every current submission of the period; feedback workbooks for the invalid;
    the run's Data Docs unless `data_docs` is false."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    checked = validating.validate(workspace, code, data_docs)
    written = validating.feedback(workspace, code)
    artifacts.reporting_status_table(workspace, code)
    if checked.data_docs is not None:
        artifacts.link(
            "data-docs", workspace.plan.id, code, checked.data_docs.as_uri(), f"Data Docs {code}"
        )
    return {
        "period": code,
        "valid": checked.count("valid"),
        "invalid": checked.count("invalid"),
        "accepted_with_exception": checked.count("accepted_with_exception"),
        "findings": checked.findings,
        "feedback": [str(p) for p in written],
        "data_docs": str(checked.data_docs) if checked.data_docs else None,
    }
