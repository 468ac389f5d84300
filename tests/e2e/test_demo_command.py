"""`papi-etl demo` as a newcomer runs it after the README's set-up: no PREFECT_API_URL, no
PAPI_ or PREFECT_ settings, a fresh data dir; Prefect's local server starts and stops with
the command. Run once for the module (~1-2 min); how long it takes is measured by hand
(README, benchmarks/README.md), not asserted here."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from papi_etl import calendar, reporting_status
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace

pytestmark = pytest.mark.e2e

PLAN = load(DEFAULT_PLAN)
PERIODS = [period.code for period in calendar.periods(PLAN.plan)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    data_dir = tmp_path_factory.mktemp("demo") / "papi-demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env["PAPI_DATA_DIR"] = str(data_dir)
    ran = subprocess.run(
        [str(Path(sys.executable).with_name("papi-etl")), "demo", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return data_dir, ran


@pytest.fixture(scope="module")
def summary(demo) -> dict[str, dict]:
    _, ran = demo
    assert ran.returncode == 0, ran.stderr[-3000:]
    return {entry["period"]: entry for entry in json.loads(ran.stdout)}


def test_the_demo_goes_through_every_period_of_the_plan(summary):
    assert list(summary) == PERIODS


def test_a_report_of_each_period_is_on_disk(demo, summary):
    data_dir, _ = demo
    reports = data_dir / "reports" / PLAN.plan.id
    assert sorted(p.name for p in reports.iterdir()) == sorted(PERIODS)
    for code, entry in summary.items():
        version = entry["consolidate"]["report_version"]
        folder = reports / code / f"v{version}"
        assert Path(entry["consolidate"]["report_folder"]) == folder
        for suffix in ("docx", "pdf", "xlsx"):
            document = folder / f"bao-cao-papi-{code}-v{version}.{suffix}"
            assert document.stat().st_size > 5_000, document


def test_the_summary_is_what_the_store_holds(demo, summary):
    data_dir, _ = demo
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=None), PLAN)
    with workspace.sessions() as session:
        for code, entry in summary.items():
            value = schema.MetricValue.value
            stored = dict(
                session.execute(
                    select(schema.MetricValue.metric, value).where(
                        schema.MetricValue.plan_id == PLAN.plan.id,
                        schema.MetricValue.period_code == code,
                        schema.MetricValue.unit_code == schema.WHOLE,
                        schema.MetricValue.dimension_code == schema.WHOLE,
                    )
                ).all()
            )
            consolidated = entry["consolidate"]
            assert consolidated["reporting_rate"] == stored["reporting_rate"], code
            assert consolidated["on_time_reporting_rate"] == stored["on_time_reporting_rate"]
            latest = session.scalar(
                select(schema.Report.version)
                .where(schema.Report.plan_id == PLAN.plan.id, schema.Report.period_code == code)
                .order_by(schema.Report.version.desc())
                .limit(1)
            )
            assert consolidated["report_version"] == latest == entry["publish"]["report_version"]
            statuses = Counter(
                u.status for u in reporting_status.of_period(session, PLAN.plan, code)
            )
            validated = entry["validate"]
            assert validated["valid"] == statuses["valid"], code
            assert validated["invalid"] == statuses["invalid"], code
            assert validated["accepted_with_exception"] == statuses["accepted_with_exception"]


def test_every_run_it_made_completed(demo, summary):
    data_dir, _ = demo
    with sqlite3.connect(data_dir / "prefect" / "prefect.db") as db:
        flow_runs = db.execute("SELECT name, state_type FROM flow_run").fetchall()
        task_runs = db.execute("SELECT name, state_type FROM task_run").fetchall()
    names = {name for name, _ in flow_runs}
    for code in PERIODS:
        for flow in ("run", "collect", "validate", "consolidate", "publish"):
            assert f"{flow} {code}" in names
    assert [run for run in flow_runs if run[1] != "COMPLETED"] == []
    assert task_runs and [run for run in task_runs if run[1] != "COMPLETED"] == []
