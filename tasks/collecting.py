"""Collecting from one source, with a progress artifact, retried when the source is down;
and the plan's collecting lock, so that two collect runs of one plan never overlap.

The lock is a Prefect global concurrency limit with one slot, `collect-<plan id>`, taken
by every run that takes reports in (the scheduled `collect`, the `intake` a dropped file
starts, the collect of `run_period`), whichever worker runs it: a run started while
another collects for the same plan waits for it. Another plan's runs go on meanwhile.
The store would refuse a double count anyway (a plan's raw file and each version are
unique keys); the lock keeps two runs from racing to that refusal, and so from failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from prefect import get_client, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

from papi_etl import collect, reporting_status
from papi_etl.ingest import Ingested, Outcome
from papi_etl.sources.base import Source
from papi_etl.workspace import Workspace
from tasks.artifacts import Progress
from tasks.common import retry_unless_domain_error


def lock_name(plan_id: str) -> str:
    return f"collect-{plan_id}"


def ensure_lock(plan_id: str) -> str:
    """Create the plan's collecting lock (one slot) unless it exists; its name. Prefect
    refuses to acquire a limit that was never created: this makes it the first time."""
    name = lock_name(plan_id)
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            with suppress(ObjectAlreadyExists):  # another run created it just now
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1)
                )
    return name


@contextmanager
def one_at_a_time(plan_id: str) -> Iterator[None]:
    """Hold the plan's collecting lock: wait while another run of the plan collects."""
    with concurrency(ensure_lock(plan_id), occupy=1, strict=True):
        yield


class SourceUnavailable(Exception):
    """The source failed after its own retries; the task retries the whole fetch later
    (safe: what was taken in is kept, and the archive makes a repeat a duplicate)."""


@task(
    name="collect-source",
    task_run_name="collect {source.name}",
    retries=2,
    retry_delay_seconds=[60, 300],
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def collect_from(
    workspace: Workspace, source: Source, period: str | None = None, wait: bool = True
) -> dict[str, object]:
    """Take in what the source holds; with a period, show progress against the units that
    owe it a report (a drop-triggered intake does not know the period before reading).
    A source that failed fails the task, for Prefect to retry it later, unless the run
    does not `wait` (an interactive one, this task's retries off): then the summary says so
    in `source_errors`."""
    logger = get_run_logger()
    progress: Progress | None = None
    if period is not None:
        with workspace.sessions() as session:
            owing = len(reporting_status.of_period(session, workspace.plan, period))
        progress = Progress(
            "collect-progress",
            workspace.plan.id,
            period,
            owing,
            f"Thu thập báo cáo kỳ {period} từ {source.name}",
        )

    def seen(item: Ingested) -> None:
        if progress is not None:
            progress.step()
        if item.outcome is Outcome.REJECTED:
            logger.warning("%s rejected: %s", item.file, item.reason_en)
        elif item.outcome is not Outcome.DUPLICATE:  # a duplicate is the normal case
            logger.info(
                "%s: %s %s %s v%s", item.file, item.outcome, item.unit, item.period, item.version
            )

    result = collect.collect(
        workspace.sessions, workspace.plan, [source], workspace.data_dir, on_item=seen
    )
    if progress is not None:
        progress.finish()
    for skipped in result.skipped:
        logger.warning("%s left for the next run: %s", skipped.original_name, skipped.reason_en)
    summary = result.as_dict()
    logger.info(
        "received %s: %s new, %s superseding, %s duplicate, %s rejected",
        summary["received"],
        summary["new"],
        summary["superseded"],
        summary["duplicate"],
        len(summary["rejected"]),
    )
    if result.failures:
        failed = "\n".join(f.describe() for f in result.failures)
        if wait:
            raise SourceUnavailable(failed)
        logger.error(failed)
    return summary
