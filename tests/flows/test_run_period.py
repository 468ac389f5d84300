"""run_period, the interactive run of a whole period (`papi-etl run`), with a source or the
city's receiver down: it does not sit through the retries of the scheduled runs (a source
after 1 and 5 minutes, a receiver after 5, 15 and 30: ~50 minutes in all). A source that is
down stops it at collect, before a report is made of part of the period; a receiver that is
down leaves the delivery pending, said in Vietnamese and English with how it will be sent
(`papi-etl push`, the scheduled publish), and a later push delivers that version once.
Real servers on loopback; "down" is a real 503 from the source and a port nobody listens on.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest
import typer
from pytest_httpserver import HTTPServer
from reliability_ledger import record
from sqlalchemy import select
from werkzeug import Request, Response

from flows.run_period import run_period
from papi_etl import calendar, synth
from papi_etl.cli.orchestration_commands import _stopped_at_collect, _unfinished_deliveries
from papi_etl.delivery import configured
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store.schema import Delivery, DeliveryState
from papi_etl.workspace import open_workspace

PATH = "/api/v2/assets/aPapi461/data/"
PERIOD = "2019-Q1"
PLAN = load(DEFAULT_PLAN)


def period_inbox(data_dir) -> int:
    """The period's synthetic reports in the inbox; how many units sent one."""
    period = calendar.period(PLAN.plan, PERIOD)
    reports = synth.build(PLAN.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(
        PLAN.plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False
    )
    return len([r for r in reports if r.submission is not None])


@pytest.mark.reliability
def test_a_source_down_stops_the_run_at_collect_without_waiting(
    data_dir, server: HTTPServer, monkeypatch, capsys
):
    sent = period_inbox(data_dir)
    server.expect_request(PATH).respond_with_handler(
        lambda request: Response("Bảo trì", status=503, headers={"Retry-After": "0"})
    )
    monkeypatch.setenv("PAPI_HTTP_SOURCE_URL", server.url_for(PATH))
    monkeypatch.setenv("PAPI_HTTP_SOURCE_TOKEN", "kobo-token")
    monkeypatch.setenv("PAPI_HTTP_SOURCE_ACCOUNTS", "al.binhtan=AL")
    monkeypatch.setenv("PAPI_HTTP_SOURCE_RETRIES", "1")

    result = run_period(period=PERIOD)

    assert result["stopped_at"] == "collect" and set(result) == {"collect", "stopped_at"}
    [inbox, api] = result["collect"]["sources"]
    assert inbox["new"] == sent
    assert "last: HTTP 503" in api["source_errors"][0]["error"]
    assert len(server.log) == 2  # the source's own retry, and no task retry after it
    assert not (data_dir / "reports").exists()
    with pytest.raises(typer.Exit) as stopped:
        _stopped_at_collect(PERIOD, result["collect"])
    err = capsys.readouterr().err
    assert stopped.value.exit_code == 2
    assert "bị lỗi; các báo cáo đã nhận vẫn được giữ" in err and "Source http:" in err
    assert f"Kỳ {PERIOD} dừng ở bước thu thập, chưa lập báo cáo" in err
    assert f"The {PERIOD} run stopped at collect, before any report was made" in err
    record(
        "source faults",
        "the HTTP API answering 503 during an interactive run of a period (`papi-etl run`)",
        len(server.log),
        "stopped at collect, no report of part of the period, the source named in VI/EN, "
        "exit 2 (was: the collect task's retries after 1 and 5 minutes)",
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.reliability
def test_a_receiver_down_leaves_the_delivery_pending_and_a_later_push_sends_it_once(
    data_dir, server: HTTPServer, monkeypatch, capsys
):
    period_inbox(data_dir)
    down = f"http://127.0.0.1:{closed_port()}/api/papi/reports"
    monkeypatch.setenv("PAPI_PUSH_URL", down)
    monkeypatch.setenv("PAPI_PUSH_TOKEN", "city-token")

    result = run_period(period=PERIOD)

    [delivery] = result["publish"]["deliveries"]
    assert (delivery["state"], delivery["target"], delivery["version"]) == ("pending", down, 1)
    workspace = open_workspace(Settings(), PLAN)
    with workspace.sessions() as session:
        [row] = session.scalars(select(Delivery)).all()
    # One try and the interactive retry; none of the scheduled publish's task retries.
    assert row.state is DeliveryState.PENDING
    assert row.attempts == 1 + configured.INTERACTIVE_RETRIES
    with pytest.raises(typer.Exit) as pending:
        _unfinished_deliveries([(PLAN.plan, result["publish"])])
    err = capsys.readouterr().err
    assert pending.value.exit_code == 1
    assert f"Báo cáo kỳ {PERIOD} (v1) CHƯA GỬI ĐƯỢC tới {down}" in err
    assert f"Delivery of the {PERIOD} report (v1) to {down} is PENDING" in err
    assert f"papi-etl push --period {PERIOD}" in err

    keys: list[str] = []

    def receive(request: Request) -> Response:
        keys.append(request.headers["Idempotency-Key"])
        return Response(json.dumps({"status": "received"}), status=201)

    server.expect_request("/api/papi/reports", method="POST").respond_with_handler(receive)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PAPI_PUSH_URL"] = server.url_for("/api/papi/reports")
    later = subprocess.run(
        [sys.executable, "-m", "papi_etl", "push", "--period", PERIOD, "--json"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )

    assert later.returncode == 0, later.stderr
    [sent] = json.loads(later.stdout)["deliveries"]
    assert (sent["state"], keys) == ("delivered", [row.idempotency_key])
    record(
        "delivery",
        "city receiver down during an interactive run of a period (`papi-etl run`; "
        "connection refused)",
        1,
        f"returned after {1 + configured.INTERACTIVE_RETRIES} attempts (was ~50 min of silent "
        "task retries) with the delivery pending, a VI/EN notice and exit 1; a later "
        "`papi-etl push` delivered it once",
    )
