"""Metrics of a period and its consolidated report (a new version only when it changed)."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from papi_etl.metrics.model import PeriodMetrics
from papi_etl.metrics.period import compute_and_store
from papi_etl.metrics.rollup import RollUp, roll_up_and_store
from papi_etl.report import rollup as rollup_files
from papi_etl.report.produce import ProducedReport, produce
from papi_etl.workspace import REPORTS, Workspace
from tasks.common import retry_unless_domain_error


@task(
    name="metrics",
    task_run_name="metrics {period}",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def metrics(workspace: Workspace, period: str) -> PeriodMetrics:
    result, stored = compute_and_store(workspace.sessions, workspace.plan, period)
    get_run_logger().info(
        "%s: reporting rate %.1f %%, on time %.1f %%, %d values stored",
        period,
        result.reporting_rate,
        result.on_time_reporting_rate,
        stored,
    )
    return result


@task(
    name="report",
    task_run_name="report {period}",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def report(
    workspace: Workspace, period: str, metrics: PeriodMetrics | None = None
) -> ProducedReport:
    """The period's report; `metrics`: those the flow has just computed and stored."""
    with workspace.sessions.begin() as session:
        produced = produce(
            session, workspace.plan, period, workspace.files(REPORTS), metrics=metrics
        )
    get_run_logger().info(
        "%s: report v%d%s%s in %s",
        period,
        produced.version,
        " (supplementary)" if produced.supplementary else "",
        " (new)" if produced.created else " (unchanged)",
        produced.folder,
    )
    return produced


@task(
    name="roll-up",
    task_run_name="roll-up {period}",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def roll_up(workspace: Workspace, period: str) -> RollUp:
    """The children's stored metrics rolled up into the plan's (a city's districts)."""
    result, stored = roll_up_and_store(workspace.sessions, workspace.plan, period)
    get_run_logger().info(
        "%s: %d/%d children with metrics, reporting rate %.1f %%, on time %.1f %%, %d values",
        period,
        len(result.districts),
        result.children,
        result.reporting_rate,
        result.on_time_reporting_rate,
        stored,
    )
    return result


@task(name="roll-up-files", task_run_name="roll-up files {rolled.period_code}", cache_policy=NONE)
def roll_up_files(workspace: Workspace, rolled: RollUp) -> dict[str, Path]:
    """The roll-up's Markdown summary and XLSX table in the plan's reports folder."""
    return rollup_files.write(rolled, workspace.plan.document.district, workspace.files(REPORTS))
