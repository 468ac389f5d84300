"""A run that fails, then the operators' alert about it, under the test Prefect server: a
real SMTP server on loopback receives it once."""

from __future__ import annotations

import time

import pytest
from prefect import flow, get_client, tags
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterName,
)

from deployments.alerts import alert_deployment
from flows.alert_operators import alert_operators
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN


@pytest.fixture
def operators(mailbox, monkeypatch, data_dir):
    """The loopback SMTP server named to the flows by PAPI_SMTP_URL, and the operators'
    addresses in PAPI_OPERATOR_EMAILS."""
    monkeypatch.setenv("PAPI_SMTP_URL", mailbox.url())
    monkeypatch.setenv("PAPI_OPERATOR_EMAILS", "it@binhtan.example, ops@binhtan.example")
    monkeypatch.delenv("PAPI_OPERATOR_WEBHOOK", raising=False)
    return mailbox


@flow(name="probe", flow_run_name="probe {period}")
def failing(period: str) -> None:
    raise ConnectionError(f"the submission API answered 503 for {period}")


def test_a_failed_run_is_alerted_once(operators):
    state = failing(period="2019-Q1", return_state=True)
    assert state.is_failed()
    run_id = str(state.state_details.flow_run_id)

    # As the deployment's trigger passes it: the event's resource id.
    first = alert_operators(flow_run_id=f"prefect.flow-run.{run_id}")

    assert first["sent"] == 1 and first["state"] == "Failed"
    (mail,) = operators.messages
    assert mail["Subject"] == "[papi-etl] Lỗi: probe 2019-Q1 — Failed"
    assert mail["To"] == "it@binhtan.example, ops@binhtan.example"
    body = mail.get_content()
    assert body.index("Trạng thái: Thất bại (Failed)") < body.index("State: Failed")
    assert "503 for 2019-Q1" in body and "  - period = 2019-Q1" in body
    assert f"/runs/flow-run/{run_id}" in body, "the test server's UI address is known"

    again = alert_operators(flow_run_id=run_id)
    assert (again["sent"], again["already_sent"]) == (0, 1)
    assert len(operators.messages) == 1

    with get_client(sync_client=True) as client:
        named = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["alert probe 2019-Q1"]))
        )
    assert len(named) == 2, "the alert runs are named for the run they are about"


def test_without_an_operator_address_the_alert_is_only_logged(data_dir, monkeypatch):
    monkeypatch.delenv("PAPI_OPERATOR_EMAILS", raising=False)
    monkeypatch.delenv("PAPI_OPERATOR_WEBHOOK", raising=False)
    state = failing(period="2019-Q2", return_state=True)
    outcome = alert_operators(flow_run_id=str(state.state_details.flow_run_id))
    assert outcome["sent"] == 0 and outcome["without_address"] is True


def test_a_run_that_went_well_is_not_alerted_about(operators):
    @flow(name="probe-ok")
    def fine() -> int:
        return 1

    state = fine(return_state=True)
    outcome = alert_operators(flow_run_id=str(state.state_details.flow_run_id))
    assert outcome["sent"] == 0 and outcome["state"] == "Completed"
    assert operators.messages == []


def test_the_deployment_trigger_starts_an_alert_run_for_a_failed_run_of_the_plan(data_dir):
    """The automation `serve` registers, live on the test server: a failed run tagged with
    the plan's id gets an alert run with its id (no runner here, so it stays scheduled)."""
    plan_id = load(DEFAULT_PLAN).plan.id
    deployment_id = alert_deployment(DEFAULT_PLAN).apply()
    try:
        with tags(plan_id):
            state = failing(period="2019-Q3", return_state=True)
        run_id = state.state_details.flow_run_id
        deadline = time.monotonic() + 30
        started: list = []
        with get_client(sync_client=True) as client:
            while not started and time.monotonic() < deadline:
                time.sleep(0.5)
                started = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
                )
        assert [r.parameters for r in started] == [
            {"flow_run_id": f"prefect.flow-run.{run_id}", "plan": str(DEFAULT_PLAN)}
        ]
    finally:
        with get_client(sync_client=True) as client:
            client.delete_resource_owned_automations(f"prefect.deployment.{deployment_id}")
            client.delete_deployment(deployment_id)
