"""A period in which no report was accepted: the consolidation on the 10th still says
0/26 reported and lists every unit as missing, on both store backends.

The inbox is the one that crashed the report: several districts' folders
(`district-001/...`), which the plan's collect rejects file by file.
"""

from __future__ import annotations

import json

import pytest
from reliability_ledger import record
from werkzeug import Request, Response

from papi_etl import calendar, reporting_status, steward, synth
from papi_etl.collect import collect
from papi_etl.delivery.http_push import HttpPushSink
from papi_etl.delivery.ledger import deliver_pending
from papi_etl.metrics.period import compute_and_store
from papi_etl.plan import load
from papi_etl.report.produce import produce
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.store.schema import DeliveryState
from papi_etl.workspace import open_workspace

PERIOD = "2019-Q1"
TOKEN = "city-token-3c1f"


@pytest.mark.reliability
def test_a_period_with_no_accepted_report_is_consolidated(tmp_path, database_url, server):
    loaded = load(DEFAULT_PLAN)
    plan = loaded.plan
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "data", database_url=database_url), loaded
    )
    inbox = tmp_path / "inbox"
    period = calendar.period(plan, PERIOD)
    for n in (1, 2):  # two districts' folders where the plan's unit folders should be
        reports = synth.build(plan, n, [period], "json")
        synth.write(plan, reports, inbox / f"district-00{n}", "json", seed=n, clean=False)

    taken = collect(workspace.sessions, plan, [InboxSource(inbox)], workspace.data_dir)
    assert taken.items and all(item.outcome == "rejected" for item in taken.items)

    metrics, stored = compute_and_store(workspace.sessions, plan, PERIOD)
    with workspace.sessions() as session:
        owing = reporting_status.of_period(session, plan, PERIOD)
        assert steward.open_findings(session, plan, PERIOD) == []
    assert (metrics.expected, metrics.received, metrics.on_time) == (len(owing), 0, 0)
    assert metrics.expected == 26 and stored > 0
    assert set(metrics.lagging["unit"]) == {u.unit for u in owing}
    assert set(metrics.lagging["reason"]) == {"missing"}

    with workspace.sessions.begin() as session:
        produced = produce(session, plan, PERIOD, workspace.data_dir / "reports")
    summary = produced.paths["md"].read_text(encoding="utf-8")
    assert "| Đơn vị đã gửi báo cáo | 0/26 |" in summary
    missing_line = next(line for line in summary.splitlines() if "Chưa gửi báo cáo (26)" in line)
    owing_codes = {u.unit for u in owing}
    shown = [u.short_name or u.name for u in plan.units if u.code in owing_codes]
    assert len(shown) == 26 and all(name in missing_line for name in shown)
    facts = json.loads(produced.paths["json"].read_text(encoding="utf-8"))["facts"]
    assert facts  # the figures the city receives are there, zeros and all

    def receive(request: Request) -> Response:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        return Response('{"status": "received"}', status=201, content_type="application/json")

    server.expect_request("/reports", method="POST").respond_with_handler(receive)
    settings = Settings(
        data_dir=workspace.data_dir, push_url=server.url_for("/reports"), push_token=TOKEN
    )
    outcomes = deliver_pending(
        workspace.sessions,
        plan,
        [HttpPushSink.from_settings(settings)],
        base_dir=workspace.data_dir,
        period=PERIOD,
    )
    assert [o.state for o in outcomes] == [DeliveryState.DELIVERED]
    record(
        "report",
        f"a period in which every file was rejected ({len(taken.items)} files of two "
        f"districts' folders), store on {database_url.split(':')[0].split('+')[0]}; metrics, "
        "findings, report and push",
        1,
        "0/26 reported, every unit listed as missing, the report delivered",
    )
