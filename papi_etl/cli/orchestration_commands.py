"""`papi-etl run|demo|serve|deploy|ui`: the commands that go through Prefect.

The command line is the composition root: these commands alone import `flows/` and
`deployments/`, lazily, after setting Prefect's environment (telemetry off, its state in
PAPI_DATA_DIR/prefect unless PREFECT_API_URL names a server).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from papi_etl import calendar, schedule, synth
from papi_etl.cli.context import (
    JsonOption,
    PeriodOption,
    PlanOption,
    PortOption,
    echo,
    emit_json,
    settings,
)
from papi_etl.cli.context import plan as load_plan
from papi_etl.errors import ConfigurationError
from papi_etl.numbers_vi import format_decimal, format_percent
from papi_etl.orchestration_env import prepare
from papi_etl.plan import family
from papi_etl.plan.model import Plan
from papi_etl.sources import inbox as inbox_layout
from papi_etl.sources.inbox import unit_folders
from papi_etl.workspace import open_workspace

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


def _unfinished_deliveries(published: list[tuple[Plan, dict[str, Any]]]) -> None:
    """Say which deliveries `run`/`demo` left pending or refused, and how they get done;
    exit as `papi-etl push` would: 2 when refused, 1 when pending (README's contract)."""
    from papi_etl.delivery import unfinished
    from papi_etl.store.schema import DeliveryState

    now = dt.datetime.now(dt.UTC)
    states = set()
    for plan, result in published:
        text = unfinished.notice(plan, str(result["period"]), result["deliveries"], now)
        if text is not None:
            sys.stderr.write(text + "\n")
        states |= {d["state"] for d in result["deliveries"]}
    if DeliveryState.FAILED.value in states:
        raise typer.Exit(2)
    if DeliveryState.PENDING.value in states:
        raise typer.Exit(1)


def run(
    period: PeriodOption,
    inbox: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Thư mục nhận báo cáo (mặc định: PAPI_DATA_DIR/inbox; kế hoạch thành phố: mỗi "
            "kế hoạch quận một thư mục con). / Drop folder (default: PAPI_DATA_DIR/inbox); for "
            "a city's plan, a folder per district plan id.",
            show_default=False,
        ),
    ] = None,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Chạy trọn một kỳ qua các luồng Prefect: nhận, kiểm tra, tổng hợp, gửi báo cáo; với kế
    hoạch thành phố, kỳ của từng quận rồi tổng hợp thành phố. / Run one whole period through
    the Prefect flows: collect, validate, consolidate, publish; with a city's plan, every
    district's period, then the city's roll-up."""
    loaded = load_plan(plan)
    wanted = calendar.period(loaded.plan, period)
    if inbox is not None:
        os.environ["PAPI_INBOX"] = str(inbox.resolve())
        settings.cache_clear()
    config = settings()
    # Every plan in the store before any runs: a district then knows its siblings' folders
    # in the shared inbox for what they are (and a broken child plan stops the run here).
    opened = [open_workspace(config, p) for p in [loaded, *family.children(loaded)]]
    if not loaded.plan.children:
        inbox_layout.check(opened[0].inbox(), loaded.plan)
    prepare(config)
    from deployments.local_server import foreground, start_in_background

    server = start_in_background()
    from flows.run_period import run_period

    if server is not None:
        server.wait()
    with foreground():
        result = run_period(plan=str(loaded.path.resolve()), period=wanted.code)
    if json:
        emit_json(result)
    ran_by_plan = result["districts"] if loaded.plan.children else {loaded.plan.id: result}
    for ran in ran_by_plan.values():
        if "stopped_at" in ran:
            _stopped_at_collect(wanted.code, ran["collect"])
    if not json and loaded.plan.children:
        for plan_id, ran in ran_by_plan.items():
            _ran(plan_id, ran["consolidate"])
        rolled = result["roll_up"]
        echo(
            f"{wanted.code} ({wanted.label_vi}), {loaded.plan.document.district}: tỷ lệ báo cáo "
            f"{format_percent(rolled['reporting_rate'])}, đúng hạn "
            f"{format_percent(rolled['on_time_reporting_rate'])}, chỉ số thực hiện "
            f"{format_decimal(rolled['implementation_index'], 2)} "
            f"({len(rolled['districts'])} quận; `papi-etl metrics --plan {loaded.path} "
            f"--period {wanted.code}` xếp hạng)"
        )
    elif not json:
        _ran(f"{wanted.code} ({wanted.label_vi})", result["consolidate"])
    plans = {p.plan.id: p.plan for p in [loaded, *family.children(loaded)]}
    _unfinished_deliveries([(plans[i], ran["publish"]) for i, ran in ran_by_plan.items()])


def _ran(label: str, consolidated: dict[str, object]) -> None:
    echo(
        f"{label}: tỷ lệ báo cáo {consolidated['reporting_rate']:.1f} %, "
        f"đúng hạn {consolidated['on_time_reporting_rate']:.1f} %; báo cáo "
        f"v{consolidated['report_version']} tại {consolidated['report_folder']}"
    )


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
        int,
        typer.Option(
            metavar="SEED",
            help="Hạt giống của dữ liệu mô phỏng. / Seed of the synthetic submissions.",
        ),
    ] = synth.DEFAULT_SEED,
    plan: PlanOption = None,
    json: JsonOption = False,
) -> None:
    """Chạy thử toàn bộ quy trình trên báo cáo mô phỏng của mọi kỳ, qua Prefect. / The whole
    pipeline on synthetic submissions for every period, through Prefect."""
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
        _unfinished_deliveries([(loaded.plan, r["publish"]) for r in results])
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
    _unfinished_deliveries([(loaded.plan, r["publish"]) for r in results])


def ui(
    port: PortOption = 4200,
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST",
            help="Địa chỉ lắng nghe. / Address to listen on.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Mở máy chủ và giao diện Prefect trên dữ liệu của PAPI_DATA_DIR/prefect, đến khi
    Ctrl+C hoặc SIGTERM. / Start Prefect's server and UI on PAPI_DATA_DIR/prefect, until
    Ctrl+C or SIGTERM."""
    prepare(settings())
    from deployments.server_process import PrefectServer

    # Its own process group, stopped here on the way out (Ctrl+C, SIGTERM: see main.py),
    # so the port is free again when the command has ended.
    server = PrefectServer(Path(os.environ["PREFECT_HOME"]), port=port, host=host)
    # Said before the server answers, so that it is said even when stopped while starting.
    echo(f"Giao diện Prefect / Prefect UI: {server.url}  (Ctrl+C để dừng / to stop)")
    echo(f"Nhật ký máy chủ / server log: {server.log}")
    with server:
        code = server.join()
    if code:
        raise ConfigurationError(
            f"The Prefect server stopped by itself (exit status {code}); see {server.log}.",
            f"Máy chủ Prefect tự dừng (mã thoát {code}); xem {server.log}.",
        )


def serve(
    plan: PlanOption = None,
    port: Annotated[
        int,
        typer.Option(
            metavar="PORT",
            min=1,
            max=65535,
            help="Cổng của máy chủ Prefect cục bộ khi chưa đặt PREFECT_API_URL. / Port of the "
            "local Prefect server when PREFECT_API_URL is unset.",
        ),
    ] = 4200,
) -> None:
    """Chế độ vận hành: đăng ký các deployment của kế hoạch với lịch chạy và chạy chúng;
    kiểm tra ngay tệp được thả vào thư mục nhận. / Production mode: register the plan's
    deployments with their schedules and run them; validate a file as soon as it is dropped
    in the inbox."""
    loaded = load_plan(plan)
    config = settings()
    prepare(config)
    inbox = open_workspace(config, loaded).inbox()
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


def deploy(
    pool: Annotated[
        str,
        typer.Option(
            metavar="NAME",
            help="Work pool mà các worker nhận việc. / The work pool the workers poll "
            "(make it with `prefect work-pool create NAME --type process`).",
            show_default=False,
        ),
    ],
    plan: Annotated[
        list[Path] | None,
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Tệp kế hoạch, lặp lại được; kế hoạch thành phố kéo theo các quận. / Plan "
            "file, repeatable (default: PAPI_PLAN); a city's plan brings its districts'.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Vận hành chính thức: đăng ký các deployment của kế hoạch vào một work pool của
    Prefect, để các worker (`prefect worker start --pool NAME --type process`) trên máy này
    hoặc máy khác chạy. / Production: register the plans' deployments on a Prefect work
    pool, for workers (`prefect worker start --pool NAME --type process`) on this or other
    machines to run."""
    config = settings()
    paths = [path.resolve() for path in plan or [config.plan]]
    for path in paths:
        # A broken plan stops here, with its faults listed; every plan (and a city's
        # districts) is in the store before a worker runs anything of it.
        open_workspace(config, load_plan(path))
    prepare(config)
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        raise ConfigurationError(
            "deploy needs PREFECT_API_URL: the API of the Prefect server the workers poll "
            "(e.g. http://10.0.0.5:4200/api).",
            "Lệnh deploy cần biến PREFECT_API_URL: địa chỉ API của máy chủ Prefect mà các "
            "worker kết nối.",
        )
    from deployments.server_process import require

    require(api)
    from deployments.work_pool import deploy as deploy_plans

    names = deploy_plans(paths, pool)
    echo(f"Đã đăng ký {len(names)} deployment vào work pool {pool} / deployed to {pool}:")
    for name in names:
        echo(f"  {name}")
    echo(f"Worker: prefect worker start --pool {pool} --type process")
