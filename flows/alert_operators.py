"""alert-operators: tell the district's IT staff that a flow run failed, crashed or timed
out. Started by the automation of `deployments/alerts.py` on the run's state event, or by
hand with a flow run id; each run is reported once."""

from __future__ import annotations

from uuid import UUID

from prefect import flow, get_client
from prefect.runtime import flow_run

from papi_etl import alerts
from papi_etl.errors import ConfigurationError
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import alerting
from tasks.workspace import open_store


def _run_name() -> str:
    """The name "alert <the failed run's name>": the UI's list then says which run failed."""
    given = str(flow_run.parameters.get("flow_run_id", ""))
    try:
        run_id = alerts.run_id(given)
    except ConfigurationError:
        return f"alert {given}"
    try:
        with get_client(sync_client=True) as client:
            return f"alert {client.read_flow_run(UUID(run_id)).name}"
    except Exception:  # a name is not worth failing the alert for; the read task says why
        return f"alert {run_id[:8]}"


@flow(name="alert-operators", flow_run_name=_run_name)
def alert_operators(flow_run_id: str, plan: str = str(DEFAULT_PLAN)) -> dict[str, object]:
    """`flow_run_id` is the run's UUID or its event resource id (prefect.flow-run.<UUID>)."""
    settings = Settings()
    workspace = open_store(settings, plan)
    run = alerting.read_run(flow_run_id)
    outcome = alerting.alert(workspace, settings, run)
    return {
        "flow_run_id": run.id,
        "run": run.name,
        "state": run.state,
        "sent": outcome.sent,
        "already_sent": outcome.skipped,
        "without_address": bool(outcome.without_address),
    }
