"""The alert deployment's trigger, checked with the Prefect server's own automation code:
which events it fires on, and the parameters it renders for the alert run.

The server-side objects are built exactly as `serve` registers them (trigger → automation
→ the server's schema), so `covers()` and `render_parameters()` are the code the server
runs when an event arrives; no server is started.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from prefect.server.events.schemas.automations import Automation, TriggeredAction
from prefect.server.events.schemas.events import ReceivedEvent

from deployments.alerts import alert_deployment
from deployments.build import deployments
from papi_etl import alerts
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN

PLAN_ID = load(DEFAULT_PLAN).plan.id


@pytest.fixture(scope="module")
def automation() -> Automation:
    """The automation the server holds for the alert deployment's one trigger."""
    (trigger,) = alert_deployment(DEFAULT_PLAN).triggers
    trigger.set_deployment_id(uuid.uuid4())
    client_side = trigger.as_automation()
    return Automation.model_validate({**client_side.model_dump(mode="json"), "id": uuid.uuid4()})


def _state_event(name: str, tags: list[str], run: uuid.UUID | None = None) -> ReceivedEvent:
    """A flow run's state event as the server emits it (resource, flow, deployment, tags)."""
    run = run or uuid.uuid4()
    return ReceivedEvent(
        occurred=dt.datetime.now(dt.UTC),
        event=name,
        resource={
            "prefect.resource.id": f"prefect.flow-run.{run}",
            "prefect.resource.name": "collect 2019-Q1",
            "prefect.state-name": name.rsplit(".", 1)[1],
        },
        related=[
            {
                "prefect.resource.id": f"prefect.flow.{uuid.uuid4()}",
                "prefect.resource.role": "flow",
                "prefect.resource.name": "collect",
            },
            {
                "prefect.resource.id": f"prefect.deployment.{uuid.uuid4()}",
                "prefect.resource.role": "deployment",
                "prefect.resource.name": PLAN_ID,
            },
            *(
                {"prefect.resource.id": f"prefect.tag.{t}", "prefect.resource.role": "tag"}
                for t in tags
            ),
        ],
        id=uuid.uuid4(),
    )


def test_the_deployment_is_named_for_the_plan_and_not_tagged_with_it():
    built = alert_deployment(DEFAULT_PLAN)
    assert (built.flow_name, built.name) == ("alert-operators", PLAN_ID)
    assert PLAN_ID not in built.tags, "its own failure must not alert about itself"
    assert not built.schedules
    assert built.parameters == {"plan": str(DEFAULT_PLAN)}


def test_the_trigger_expects_the_three_bad_endings_of_a_run(automation):
    trigger = automation.trigger
    assert trigger.expect == {
        "prefect.flow-run.Failed",
        "prefect.flow-run.Crashed",
        "prefect.flow-run.TimedOut",
    }
    assert trigger.immediate and trigger.threshold == 1
    assert trigger.for_each == {"prefect.resource.id"}


@pytest.mark.parametrize("state", ["Failed", "Crashed", "TimedOut"])
def test_it_fires_on_a_bad_ending_of_a_run_of_the_plan(automation, state):
    event = _state_event(f"prefect.flow-run.{state}", [PLAN_ID, "other"])
    assert automation.trigger.covers(event)


@pytest.mark.parametrize(
    ("event", "tags"),
    [
        ("prefect.flow-run.Completed", [PLAN_ID]),
        ("prefect.flow-run.Cancelled", [PLAN_ID]),
        ("prefect.flow-run.Failed", []),  # the alert's own run, or a flow of no plan
        ("prefect.flow-run.Failed", ["another-plan-2020"]),
    ],
)
def test_it_does_not_fire_on_anything_else(automation, event, tags):
    assert not automation.trigger.covers(_state_event(event, tags))


def test_it_passes_the_failed_run_to_the_alert_flow(automation):
    run = uuid.uuid4()
    event = _state_event("prefect.flow-run.Failed", [PLAN_ID], run)
    action = automation.actions[0]
    fired = TriggeredAction(
        automation=automation,
        triggered=dt.datetime.now(dt.UTC),
        triggering_labels={"prefect.resource.id": event.resource.id},
        triggering_event=event,
        action=action,
    )
    parameters = asyncio.run(action.render_parameters(fired))
    assert parameters == {"flow_run_id": f"prefect.flow-run.{run}", "plan": str(DEFAULT_PLAN)}
    assert alerts.run_id(parameters["flow_run_id"]) == str(run)


def test_every_deployment_of_the_plan_but_the_alert_carries_the_tag_the_trigger_matches():
    built = deployments(DEFAULT_PLAN)
    watched = [d for d in built if d.flow_name != "alert-operators"]
    assert watched and all(PLAN_ID in d.tags for d in watched)
    assert all(PLAN_ID not in d.tags for d in built if d.flow_name == "alert-operators")
