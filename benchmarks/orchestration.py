# ruff: noqa: T201  (a benchmark reports on stdout)
"""Orchestration overhead: a whole period through the Prefect flows against a running
Prefect server, vs the same papi_etl calls without Prefect.

    .venv/bin/python -m benchmarks.orchestration [--period 2019-Q1] [--runs 3]

Each run gets a fresh PAPI_DATA_DIR whose inbox holds every unit's synthetic report of the
period (json form, the seeded mix of late, missing and erroneous reports), copied from one
generated once. Flows: `flows.run_period.run_period` as `papi-etl run` calls it (Prefect's
environment from `papi_etl.orchestration_env.prepare`, `deployments.local_server.foreground`)
with PREFECT_API_URL pointing at a `prefect server start` subprocess started in that same
environment (own PREFECT_HOME in a temp dir). Plain: open_workspace, collect.collect (inbox
source), expectations.period.validate_period (with the run's Data Docs, as the validate
flow builds them), validation.feedback_files.write_for_period,
metrics.period.compute_and_store, report.produce.produce (given those metrics, as the
consolidate flow does), and report.produce.produce again (publish's check that the report is
current: unchanged). Both are warmed once (imports, GX context, store migrations), then
timed `--runs` times each, alternating; the medians are compared. Always exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 2.0
GOAL_TEXT = "goal: the flows add less than the work itself (flows / plain < 2x)"

_QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def make_inbox(folder: Path, period_code: str) -> int:
    from papi_etl import calendar, synth
    from papi_etl.plan import load
    from papi_etl.settings import DEFAULT_PLAN

    plan = load(DEFAULT_PLAN).plan
    reports = synth.build(plan, synth.DEFAULT_SEED, [calendar.period(plan, period_code)], "json")
    synth.write(plan, reports, folder, "json", seed=synth.DEFAULT_SEED, clean=False)
    return sum(r.submission is not None for r in reports)


def fresh_data_dir(root: Path, template: Path, name: str) -> Path:
    data_dir = root / name
    shutil.copytree(template, data_dir / "inbox")  # copy2: keeps the arrival times
    os.environ["PAPI_DATA_DIR"] = str(data_dir)
    return data_dir


def run_flows(period: str) -> dict:
    from deployments.local_server import foreground
    from flows.run_period import run_period
    from papi_etl.settings import DEFAULT_PLAN

    with foreground():
        return run_period(plan=str(DEFAULT_PLAN), period=period)


def run_plain(period: str, steps: dict[str, list[float]] | None = None) -> dict:
    from expectations.period import validate_period
    from papi_etl import collect
    from papi_etl.metrics.period import compute_and_store
    from papi_etl.plan import load
    from papi_etl.report.produce import produce
    from papi_etl.settings import DEFAULT_PLAN, Settings
    from papi_etl.sources import configured
    from papi_etl.validation import feedback_files
    from papi_etl.workspace import DATA_DOCS, REPORTS, open_workspace

    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if steps is not None:
            steps.setdefault(name, []).append(now - clock[0])
        clock[0] = now

    settings = Settings()
    workspace = open_workspace(settings, load(DEFAULT_PLAN))
    plan, sessions, data_dir = workspace.plan, workspace.sessions, workspace.data_dir
    lap("open_workspace")
    collected = collect.collect(
        sessions,
        plan,
        configured.sources(settings, workspace.inbox(), only={configured.INBOX}),
        data_dir,
    )
    lap("collect")
    checked = validate_period(sessions, plan, period, workspace.files(DATA_DOCS))
    lap("validate_period")
    written = feedback_files.write_for_period(sessions, plan, period, data_dir)
    lap("feedback")
    metrics, _ = compute_and_store(sessions, plan, period)
    lap("metrics")
    with sessions.begin() as session:
        produced = produce(session, plan, period, workspace.files(REPORTS), metrics=metrics)
    lap("report")
    with sessions.begin() as session:
        produce(session, plan, period, workspace.files(REPORTS))
    lap("publish_check")
    return {
        "received": collected.as_dict()["received"],
        "findings": checked.findings,
        "feedback": len(written),
        "reporting_rate": metrics.reporting_rate,
        "report_version": produced.version,
    }


def _timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t0, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", default="2019-Q1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args(argv)
    from benchmarks import machine

    print(machine.header("orchestration"))
    print(GOAL_TEXT)
    root = Path(tempfile.mkdtemp(prefix="papi-bench-orch-"))
    os.environ.update(_QUIET)
    for name in [k for k in os.environ if k.startswith("PAPI_")]:
        del os.environ[name]
    from papi_etl.orchestration_env import prepare
    from papi_etl.settings import Settings

    # The settings `papi-etl run`, `ui` and `serve` give Prefect's client and server.
    prepare(Settings(data_dir=root))
    server = None
    try:
        from deployments.server_process import PrefectServer

        t0 = time.perf_counter()
        server = PrefectServer(root / "prefect-server-home").start()
        url = server.url
        print(f"prefect server up at {url} in {time.perf_counter() - t0:.1f} s")
        # The client's own home, and the API of the running server, before Prefect is imported.
        os.environ["PREFECT_HOME"] = str(root / "prefect-client-home")
        os.environ["PREFECT_API_URL"] = f"{url}/api"
        template = root / "inbox-template"
        units = make_inbox(template, args.period)
        print(f"{units} synthetic reports for {args.period} (json) in the inbox")

        t_import, _ = _timed(
            lambda: (__import__("flows.run_period"), __import__("expectations.runner"))
        )
        print(f"import flows + GX {t_import:.1f} s (not counted)")
        fresh_data_dir(root, template, "warm-plain")
        warm_plain, plain_result = _timed(run_plain, args.period)
        fresh_data_dir(root, template, "warm-flows")
        warm_flows, flows_result = _timed(run_flows, args.period)
        print(f"warm-up (not counted): plain {warm_plain:.2f} s, flows {warm_flows:.2f} s")
        print(f"  plain: {plain_result}")
        consolidated = flows_result["consolidate"]
        print(
            f"  flows: findings {flows_result['validate']['findings']}, reporting rate "
            f"{consolidated['reporting_rate']:.1f} %, report v{consolidated['report_version']}"
        )

        plain, flows = [], []
        steps: dict[str, list[float]] = {}
        for i in range(args.runs):
            fresh_data_dir(root, template, f"plain-{i}")
            plain.append(_timed(run_plain, args.period, steps)[0])
            fresh_data_dir(root, template, f"flows-{i}")
            flows.append(_timed(run_flows, args.period)[0])
            print(f"  run {i + 1}: plain {plain[-1]:.2f} s, flows {flows[-1]:.2f} s")
        p, f = statistics.median(plain), statistics.median(flows)
        ratio = f / p
        verdict = "PASS" if ratio < GOAL else "MISS"
        print(f"\n== {args.period}, {units} reports, median of {args.runs}")
        print(f"  plain papi_etl calls  {p:8.2f} s")
        print(f"  Prefect flows         {f:8.2f} s  (overhead {f - p:+.2f} s)")
        print(
            f"  flows / plain         {ratio:8.2f} x  ({GOAL_TEXT}): {verdict}"
            + ("" if verdict == "PASS" else f" by {ratio / GOAL:.2f}x")
        )
        split = ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in steps.items())
        print(f"  plain, median per step (s): {split}")
        print(f"  load at the end {machine.load()}")
    except Exception as error:  # a measurement: report, never fail the caller
        import traceback

        traceback.print_exc()
        print(f"benchmark error: {error}")
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)
