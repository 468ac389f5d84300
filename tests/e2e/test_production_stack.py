"""The production stack on loopback: the store on PostgreSQL, a Prefect server on PostgreSQL
(a throw-away database on the shared server, created and dropped here), the plans'
deployments on a process work pool (`papi-etl deploy`), and two workers pulling from it.

Two districts' `run-period` are triggered at once, and the first district's `collect` once
more while its `run-period` collects: every run completes, each district's store holds
exactly its files, each once, with its metrics and report; and the first district's two
collects never overlapped, which its collecting lock (a global concurrency limit) is for.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from databases_for_tests import POSTGRES_SERVER, PostgresTestDatabase, district_metric
from sqlalchemy import create_engine, make_url, select
from sqlalchemy.orm import Session

from deployments.server_process import QUIET, PrefectServer
from papi_etl import calendar, synth
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.store import schema
from papi_etl.synth import districts

pytestmark = pytest.mark.e2e

PERIOD = "2019-Q1"
POOL = "papi-test"
WAIT = 300  # seconds before giving up on something that takes seconds
DISTRICTS = ("district-001", "district-002")


def _prefect(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    prefect = Path(sys.executable).with_name("prefect")
    return subprocess.run(
        [str(prefect), *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )


def _run(api: str, deployment: str, parameters: dict[str, object]) -> str:
    found = requests.get(f"{api}/deployments/name/{deployment}", timeout=10)
    found.raise_for_status()
    made = requests.post(
        f"{api}/deployments/{found.json()['id']}/create_flow_run",
        json={"parameters": parameters},
        timeout=10,
    )
    made.raise_for_status()
    return made.json()["id"]


def _finished(api: str, run_ids: list[str], workers: list[subprocess.Popen[str]]) -> list[dict]:
    deadline = time.monotonic() + WAIT
    while True:
        runs = [requests.get(f"{api}/flow_runs/{i}", timeout=10).json() for i in run_ids]
        if all(r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED") for r in runs):
            return runs
        assert all(w.poll() is None for w in workers), "a worker died"
        assert time.monotonic() < deadline, [r["state"]["type"] for r in runs]
        time.sleep(1)


def _collecting(api: str, plan_file: Path) -> list[tuple[dt.datetime, dt.datetime]]:
    """When each `collect inbox` task run of the plan's collect flow runs ran."""
    flows = requests.post(
        f"{api}/flow_runs/filter", json={"flows": {"name": {"any_": ["collect"]}}}, timeout=10
    ).json()
    ids = [r["id"] for r in flows if r["parameters"].get("plan") == str(plan_file)]
    tasks = requests.post(
        f"{api}/task_runs/filter",
        json={
            "flow_runs": {"id": {"any_": ids}},
            "task_runs": {"name": {"any_": ["collect inbox"]}},
        },
        timeout=10,
    ).json()
    return [
        (dt.datetime.fromisoformat(t["start_time"]), dt.datetime.fromisoformat(t["end_time"]))
        for t in tasks
    ]


def test_two_workers_run_two_districts_and_a_double_collect(
    tmp_path, postgres_database, monkeypatch
):
    store_url = postgres_database.url
    postgres_database.empty()
    prefect_db = PostgresTestDatabase(make_url(POSTGRES_SERVER))
    prefect_db.create()
    base = load(DEFAULT_PLAN).plan
    data_dir = tmp_path / "data"
    plan_files, sent = {}, {}
    for number, plan_id in enumerate(DISTRICTS, start=1):
        plan = districts.district_plan(base, number)
        plan_files[plan_id] = districts.write_plan(plan, base, tmp_path / f"{plan_id}.yaml")
        period = calendar.period(plan, PERIOD)
        reports = synth.build(plan, number, [period], "json")
        synth.write(plan, reports, data_dir / "inbox" / plan_id, "json", seed=number, clean=False)
        sent[plan_id] = sum(1 for r in reports if not r.missing)

    home = tmp_path / "prefect"
    server_url = make_url(prefect_db.url).set(drivername="postgresql+asyncpg")
    # What PrefectServer hands its child process: Prefect's own database on PostgreSQL.
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", server_url.render_as_string(False))
    monkeypatch.setenv("PREFECT_UI_ENABLED", "0")
    server = PrefectServer(home / "server", timeout=WAIT)
    workers: list[subprocess.Popen[str]] = []
    try:
        server.start()
        api = f"{server.url}/api"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
        env |= QUIET | {
            "PREFECT_API_URL": api,
            "PREFECT_HOME": str(home / "client"),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.25",
            "PAPI_DATA_DIR": str(data_dir),
            "PAPI_DATABASE_URL": store_url,
        }
        _prefect("work-pool", "create", POOL, "--type", "process", env=env)
        prefect = str(Path(sys.executable).with_name("prefect"))
        for name in ("worker-1", "worker-2"):  # they start while the plans are deployed
            workers.append(
                subprocess.Popen(
                    [prefect, "worker", "start", "--pool", POOL, "--type", "process"]
                    + ["--name", name],
                    env=env,
                    stdout=(home / f"{name}.log").open("w"),
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        deployed = subprocess.run(
            [sys.executable, "-m", "papi_etl", "deploy", "--pool", POOL]
            + [arg for f in plan_files.values() for arg in ("--plan", str(f))],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert deployed.returncode == 0, deployed.stderr
        assert "run-period/district-001" in deployed.stdout

        runs = [_run(api, f"run-period/{plan_id}", {"period": PERIOD}) for plan_id in DISTRICTS]
        runs.append(_run(api, "collect/district-001", {"period": PERIOD}))  # a double trigger
        finished = _finished(api, runs, workers)

        logs = "".join(p.read_text() for p in home.glob("worker-*.log"))
        assert [r["state"]["type"] for r in finished] == ["COMPLETED"] * 3, logs[-4000:]
        assert {r["work_pool_name"] for r in finished} == {POOL}
        collecting = _collecting(api, plan_files["district-001"])
        assert len(collecting) == 2
        ordered = sorted(collecting)
        for (_, first_ends), (then_starts, _) in zip(ordered, ordered[1:], strict=False):
            assert first_ends <= then_starts, "two collect runs of one plan overlapped"
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        server.stop()
        prefect_db.drop()

    engine = create_engine(store_url)
    try:
        with Session(engine) as session:
            for plan_id in DISTRICTS:
                mine = schema.Submission.plan_id == plan_id
                versions = session.scalars(select(schema.Submission.version).where(mine)).all()
                raw = session.scalars(
                    select(schema.RawFile.rejection_code).where(schema.RawFile.plan_id == plan_id)
                ).all()
                rejected = sum(code is not None for code in raw)
                assert len(raw) == sent[plan_id], "every file taken in once, none lost"
                assert versions == [1] * (sent[plan_id] - rejected), "no report counted twice"
                received = district_metric(session, plan_id, PERIOD, "received_reports")
                assert received == len(versions)
                assert (data_dir / "reports" / plan_id / PERIOD / "v1").is_dir()
    finally:
        engine.dispose()
