"""validate: check the period's new and corrected submissions, and write the feedback."""

from __future__ import annotations

import datetime as dt

from prefect import flow

from expectations.period import PeriodValidation
from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.workspace import Workspace
from tasks import artifacts, validating
from tasks.workspace import child_plans, open_store


@flow(name="validate", flow_run_name="validate {period}")
def validate(
    plan: str = str(DEFAULT_PLAN), period: str | None = None, data_docs: bool = True
) -> dict[str, object]:
    """Validate every current submission of the period; feedback workbooks for the invalid;
    the run's Data Docs unless `data_docs` is false. A city's plan validates its districts'
    periods, all together: `{"period", "districts": {plan id: what a district's gives}}`."""
    settings = Settings()
    workspace = open_store(settings, plan)
    code = calendar.resolve(workspace.plan, period, dt.datetime.now(dt.UTC)).code
    children = child_plans(plan)
    if not children:
        return _settle(workspace, code, validating.validate(workspace, code, data_docs))
    districts = [open_store(settings, path) for path in children.values()]
    checked = validating.validate_together(districts, code, data_docs)
    return {
        "period": code,
        "districts": {d.plan.id: _settle(d, code, checked[d.plan.id]) for d in districts},
    }


def _settle(workspace: Workspace, code: str, checked: PeriodValidation) -> dict[str, object]:
    """A plan's validation followed up: feedback workbooks, status table, Data Docs link."""
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
