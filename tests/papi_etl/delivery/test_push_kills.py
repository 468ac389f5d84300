"""Crash safety of delivery: `papi-etl push` SIGKILLed at seeded random moments while it
sends eight versions of a period's report to a real receiver on loopback, restarted after
each kill, until every version is delivered.

The receiver (delivery_fakes.Receiver) keeps one copy per Idempotency-Key and answers a
key it holds with 409; here it also takes a random 0-0.15 s before and after keeping a
copy, as a real one does, so that kills land before a request, while the receiver holds
it, and between its keeping the copy and the sender recording the answer (the window
where a resend is unavoidable, and must be harmless). After every kill: no version under
two keys, no key the store does not know, nothing marked delivered that the receiver does
not hold, each delivery's attempt counter equal to its attempt rows. At the end: each
version delivered, and the receiver holds exactly one copy of each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from delivery_fakes import TOKEN, Receiver, write_report
from reliability_ledger import record
from sqlalchemy import func, select
from werkzeug import Request, Response

from papi_etl.delivery.ledger import idempotency_key
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store.schema import Delivery, DeliveryAttempt, DeliveryState, Report
from papi_etl.store.types import LOCAL_ZONE
from papi_etl.workspace import open_workspace

KILLS = int(os.environ.get("PAPI_KILL_POINTS_PUSH", "12"))
SEED = 461
PERIOD = "2019-Q1"
VERSIONS = 8
LATENCY = 0.15
STARTUP_SHARE = 0.2


class SlowReceiver(Receiver):
    """The receiver with a seeded latency before and after keeping a copy."""

    def __init__(self, url: str, rng: random.Random) -> None:
        super().__init__(url)
        self.rng = rng
        self.first_request = threading.Event()

    def slow(self, request: Request) -> Response:
        self.first_request.set()
        with self.lock:
            before, after = self.rng.uniform(0, LATENCY), self.rng.uniform(0, LATENCY)
        time.sleep(before)
        answer = self.handle(request)
        time.sleep(after)
        return answer


def reports(data_dir: Path) -> list[str]:
    """Eight versions of the period's report in the store; their idempotency keys."""
    loaded = load(DEFAULT_PLAN)
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=None), loaded)
    keys = []
    with workspace.sessions.begin() as session:
        for version in range(1, VERSIONS + 1):
            folder = data_dir / "reports" / PERIOD / f"v{version}"
            files = write_report(folder, PERIOD, version, relative_to=data_dir)
            report = Report(
                plan_id=loaded.plan.id,
                period_code=PERIOD,
                version=version,
                supplementary=version > 1,
                content_sha256=hashlib.sha256(json.dumps(files).encode()).hexdigest(),
                files=files,
                created_at=dt.datetime(2019, 3, 14, 16, version, tzinfo=LOCAL_ZONE),
            )
            session.add(report)
            keys.append(idempotency_key(report, "http"))
    workspace.sessions.kw["bind"].dispose()
    return keys


def ledger(data_dir: Path) -> tuple[dict[str, DeliveryState], list[str]]:
    """The deliveries' states by key, and what is inconsistent in their attempt log."""
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=None), load(DEFAULT_PLAN))
    problems = []
    with workspace.sessions() as session:
        states = {}
        for delivery in session.scalars(select(Delivery)):
            states[delivery.idempotency_key] = delivery.state
            logged = session.scalar(
                select(func.count())
                .select_from(DeliveryAttempt)
                .where(DeliveryAttempt.delivery_id == delivery.id)
            )
            if logged != delivery.attempts:
                problems.append(f"{delivery.idempotency_key}: {delivery.attempts} != {logged}")
    return states, problems


@pytest.mark.reliability
def test_push_killed_at_random_points_delivers_each_version_exactly_once(data_dir, server):
    rng = random.Random(SEED)
    receiver = SlowReceiver(server.url_for("/slow/reports"), random.Random(SEED + 1))
    server.expect_request("/slow/reports", method="POST").respond_with_handler(receiver.slow)
    keys = reports(data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env |= {"PAPI_DATA_DIR": str(data_dir), "PAPI_PUSH_URL": receiver.url}
    env["PAPI_PUSH_TOKEN"] = TOKEN
    slice_ = 2 * VERSIONS * (LATENCY + 0.05) / KILLS
    kills = at_start = between = 0
    start_up: float | None = None
    while True:
        receiver.first_request.clear()
        had = set(receiver.copies)
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "papi_etl", "push", "--period", PERIOD],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        landed = False
        if kills < KILLS:
            early = start_up is not None and rng.random() < STARTUP_SHARE
            if early:
                time.sleep(rng.uniform(0, start_up))
            else:
                # Nothing left to send: the child ends without a request.
                while not receiver.first_request.wait(0.02) and child.poll() is None:
                    pass
                time.sleep(rng.uniform(0, slice_))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                landed = child.wait() == -signal.SIGKILL
            at_start += landed and early
        code = child.wait(120)
        if receiver.first_request.is_set() and start_up is None:
            start_up = time.monotonic() - started
        states, problems = ledger(data_dir)
        held = set(receiver.copies)
        where = f"seed {SEED}, kill {kills + 1}"
        assert problems == [], where
        assert held <= set(keys), where  # no version under a key of its own making
        delivered = {k for k, state in states.items() if state is DeliveryState.DELIVERED}
        assert delivered <= held, where  # never "delivered" without the receiver having it
        if landed:
            kills += 1
            between += bool(held - had - delivered)  # kept by the receiver, the answer lost
            continue
        assert code == 0, where
        if kills >= KILLS:
            break
    assert delivered == held == set(keys)
    posts = Counter(receiver.keys)
    assert all(len(receiver.copies[k].files) == 5 for k in keys)
    record(
        "crash safety",
        f"`papi-etl push` SIGKILLed at random moments while delivering {VERSIONS} versions to a "
        f"receiver on loopback (latency 0-{LATENCY * 2:.1f} s), restarted after each kill",
        kills,
        f"each version delivered exactly once as the receiver sees it ({len(held)} copies, one "
        f"per Idempotency-Key); {sum(posts.values())} POSTs in all, the resends answered 409; "
        f"{at_start} kills during start-up, {between} after the receiver kept a copy and before "
        f"the store recorded it; seed {SEED}",
    )
