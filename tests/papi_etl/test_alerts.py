"""The operators' alert about a failed run: what it says, and that it is sent once, on
both database backends, to a real webhook on loopback."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from sqlalchemy import select

from papi_etl import alerts, notify
from papi_etl.errors import ConfigurationError
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace

RUN_ID = "0b7f6a4e-2c1d-4f3e-9a8b-5c6d7e8f9a0b"


def _run(**changes: object) -> alerts.FailedRun:
    values: dict = {
        "id": RUN_ID,
        "flow": "collect",
        "name": "collect 2019-Q1",
        "state": "Failed",
        "state_type": "FAILED",
        "message": "Flow run encountered an exception: ConnectionError: HTTP 503",
        "started": dt.datetime(2019, 3, 5, 1, 0, 12, tzinfo=dt.UTC),
        "parameters": {"plan": "/srv/papi/plans/461.yaml", "period": "2019-Q1"},
    }
    return alerts.FailedRun(**(values | changes))


def test_the_alert_says_in_vietnamese_first_which_run_failed_and_how():
    message = alerts.compose(_run(), ("it@binhtan.example",), None, ui_url="http://127.0.0.1:4200/")
    assert message.subject == "[papi-etl] Lỗi: collect 2019-Q1 — Failed"
    assert message.key == f"alert/{RUN_ID}"
    assert (message.kind, message.period, message.unit) == (alerts.Kind.ALERT, "2019-Q1", "")
    body = message.body
    vietnamese, english = body.split("-" * 20)
    assert "Trạng thái: Thất bại (Failed)" in vietnamese
    assert "Quy trình: collect" in vietnamese and "Lượt chạy: collect 2019-Q1" in vietnamese
    assert "HTTP 503" in vietnamese and "HTTP 503" in english
    # 01:00:12 UTC is 08:00:12 in Vietnam.
    assert "Bắt đầu lúc: 08:00:12 ngày 05/03/2019 (giờ Việt Nam)" in vietnamese
    assert "Started: 2019-03-05 08:00:12 +0700 (Asia/Ho_Chi_Minh)" in english
    for part in (vietnamese, english):
        assert "  - period = 2019-Q1" in part
        assert "  - plan = /srv/papi/plans/461.yaml" in part
    link = f"http://127.0.0.1:4200/runs/flow-run/{RUN_ID}"
    assert f"Xem lượt chạy: {link}" in vietnamese and f"Open the run: {link}" in english
    assert unicodedata.is_normalized("NFC", body)
    assert unicodedata.is_normalized("NFC", message.subject)
    assert message.payload["url"] == link and message.payload["state"] == "Failed"
    json.dumps(message.payload)  # what a webhook gets must be JSON


def test_without_a_ui_address_there_is_no_link():
    message = alerts.compose(_run(), (), None, ui_url=None)
    assert "/runs/flow-run/" not in message.body
    assert message.payload["url"] is None


@pytest.mark.parametrize(
    ("state", "state_vi"),
    [("Crashed", "Bị dừng đột ngột"), ("TimedOut", "Quá thời gian cho phép")],
)
def test_crashed_and_timed_out_runs_are_named_as_such(state, state_vi):
    message = alerts.compose(_run(state=state), (), None)
    assert message.subject.endswith(f"— {state}")
    assert f"Trạng thái: {state_vi} ({state})" in message.body


def test_a_run_that_never_started_and_has_no_period():
    run = _run(name="brave-fox", started=None, parameters={"plan": "p.yaml", "period": None})
    message = alerts.compose(run, (), None)
    assert message.subject == "[papi-etl] Lỗi: collect brave-fox — Failed"
    assert "Bắt đầu lúc: chưa bắt đầu" in message.body and "Started: not started" in message.body
    assert "  - period = —" in message.body
    assert message.period == ""


@pytest.mark.parametrize(
    ("state_type", "alarming"),
    [("FAILED", True), ("CRASHED", True), ("COMPLETED", False), ("RUNNING", False)],
)
def test_only_runs_that_ended_badly_are_alerted_about(state_type, alarming):
    assert alerts.ended_badly(_run(state_type=state_type)) is alarming


@pytest.mark.parametrize("given", [RUN_ID, f"prefect.flow-run.{RUN_ID}", f" {RUN_ID.upper()} "])
def test_a_run_id_is_taken_bare_or_as_an_event_resource(given):
    assert alerts.run_id(given) == RUN_ID


@pytest.mark.parametrize("given", ["", "prefect.flow-run.", f"prefect.flow.{RUN_ID}", "collect"])
def test_anything_else_is_not_a_run_id(given):
    with pytest.raises(ConfigurationError):
        alerts.run_id(given)


def test_an_alert_is_sent_once(database_url, tmp_path, server):
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "data", database_url=database_url), load(DEFAULT_PLAN)
    )
    server.expect_request("/ops", method="POST").respond_with_data("ok")
    message = alerts.compose(_run(), (), server.url_for("/ops"))
    channels = [notify.WebhookChannel(timeout=5.0)]

    first = notify.send(workspace.sessions, workspace.plan, [message], channels)
    again = notify.send(workspace.sessions, workspace.plan, [message], channels)

    assert (first.sent, again.sent, again.skipped) == (1, 0, 1)
    assert len(server.log) == 1
    request, _ = server.log[0]
    assert request.headers["Idempotency-Key"] == f"alert/{RUN_ID}"
    posted = request.get_json()
    assert posted["subject"] == "[papi-etl] Lỗi: collect 2019-Q1 — Failed"
    assert posted["flow_run_id"] == RUN_ID and posted["parameters"]["period"] == "2019-Q1"
    with workspace.sessions() as session:
        row = session.scalars(select(schema.Notification)).one()
    assert (row.key, row.kind, row.period_code, row.unit_code, row.state) == (
        f"alert/{RUN_ID}/webhook",
        "alert",
        "2019-Q1",
        "",
        schema.NotificationState.SENT,
    )


def test_an_alert_without_an_address_is_reported_not_stored(database_url, tmp_path):
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "data", database_url=database_url), load(DEFAULT_PLAN)
    )
    message = alerts.compose(_run(), (), None)
    outcome = notify.send(workspace.sessions, workspace.plan, [message], [notify.WebhookChannel()])
    assert (outcome.sent, outcome.without_address) == (0, ("",))
    with workspace.sessions() as session:
        assert session.scalars(select(schema.Notification)).all() == []
