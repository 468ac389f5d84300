"""Validating a period's submissions (one GX run per suite) and the units' feedback."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from expectations.period import PeriodValidation, validate_period, validate_periods
from papi_etl.validation import feedback_files
from papi_etl.workspace import DATA_DOCS, Workspace
from tasks.artifacts import Progress
from tasks.common import retry_unless_domain_error


@task(
    name="validate-period",
    task_run_name="validate {period}",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def validate(workspace: Workspace, period: str, data_docs: bool = True) -> PeriodValidation:
    progress = Progress(
        "validate-progress", workspace.plan.id, period, 1, f"Kiểm tra báo cáo kỳ {period}"
    )
    docs_root = workspace.files(DATA_DOCS) if data_docs else None
    checked = validate_period(workspace.sessions, workspace.plan, period, docs_root)
    progress.finish()
    get_run_logger().info(
        "%s: %d submissions, %d valid, %d invalid, %d accepted with exception, %d findings",
        period,
        len(checked.statuses),
        checked.count("valid"),
        checked.count("invalid"),
        checked.count("accepted_with_exception"),
        checked.findings,
    )
    return checked


@task(
    name="validate-districts",
    task_run_name="validate {period} of the districts",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def validate_together(
    workspaces: list[Workspace], period: str, data_docs: bool = True
) -> dict[str, PeriodValidation]:
    """A city's districts validated together (one GX run per suite for all), by plan id."""
    checked = validate_periods(
        workspaces[0].sessions,
        [w.plan for w in workspaces],
        period,
        {w.plan.id: w.files(DATA_DOCS) if data_docs else None for w in workspaces},
    )
    found = sum(c.findings for c in checked.values())
    get_run_logger().info("%s: %d districts validated, %d findings", period, len(checked), found)
    return checked


@task(name="feedback-workbooks", task_run_name="feedback {period}", cache_policy=NONE)
def feedback(workspace: Workspace, period: str) -> list[Path]:
    """A feedback workbook for each invalid report, ready to send back to its unit."""
    return feedback_files.write_for_period(
        workspace.sessions, workspace.plan, period, workspace.data_dir
    )
