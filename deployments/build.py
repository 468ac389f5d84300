"""The deployments of a plan: each flow with the schedule its calendar gives.

The rules come from `papi_etl.schedule` (one home for when things run); this module only
hands them to Prefect. Deployments are named `<flow>/<plan id>`.
"""

from __future__ import annotations

from pathlib import Path

from prefect import Flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import RRule

from deployments import intake
from flows.collect import collect
from flows.consolidate import consolidate
from flows.publish import publish
from flows.remind import remind
from flows.validate import validate
from papi_etl import schedule
from papi_etl.plan import load
from papi_etl.settings import Settings

FLOWS: dict[str, Flow] = {
    "collect": collect,
    "validate": validate,
    "remind": remind,
    "consolidate": consolidate,
    "publish": publish,
}


def deployments(plan_path: Path) -> list[RunnerDeployment]:
    """One deployment per scheduled job of the plan (paused by nothing: Prefect runs them),
    and the intake that a dropped file triggers."""
    plan = load(plan_path).plan
    built = []
    for job in schedule.jobs(plan):
        parameters: dict[str, object] = {"plan": str(plan_path)}
        if job.flow == "remind":
            parameters["kind"] = job.name
        name = schedule.deployment_name(plan, job).split("/", 1)[1]
        built.append(
            FLOWS[job.flow].to_deployment(
                name=name,
                schedules=[RRule(job.rrule, timezone=plan.calendar.timezone)],
                parameters=parameters,
                description=f"{job.purpose_vi} / {job.purpose_en}",
                tags=[plan.id],
                # By module, so a run starts wherever `serve` was started from.
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    built.append(intake.deployment(plan_path, plan))
    return built


def serve(plan_path: Path, settings: Settings) -> None:
    """Register the plan's deployments with their schedules and triggers, watch the inbox,
    and run them until stopped (Ctrl+C; Prefect then pauses the schedules)."""
    from prefect import serve as prefect_serve

    plan = load(plan_path).plan
    stop = intake.start_watching(plan, Path(settings.inbox or settings.data_dir / "inbox"))
    try:
        prefect_serve(*deployments(plan_path))
    finally:
        stop.set()
