"""The deployments of a plan: each flow with the schedule its calendar gives.

The rules come from `papi_etl.schedule` (one home for when things run); this module only
hands them to Prefect. Deployments are named `<flow>/<plan id>`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import Flow
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import RRule

from deployments import intake
from deployments.alerts import alert_deployment
from flows.collect import collect
from flows.consolidate import consolidate
from flows.publish import publish
from flows.remind import remind
from papi_etl import schedule
from papi_etl.plan import load
from papi_etl.settings import Settings
from papi_etl.workspace import open_workspace

# The flows the plan's schedules run (validation follows collection inside `collect`).
FLOWS: dict[str, Flow] = {
    "collect": collect,
    "remind": remind,
    "consolidate": consolidate,
    "publish": publish,
}


def deployments(plan_path: Path) -> list[RunnerDeployment]:
    """One deployment per scheduled job of the plan (paused by nothing: Prefect runs them),
    the intake that a dropped file triggers, and the operators' alert on a failed run."""
    plan = load(plan_path).plan
    built = scheduled(plan_path)
    built.append(intake.deployment(plan_path, plan))
    built.append(alert_deployment(plan_path))
    return built


def scheduled(plan_path: Path) -> list[RunnerDeployment]:
    """One deployment per scheduled job of the plan, tagged with its id."""
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
    return built


def serve(plan_path: Path, settings: Settings, say: Callable[[str], None]) -> None:
    """Register the plan's deployments with their schedules and triggers, then watch the
    inbox and run them until stopped (Ctrl+C or SIGTERM; the schedules are then paused).

    The watcher starts only once the deployments and the intake trigger are registered:
    an event emitted before its trigger exists would be lost, and a file already in the
    inbox would wait for the next scheduled collection."""
    import asyncio

    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    plan = load(plan_path).plan
    runner = Runner(name=f"papi-etl {plan.id}", pause_on_shutdown=True)
    built = deployments(plan_path)
    for deployment in built:
        runner.add_deployment(deployment)
    inbox = open_workspace(settings, load(plan_path)).inbox()
    stop = intake.start_watching(plan, inbox)
    say(
        f"Đang chạy {len(built)} deployment (Ctrl+C để dừng) / serving: "
        + ", ".join(f"{d.flow_name}/{d.name}" for d in built)
    )
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass  # the runner has paused the schedules on its way out
    finally:
        stop.set()
    say("Đã dừng; các lịch chạy được tạm dừng / stopped; schedules paused.")
