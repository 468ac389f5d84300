"""Opening the store and the plan once per flow run."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from papi_etl.plan import family, load
from papi_etl.settings import Settings
from papi_etl.workspace import Workspace, open_workspace
from tasks.common import retry_unless_domain_error


@task(
    name="open-workspace",
    retries=2,
    retry_delay_seconds=5,
    retry_condition_fn=retry_unless_domain_error,
    cache_policy=NONE,
)
def open_store(settings: Settings, plan_path: str) -> Workspace:
    return open_workspace(settings, load(Path(plan_path)))


@task(name="child-plans", cache_policy=NONE)
def child_plans(plan_path: str) -> dict[str, str]:
    """The plan's children that have a file: plan id -> the file's path (checked)."""
    return {c.plan.id: str(c.path.resolve()) for c in family.children(load(Path(plan_path)))}
