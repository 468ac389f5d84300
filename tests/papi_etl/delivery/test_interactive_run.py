"""`papi-etl run` with the city's receiver down: it says the delivery is pending and how it
will be sent, and returns; it does not sit through the scheduled publish's retries (5, 15
and 30 minutes). A later `papi-etl push` delivers the same version, once. (A source
that is down stops it at collect: tests/flows/test_run_period.py.)

The real command in a child process, with its temporary Prefect server; the receiver is
"down" for real: nothing listens on its port.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from delivery_fakes import TOKEN, Receiver
from reliability_ledger import record
from sqlalchemy import select

from papi_etl import calendar, synth
from papi_etl.delivery import configured, unfinished
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store.schema import Delivery, DeliveryState
from papi_etl.workspace import open_workspace

PERIOD = "2019-Q1"
PLAN = load(DEFAULT_PLAN)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def papi(data_dir: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env |= {"PAPI_DATA_DIR": str(data_dir), "PAPI_PUSH_TOKEN": TOKEN, **settings}
    return subprocess.run(
        [sys.executable, "-m", "papi_etl", *args],
        env=env,
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.mark.reliability
def test_run_with_the_receiver_down_says_pending_returns_and_push_delivers_once_later(
    data_dir: Path, receiver: Receiver
):
    period = calendar.period(PLAN.plan, PERIOD)
    reports = synth.build(PLAN.plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(
        PLAN.plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False
    )
    down = f"http://127.0.0.1:{closed_port()}/api/papi/reports"

    started = time.monotonic()
    ran = papi(data_dir, "run", "--period", PERIOD, PAPI_PUSH_URL=down)
    took = time.monotonic() - started

    assert ran.returncode == 1, ran.stderr[-3000:]
    assert "Traceback" not in ran.stderr
    assert f"{PERIOD} (Quý I năm 2019): tỷ lệ báo cáo" in ran.stdout
    assert f"Báo cáo kỳ {PERIOD} (v1) CHƯA GỬI ĐƯỢC tới {down}" in ran.stderr
    assert f"Delivery of the {PERIOD} report (v1) to {down} is PENDING" in ran.stderr
    assert f"papi-etl push --period {PERIOD}" in ran.stderr
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=None), PLAN)
    with workspace.sessions() as session:
        [delivery] = session.scalars(select(Delivery)).all()
        key = delivery.idempotency_key
        # One try and the interactive retry; none of the scheduled publish's task retries.
        assert delivery.state is DeliveryState.PENDING
        assert delivery.attempts == 1 + configured.INTERACTIVE_RETRIES
    workspace.sessions.kw["bind"].dispose()

    later = papi(data_dir, "push", "--period", PERIOD, "--json", PAPI_PUSH_URL=receiver.url)

    assert later.returncode == 0, later.stderr
    [sent] = json.loads(later.stdout)["deliveries"]
    assert (sent["state"], sent["idempotency_key"]) == ("delivered", key)
    assert list(receiver.copies) == receiver.keys == [key]
    record(
        "delivery",
        "city receiver down during an interactive `papi-etl run` (connection refused)",
        1,
        f"returned in {took:.0f} s with exit 1 and a VI/EN pending notice after "
        f"{1 + configured.INTERACTIVE_RETRIES} attempts (was ~50 min of silent task retries); "
        "a later `papi-etl push` delivered it once",
    )


def test_the_notice_names_the_scheduled_publish_while_it_is_still_to_come():
    plan = PLAN.plan
    pending = [{"version": 2, "target": "https://city.example/r", "state": "pending"}]
    before = dt.datetime(2019, 3, 12, tzinfo=dt.UTC)

    text = unfinished.notice(plan, PERIOD, pending, before)

    assert text is not None
    assert "papi-etl push --period 2019-Q1" in text
    assert "lần gửi theo lịch lúc 08:00 ngày 14/03/2019" in text
    assert "scheduled publish at 2019-03-14 08:00" in text
    after = unfinished.notice(plan, PERIOD, pending, dt.datetime(2019, 3, 20, tzinfo=dt.UTC))
    assert after is not None and "theo lịch" not in after and "papi-etl push" in after
    delivered = [{"version": 1, "target": "x", "state": "delivered", "message": None}]
    assert unfinished.notice(plan, PERIOD, delivered, before) is None
