"""Validation on a dropped file: the inbox watcher's event and the deployment it triggers.

`serve` polls the inbox (papi_etl.inbox_watch) in a thread and emits one Prefect event per
poll that found settled files; the `intake/<plan id>` deployment carries a trigger on that
event, so the Prefect server starts a run about a second later and the operator sees the
event, the trigger and the run in the UI. The deployment takes one run at a time: a burst
of drops queues runs rather than ingesting the same files twice at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.events import DeploymentEventTrigger, emit_event
from prefect.logging import get_logger

from flows.intake import intake
from papi_etl.inbox_watch import InboxWatcher
from papi_etl.plan.model import Plan

EVENT = "papi.inbox.dropped"


def resource(plan: Plan) -> dict[str, str]:
    return {"prefect.resource.id": f"papi.inbox.{plan.id}", "prefect.resource.name": "inbox"}


def deployment(plan_path: Path, plan: Plan) -> RunnerDeployment:
    return intake.to_deployment(
        name=plan.id,
        triggers=[
            DeploymentEventTrigger(
                name=f"inbox {plan.id}",
                expect={EVENT},
                match={"prefect.resource.id": resource(plan)["prefect.resource.id"]},
                parameters={"plan": str(plan_path), "dropped": "{{ event.payload.summary }}"},
            )
        ],
        concurrency_limit=1,
        parameters={"plan": str(plan_path)},
        description="Tiếp nhận, kiểm tra và phản hồi ngay khi đơn vị nộp tệp / "
        "take in, validate and answer a dropped file",
        tags=[plan.id],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def _summary(inbox: Path, files: list[Path]) -> str:
    names = [str(f.relative_to(inbox)) for f in files]
    shown = ", ".join(names[:3])
    return shown if len(names) <= 3 else f"{shown} (+{len(names) - 3})"


def watch(plan: Plan, inbox: Path, stop: threading.Event, every: float = 3.0) -> None:
    """Poll until `stop` is set; one event per poll that found settled files."""
    logger = get_logger("papi_etl.inbox")
    watcher = InboxWatcher(inbox)
    while not stop.wait(every):
        try:
            files = watcher.poll()
        except OSError as error:  # a shared folder gone for a moment: say so, keep polling
            logger.warning("cannot read the inbox %s: %s", inbox, error)
            continue
        if files:
            logger.info("dropped in %s: %s", inbox, _summary(inbox, files))
            emit_event(
                EVENT,
                resource=resource(plan),
                payload={
                    "files": [str(f.relative_to(inbox)) for f in files],
                    "summary": _summary(inbox, files),
                },
            )


def start_watching(plan: Plan, inbox: Path, every: float = 3.0) -> threading.Event:
    """Start the watcher thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=watch, args=(plan, inbox, stop, every), name="inbox-watcher", daemon=True
    ).start()
    return stop
