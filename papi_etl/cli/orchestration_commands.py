"""`papi-etl run|demo|serve|ui`: the commands that go through Prefect.

The command line is the composition root: these commands alone import `flows/` and
`deployments/`, lazily, after setting Prefect's environment (telemetry off, its state in
PAPI_DATA_DIR/prefect unless PREFECT_API_URL names a server).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from papi_etl import calendar, schedule, synth
from papi_etl.cli.context import JsonOption, PlanOption, echo, emit_json, settings
from papi_etl.cli.context import plan as load_plan
from papi_etl.errors import ConfigurationError
from papi_etl.orchestration_env import prepare
from papi_etl.plan.model import Plan
from papi_etl.sources.inbox import unit_folders

DEMO_MARK = ".papi-demo"


def _stopped_at_collect(period: str, collected: dict[str, Any]) -> None:
    """Say which source failed and that no report was made of part of the period; exit 2."""
    from papi_etl.collect import SourceFailure

    for source in collected["sources"]:
        for failed in source["source_errors"]:
            sys.stderr.write(SourceFailure(failed["source"], failed["error"]).describe() + "\n")
    sys.stderr.write(
        f"Kỳ {period} dừng ở bước thu thập, chưa lập báo cáo; chạy lại papi-etl run --period "
        f"{period} khi nguồn hoạt động trở lại.\n"
        f"The {period} run stopped at collect, before any report was made; run papi-etl run "
        f"--period {period} again once the source is back.\n"
    )
    raise typer.Exit(2)


def _unfinished_deliveries(plan: Plan, published: list[dict[str, Any]]) -> None:
    """Say which deliveries `run`/`demo` left pending or refused, and how they get done;
    exit as `papi-etl push` would: 2 when refused, 1 when pending (README's contract)."""
    from papi_etl.delivery import unfinished
    from papi_etl.store.schema import DeliveryState

    now = dt.datetime.now(dt.UTC)
    states = set()
    for result in published:
        text = unfinished.notice(plan, str(result["period"]), result["deliveries"], now)
        if text is not None:
            sys.stderr.write(text + "\n")
        states |= {d["state"] for d in result["deliveries"]}
    if DeliveryState.FAILED.value in states:
        raise typer.Exit(2)
    if DeliveryState.PENDING.value in states:
        raise typer.Exit(1)


def run(
    period: Annotated[str, typer.Option(help="The period, e.g. 2019-Q1.")],
    inbox: Annotated[
        Path | None, typer.Option(help="Drop folder (default: PAPI_DATA_DIR/inbox).")
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Run one whole period through the Prefect flows: collect, validate, consolidate, publish."""
    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period)
    if inbox is not None:
        os.environ["PAPI_INBOX"] = str(inbox.resolve())
    prepare(settings())
    from deployments.local_server import foreground, start_in_background

    server = start_in_background()
    from flows.run_period import run_period

    if server is not None:
        server.wait()
    with foreground():
        result = run_period(plan=str(loaded.path.resolve()), period=wanted.code)
    if json:
        emit_json(result)
    if "stopped_at" in result:
        _stopped_at_collect(wanted.code, result["collect"])
    if not json:
        consolidated = result["consolidate"]
        echo(
            f"{wanted.code} ({wanted.label_vi}): tỷ lệ báo cáo "
            f"{consolidated['reporting_rate']:.1f} %, đúng hạn "
            f"{consolidated['on_time_reporting_rate']:.1f} %; báo cáo "
            f"v{consolidated['report_version']} tại {consolidated['report_folder']}"
        )
    _unfinished_deliveries(loaded.plan, [result["publish"]])


def _fresh_demo_dir(data_dir: Path) -> None:
    """The demo starts over in its own data dir, and refuses one holding real data."""
    if data_dir.exists() and any(data_dir.iterdir()):
        if not (data_dir / DEMO_MARK).exists():
            raise ConfigurationError(
                f"{data_dir} already holds data that the demo did not make; run the demo with "
                "another PAPI_DATA_DIR (e.g. PAPI_DATA_DIR=./papi-demo papi-etl demo).",
                f"Thư mục {data_dir} đã có dữ liệu không phải của bản chạy thử; hãy đặt "
                "PAPI_DATA_DIR khác cho lệnh demo.",
            )
        for child in data_dir.iterdir():
            if child.name != "prefect":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARK).write_text("papi-etl demo: synthetic data\n", encoding="utf-8")


def demo(
    seed: Annotated[
        int, typer.Option(help="Seed of the synthetic submissions.")
    ] = synth.DEFAULT_SEED,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """The whole pipeline on synthetic submissions for every period, through Prefect."""
    started = time.monotonic()
    loaded = load_plan(plan)
    config = settings()
    _fresh_demo_dir(config.data_dir)
    prepare(config)
    from deployments.local_server import foreground, start_in_background

    server = start_in_background()
    inbox = config.data_dir / "inbox"
    # The first reports come as JSON (the HTTP/API form), corrections as the XLSX template.
    reports = synth.build(loaded.plan, seed, calendar.periods(loaded.plan), "json")
    synth.write(loaded.plan, reports, inbox, "json", seed=seed, clean=False)
    sys.stderr.write(f"Đã tạo {len(reports)} báo cáo mô phỏng trong {inbox}\n")
    # Importing the flows (GX, Prefect's engine) takes seconds: while the server starts.
    from flows.demo import demo as demo_flow

    if server is not None:
        server.wait()
    with foreground():
        results = demo_flow(plan=str(loaded.path.resolve()), seed=seed)
    if json:
        emit_json(results)
        _unfinished_deliveries(loaded.plan, [r["publish"] for r in results])
        return
    echo("DỮ LIỆU MÔ PHỎNG / SYNTHETIC DATA — papi-etl demo")
    for r in results:
        c = r["consolidate"]
        v = r["validate"]
        echo(
            f"  {r['period']:<8} {r['label_vi']:<22} báo cáo {c['reporting_rate']:5.1f} %, "
            f"đúng hạn {c['on_time_reporting_rate']:5.1f} %, hợp lệ {v['valid']}, "
            f"chấp nhận ngoại lệ {v['accepted_with_exception']}, còn lỗi {v['invalid']}; "
            f"báo cáo v{c['report_version']}"
        )
    echo()
    echo(f"Báo cáo / reports: {config.data_dir / 'reports'}")
    echo(f"Phản hồi cho đơn vị / feedback: {config.data_dir / 'feedback'}")
    echo("Giao diện Prefect / Prefect UI: papi-etl ui  (rồi mở http://127.0.0.1:4200)")
    echo(f"Xong sau {time.monotonic() - started:.0f} s / done.")
    _unfinished_deliveries(loaded.plan, [r["publish"] for r in results])


def ui(
    port: Annotated[int, typer.Option(help="Port of the UI and its API.")] = 4200,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Start Prefect's server and UI on the demo's state (PAPI_DATA_DIR/prefect)."""
    prepare(settings())
    # `prefect server start --port` does not tell the UI its API address; these do.
    os.environ["PREFECT_SERVER_API_HOST"] = host
    os.environ["PREFECT_SERVER_API_PORT"] = str(port)
    os.environ.pop("PREFECT_API_URL", None)
    echo(f"Prefect UI: http://{host}:{port}  (Ctrl+C to stop)")
    prefect = Path(sys.executable).with_name("prefect")
    raise typer.Exit(subprocess.call([str(prefect), "server", "start"]))


def serve(
    plan: PlanOption = None,
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server when PREFECT_API_URL is unset.")
    ] = 4200,
) -> None:
    """Production mode: register the plan's deployments with their schedules and run them;
    validate a file as soon as it is dropped in the inbox."""
    loaded = load_plan(plan)
    config = settings()
    prepare(config)
    inbox = config.inbox or config.data_dir / "inbox"
    made = unit_folders(loaded.plan, inbox)
    echo(f"Thư mục nhận báo cáo / inbox: {inbox} ({len(made)} thư mục đơn vị)")
    if schedule.validity_ended(loaded.plan, dt.datetime.now(dt.UTC)):
        echo(schedule.validity_ended_notice(loaded.plan))
    # The server must be known before Prefect is imported: it reads its settings once.
    from deployments.server_process import PrefectServer, require

    server = None
    if os.environ.get("PREFECT_API_URL"):
        require(os.environ["PREFECT_API_URL"])
    else:
        server = PrefectServer(Path(os.environ["PREFECT_HOME"]), port=port).start()
        os.environ["PREFECT_API_URL"] = f"{server.url}/api"
        echo(f"Prefect UI: {server.url}  (máy chủ cục bộ / local server, log {server.log})")
    # A run triggered by a dropped file starts within this many seconds.
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    from deployments.build import serve as serve_deployments

    try:
        serve_deployments(loaded.path.resolve(), config, echo)
    finally:
        if server is not None:
            server.stop()
