"""run_period, the interactive run of a whole period, with its HTTP source down: it stops
at collect at once, before a report is made of part of the period, and says which source
failed; the scheduled collect's retries (after 1 and 5 minutes) are not for it."""

from __future__ import annotations

import pytest
import typer
from pytest_httpserver import HTTPServer
from reliability_ledger import record
from werkzeug import Response

from flows.run_period import run_period
from papi_etl import calendar, synth
from papi_etl.cli.orchestration_commands import _stopped_at_collect
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN

PATH = "/api/v2/assets/aPapi461/data/"


@pytest.mark.reliability
def test_a_source_down_stops_the_run_at_collect_without_waiting(
    data_dir, server: HTTPServer, monkeypatch, capsys
):
    plan = load(DEFAULT_PLAN).plan
    period = calendar.period(plan, "2019-Q1")
    reports = synth.build(plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False)
    server.expect_request(PATH).respond_with_handler(
        lambda request: Response("Bảo trì", status=503, headers={"Retry-After": "0"})
    )
    monkeypatch.setenv("PAPI_HTTP_SOURCE_URL", server.url_for(PATH))
    monkeypatch.setenv("PAPI_HTTP_SOURCE_TOKEN", "kobo-token")
    monkeypatch.setenv("PAPI_HTTP_SOURCE_ACCOUNTS", "al.binhtan=AL")
    monkeypatch.setenv("PAPI_HTTP_SOURCE_RETRIES", "1")

    result = run_period(period="2019-Q1")

    assert result["stopped_at"] == "collect" and set(result) == {"collect", "stopped_at"}
    [inbox, api] = result["collect"]["sources"]
    assert inbox["new"] == len([r for r in reports if r.submission is not None])
    assert "last: HTTP 503" in api["source_errors"][0]["error"]
    assert len(server.log) == 2  # the source's own retry, and no task retry after it
    assert not (data_dir / "reports").exists()
    with pytest.raises(typer.Exit) as stopped:
        _stopped_at_collect("2019-Q1", result["collect"])
    err = capsys.readouterr().err
    assert stopped.value.exit_code == 2
    assert "bị lỗi; các báo cáo đã nhận vẫn được giữ" in err and "Source http:" in err
    assert "Kỳ 2019-Q1 dừng ở bước thu thập, chưa lập báo cáo" in err
    assert "The 2019-Q1 run stopped at collect, before any report was made" in err
    record(
        "source faults",
        "the HTTP API answering 503 during an interactive run of a period (`papi-etl run`)",
        len(server.log),
        "stopped at collect, no report of part of the period, the source named in VI/EN, "
        "exit 2 (was: the collect task's retries after 1 and 5 minutes)",
    )
