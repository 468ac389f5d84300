"""The operators' alert: a deployment that Prefect runs when one of the plan's runs fails.

Its trigger is an automation on the server: on `prefect.flow-run.Failed`, `.Crashed` or
`.TimedOut` of any run tagged with the plan's id (every deployment of `build.py` and the
intake carry that tag, and the state events list a run's tags as related resources), it
starts `alert-operators` with the run's event resource id (`prefect.flow-run.<uuid>`) as
`flow_run_id`. The alert's own deployment is deliberately not tagged with the plan's id:
an alert run that fails must not set off an alert about itself, and so on.
"""

from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.events import DeploymentEventTrigger

from flows.alert_operators import alert_operators
from papi_etl.plan import load
from papi_etl.plan.model import Plan

BAD_ENDINGS = ("prefect.flow-run.Failed", "prefect.flow-run.Crashed", "prefect.flow-run.TimedOut")


def tag_resource(plan: Plan) -> dict[str, str]:
    """The related resource by which a state event says that its run carries the plan's tag."""
    return {"prefect.resource.id": f"prefect.tag.{plan.id}", "prefect.resource.role": "tag"}


def alert_deployment(plan_path: Path) -> RunnerDeployment:
    """`alert-operators/<plan id>`, run by its trigger (no schedule)."""
    plan = load(plan_path).plan
    return alert_operators.to_deployment(
        name=plan.id,
        triggers=[
            DeploymentEventTrigger(
                name=f"alert {plan.id}",
                description="Báo cho bộ phận vận hành khi một lượt chạy lỗi / "
                "alert the operators when a run fails",
                expect=set(BAD_ENDINGS),
                match_related=tag_resource(plan),
                # One firing per run, however many runs fail at once.
                for_each={"prefect.resource.id"},
                parameters={"flow_run_id": "{{ event.resource.id }}", "plan": str(plan_path)},
            )
        ],
        parameters={"plan": str(plan_path)},
        description="Báo cho bộ phận vận hành về lượt chạy lỗi / "
        "tell the operators about a failed run",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
