"""`papi-etl push` as an operator or a scheduler runs it: a child process, a real receiver.

The crash between the receiver's answer and the store's update is real here: the receiver
kills the `papi-etl push` process (SIGKILL, by its pid) while handling its POST, after
keeping the copy and before answering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from delivery_fakes import TOKEN, Receiver, status, write_report
from werkzeug import Request, Response

from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store.schema import Report
from papi_etl.store.types import LOCAL_ZONE
from papi_etl.workspace import open_workspace

PERIOD = "2019-Q1"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def report(data_dir: Path) -> Report:
    """Version 1 of the period's report, in the store of the data dir the command uses."""
    loaded = load(DEFAULT_PLAN)
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=None), loaded)
    files = write_report(data_dir / "reports" / PERIOD / "v1", PERIOD, 1, relative_to=data_dir)
    with workspace.sessions.begin() as session:
        made = Report(
            plan_id=loaded.plan.id,
            period_code=PERIOD,
            version=1,
            content_sha256=hashlib.sha256(json.dumps(files).encode()).hexdigest(),
            files=files,
            created_at=dt.datetime(2019, 3, 14, 16, 0, tzinfo=LOCAL_ZONE),
        )
        session.add(made)
    workspace.sessions.kw["bind"].dispose()
    return made


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAPI_")},
        "PAPI_DATA_DIR": str(data_dir),
        **settings,
    }


@pytest.fixture
def papi(data_dir: Path, receiver: Receiver) -> Run:
    """Run `papi-etl` in a child process, configured to push to the receiver."""

    def run(*args: str, configured: bool = True) -> Result:
        push = {"PAPI_PUSH_URL": receiver.url, "PAPI_PUSH_TOKEN": TOKEN} if configured else {}
        done = subprocess.run(
            [sys.executable, "-m", "papi_etl", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment(data_dir, **push),
            cwd=data_dir.parent,
            timeout=120,
        )
        assert TOKEN not in done.stdout + done.stderr
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def test_push_without_an_endpoint_says_what_to_set(papi, report, receiver):
    result = papi("push", "--period", PERIOD, configured=False)

    assert result.code == 2
    assert "Push is not configured: set PAPI_PUSH_URL and PAPI_PUSH_TOKEN" in result.err
    assert "Chưa cấu hình nơi nhận báo cáo" in result.err
    assert "Traceback" not in result.err
    assert receiver.keys == []


def test_push_of_a_period_without_a_report_says_so(papi, report, receiver):
    result = papi("push", "--period", "2019-6M")

    assert result.code == 2
    assert "chưa có báo cáo tổng hợp" in result.err
    assert receiver.keys == []


def test_push_delivers_and_prints_what_the_receiver_answered(papi, report, receiver):
    result = papi("push", "--period", PERIOD)

    assert result.code == 0, result.err
    assert "v1 -> http" in result.out and "đã gửi / delivered" in result.out
    assert "HTTP 201" in result.out and "bao-cao-tong-hop.pdf" in result.out
    assert "Đã gửi 1, chờ gửi lại 0, bị từ chối 0." in result.out
    assert len(receiver.copies) == 1

    again = papi("push", "--period", PERIOD, "--json")

    assert again.code == 0
    summary = json.loads(again.out)
    assert (summary["report_versions"], summary["deliveries"], summary["delivered"]) == (1, [], 0)
    assert len(receiver.keys) == 1


def test_push_during_an_outage_exits_1_and_a_later_push_delivers_once(papi, report, receiver):
    receiver.faults += [status(503, "Bảo trì", headers={"Retry-After": "0"})] * 6

    during = papi("push", "--period", PERIOD, "--json")

    assert during.code == 1, during.err
    [delivery] = json.loads(during.out)["deliveries"]
    assert delivery["state"] == "pending"
    assert [a["http_status"] for a in delivery["attempts"]] == [503] * 6
    assert delivery["attempts"][0]["answer"] == "Bảo trì"
    key = delivery["idempotency_key"]
    assert key.startswith(f"binh-tan-461-2018/{PERIOD}/v1/") and key.endswith("/http")

    after = papi("push", "--period", PERIOD, "--json")

    assert after.code == 0, after.err
    [delivery] = json.loads(after.out)["deliveries"]
    assert (delivery["state"], delivery["idempotency_key"]) == ("delivered", key)
    assert list(receiver.copies) == [key]
    assert receiver.keys == [key] * 7


def test_a_refused_token_exits_2_and_is_never_printed(papi, report, receiver):
    receiver.faults.append(status(401, f"token {TOKEN} is not valid"))

    result = papi("push", "--period", PERIOD)

    assert result.code == 2
    assert "refused the token (HTTP 401); check PAPI_PUSH_TOKEN" in result.out
    assert "bị từ chối / failed" in result.out
    assert len(receiver.keys) == 1  # not retried


def test_a_push_killed_after_the_receiver_kept_the_report_is_resent_once(
    papi, report, receiver, data_dir
):
    child: dict[str, subprocess.Popen[str]] = {}
    started = threading.Event()

    def kill_the_sender(request: Request) -> Response:
        answer = receiver.accept(request)  # the receiver keeps the copy ...
        started.wait(10)
        os.kill(child["push"].pid, signal.SIGKILL)  # ... and the sender dies before the answer
        return answer

    receiver.faults.append(kill_the_sender)
    child["push"] = subprocess.Popen(
        [sys.executable, "-m", "papi_etl", "push", "--period", PERIOD],
        env=environment(data_dir, PAPI_PUSH_URL=receiver.url, PAPI_PUSH_TOKEN=TOKEN),
        cwd=data_dir.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started.set()
    assert child["push"].wait(60) == -signal.SIGKILL
    [key] = receiver.copies

    result = papi("push", "--period", PERIOD, "--json")

    assert result.code == 0, result.err
    [delivery] = json.loads(result.out)["deliveries"]
    assert (delivery["state"], delivery["duplicate"]) == ("delivered", True)
    assert [a["http_status"] for a in delivery["attempts"]] == [409]
    assert receiver.keys == [key, key]
    assert list(receiver.copies) == [key]
