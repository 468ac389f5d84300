"""The plans' deployments on a work pool, run by Prefect workers: the production stack.

`papi-etl deploy --pool NAME --plan FILE ...` registers, for each plan (and each district
of a city's plan), the deployments its schedules run (`papi_etl.schedule`), a
`run-period/<plan id>` deployment to run a whole period on demand, the operators' alert,
and the plan's collecting lock (`tasks.collecting`). Workers started with
`prefect worker start --pool NAME --type process` poll the pool and run each flow run in a
process of their own, on this machine or on others; the Prefect server keeps the
schedules, so stopping a worker pauses nothing and another worker takes the runs.

The deployments name their flows by module path (`flows.collect.collect`), with no code
storage and no image: a process worker runs them with the papi-etl installed in its own
Python environment, so every worker host has the same release installed, the same PAPI_*
settings (the store on PostgreSQL, a PAPI_DATA_DIR all of them reach) and PREFECT_API_URL.
The flows' `plan` parameter is the plan file's absolute path, the same on every host.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from prefect import get_client
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.exceptions import ObjectNotFound

from deployments.alerts import alert_deployment
from deployments.build import scheduled
from flows.run_period import run_period
from papi_etl.errors import ConfigurationError
from papi_etl.plan import family, load
from tasks.collecting import ensure_lock


def for_pool(plan_path: Path) -> list[RunnerDeployment]:
    """The plan's deployments for a work pool: its schedules, `run-period/<plan id>` and
    the alert (not the intake: its event comes from the inbox watcher of `serve`)."""
    plan = load(plan_path).plan
    on_demand = run_period.to_deployment(
        name=plan.id,
        parameters={"plan": str(plan_path)},
        description="Chạy trọn một kỳ báo cáo theo yêu cầu / run a whole period on demand",
        tags=[plan.id],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return [*scheduled(plan_path), on_demand, alert_deployment(plan_path)]


def plan_files(plan_paths: Sequence[Path]) -> list[Path]:
    """The plan files to deploy, absolute: each one given, and a city's districts after it."""
    found: dict[Path, None] = {}
    for path in plan_paths:
        loaded = load(path)
        for each in (loaded, *family.children(loaded)):
            found.setdefault(each.path.resolve())
    return list(found)


def deploy(plan_paths: Sequence[Path], pool: str) -> list[str]:
    """Register the plans' deployments on the work pool `pool` (which must exist) and their
    collecting locks; the names of the deployments. Raises ConfigurationError for a pool
    the server does not know, with the command that makes one."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            raise ConfigurationError(
                f"The Prefect server has no work pool '{pool}': make it with "
                f"`prefect work-pool create {pool} --type process`, then deploy again.",
                f"Máy chủ Prefect chưa có work pool '{pool}': tạo bằng lệnh "
                f"`prefect work-pool create {pool} --type process` rồi chạy lại.",
            ) from None
    names = []
    for path in plan_files(plan_paths):
        for deployment in for_pool(path):
            deployment.apply(work_pool_name=pool)
            names.append(f"{deployment.flow_name}/{deployment.name}")
        ensure_lock(load(path).plan.id)
    return names
