# ruff: noqa: T201  (a benchmark reports on stdout)
"""Scale benchmark: one period of a district, a city and a country, step by step, against
the same work in plain pandas (the floor).

    .venv/bin/python -m benchmarks.scale                      # district, city, country: ~15 min
    .venv/bin/python -m benchmarks.scale --scales city --profile validate
    # options: --scales district,city,country  --database sqlite|postgresql  --period 2019-Q1
    #          --city 22  --country 700  --wards 18  --keep  --profile STEP

Each scale runs in a child process of its own (so that its peak memory is its own), on a
fresh data dir in a temp folder and a fresh store (SQLite in the data dir, or a new
database on the PostgreSQL server at PAPI_BENCH_POSTGRES_URL, default 127.0.0.1:5432):

- district: the plan's own district (26 reporting units), its synthetic reports;
- city: `--city` synthetic districts of `--wards` wards each (`papi_etl.synth.districts`)
  and the city plan over them;
- country: `--country` such districts under one plan (a country-sized roll-up).

The inputs are written first (`synth`, JSON form, the seeded mix of late, missing and
erroneous reports; timed apart, not part of the total). Then the library's steps, as the
flows run them, without Prefect (`benchmarks.orchestration` measures Prefect's share):

- open: every plan file loaded and synced into a new store (migrations included);
- collect: each district's inbox collected (archive copy, parse, store);
- validate: the districts' period validated together, as the validate flow does for a
  city (`expectations.period.validate_periods`: one GX run per suite), and the findings
  stored (without the HTML Data Docs, which a run builds for operators);
- metrics: the districts' metrics computed and stored together
  (`metrics.period.compute_and_store_plans`), then the city's roll-up;
- report: the consolidated report of the top plan: the district's (DOCX, PDF, XLSX,
  charts) for the district scale, the city's roll-up (Markdown, XLSX) above it; each
  district's own report is the district scale's report step, once per district, made by
  the workers of the production stack in parallel, and is not repeated here.

The floor (`benchmarks.floor`) reads the same plan files and submission files with plain
Python and pandas and applies the same rules to the same rows: completeness, each
validation rule as a boolean mask, the reporting and on-time rates and implementation
index per district, the roll-up and its ranking written as CSV; it stores nothing.

Printed per scale and step: wall time, peak RSS during the step (sampled every 20 ms) and
rows; then the floor, the ratio and, between city and country, the growth of time against
the growth of rows. Goals (issue #10): country < 180 s end to end and < 4 GiB, within 3x of
the floor, growth linear (30x the rows in at most 35x the time: time ratio / row ratio at
most 35/30). Always exits 0; PASS/MISS says how each goal went.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import machine

SCALES = ("district", "city", "country")
STEPS = ("open", "collect", "validate", "metrics", "report")
GOAL_COUNTRY_S = 180.0
GOAL_COUNTRY_GIB = 4.0
GOAL_FLOOR_RATIO = 3.0
GOAL_GROWTH = 35 / 30
POSTGRES_SERVER = os.environ.get(
    "PAPI_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/"
)


class _PeakRss:
    """The largest resident set size seen while the block runs (sampled: a short spike
    between two samples is missed; `ru_maxrss` gives the process's whole-life peak)."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._rss())

    @contextmanager
    def watching(self) -> Iterator[_PeakRss]:
        self.peak = self._rss()
        self._stop.clear()
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()
            self.peak = max(self.peak, self._rss())


# --- inputs ---------------------------------------------------------------------------------


def _write_district(args: tuple[str, int, int | None, str, bool]) -> int:
    """One synthetic district's plan file and inbox (a worker process's job)."""
    from papi_etl import calendar, synth
    from papi_etl.plan import load
    from papi_etl.settings import DEFAULT_PLAN
    from papi_etl.synth import districts

    root, number, wards, period_code, single = args
    base = load(DEFAULT_PLAN).plan
    plan = base if single else districts.district_plan(base, number, wards)
    if not single:
        districts.write_plan(plan, base, Path(root) / "plans" / f"{plan.id}.yaml")
    period = calendar.period(plan, period_code)
    seed = synth.DEFAULT_SEED + number - 1
    reports = synth.build(plan, seed, [period], "json")
    inbox = Path(root) / "data" / "inbox" / ("" if single else plan.id)
    synth.write(plan, reports, inbox, "json", seed=seed, clean=False)
    return sum(r.submission is not None for r in reports)


def make_inputs(root: Path, scale: str, count: int, wards: int, period: str) -> Path:
    """The scale's plan files and inboxes under `root`; the top plan's file."""
    from concurrent.futures import ProcessPoolExecutor

    from papi_etl.plan import load
    from papi_etl.settings import DEFAULT_PLAN
    from papi_etl.synth import districts

    single = scale == "district"
    jobs = [(str(root), n, wards, period, single) for n in range(1, count + 1)]
    if single:
        _write_district(jobs[0])
        return DEFAULT_PLAN
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_write_district, jobs, chunksize=8))
    base = load(DEFAULT_PLAN).plan
    city = districts.city_plan(base, [districts.district_id(n) for n in range(1, count + 1)])
    return districts.write_plan(city, base, root / "plans" / districts.CITY_FILE)


# --- the pipeline, without Prefect ------------------------------------------------------------


def run_steps(plan_file: Path, period: str, on_step: Callable[[str], Any]) -> dict[str, Any]:
    """The library's steps in the flows' order; `on_step(name)` is a context manager
    around each (timing and memory)."""
    from expectations.period import validate_periods
    from papi_etl import collect
    from papi_etl.metrics.period import compute_and_store_plans
    from papi_etl.metrics.rollup import roll_up_and_store
    from papi_etl.plan import family, load
    from papi_etl.report import rollup as rollup_files
    from papi_etl.report.produce import produce
    from papi_etl.settings import Settings
    from papi_etl.sources import configured
    from papi_etl.workspace import REPORTS, open_workspace

    settings = Settings()
    counts: dict[str, Any] = {}
    with on_step("open"):
        top = load(plan_file)
        workspaces = [open_workspace(settings, top)]
        children = family.children(top)
        workspaces += [open_workspace(settings, child) for child in children]
    districts = workspaces[1:] or workspaces
    with on_step("collect"):
        received = 0
        for ws in districts:
            sources = configured.sources(settings, ws.inbox(), only={configured.INBOX})
            received += len(collect.collect(ws.sessions, ws.plan, sources, ws.data_dir).items)
        counts["submissions"] = received
    with on_step("validate"):
        # As the validate flow does for a city: its districts together, one GX run per suite.
        checked = validate_periods(districts[0].sessions, [ws.plan for ws in districts], period)
        counts["findings"] = sum(c.findings for c in checked.values())
    with on_step("metrics"):
        # The districts of one store together, as a city's run would compute them.
        plans = [ws.plan for ws in districts]
        computed = [m for m, _ in compute_and_store_plans(districts[0].sessions, plans, period)]
        if children:
            rolled, _ = roll_up_and_store(workspaces[0].sessions, top.plan, period)
    with on_step("report"):
        head = workspaces[0]
        if children:
            files = rollup_files.write(rolled, top.plan.document.district, head.files(REPORTS))
        else:
            with head.sessions.begin() as session:
                made = produce(session, top.plan, period, head.files(REPORTS), metrics=computed[0])
            files = made.paths
        counts["report_files"] = len(files)
    counts["reporting_rate"] = (
        float(rolled.reporting_rate) if children else float(computed[0].reporting_rate)
    )
    return counts


def count_rows(data_dir: Path) -> tuple[int, int]:
    """(task rows, indicator rows) of the submission files in the inbox."""
    tasks = indicators = 0
    for path in (data_dir / "inbox").rglob("*.json"):
        if path.name.startswith("."):
            continue
        sent = json.loads(path.read_bytes())
        tasks += len(sent.get("tasks") or [])
        indicators += len(sent.get("indicators") or [])
    return tasks, indicators


# --- one scale, in a child process ------------------------------------------------------------


@contextmanager
def _database(kind: str) -> Iterator[str | None]:
    """A fresh store URL (None: SQLite in the data dir)."""
    if kind == "sqlite":
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_SERVER)
    name = f"papi_bench_{os.getpid()}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def child(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks import floor

    count = {"district": 1, "city": args.city, "country": args.country}[args.child]
    root = Path(args.root)
    started = time.perf_counter()
    plan_file = make_inputs(root, args.child, count, args.wards, args.period)
    synth_s = time.perf_counter() - started
    data_dir = root / "data"
    tasks, indicators = count_rows(data_dir)
    result: dict[str, Any] = {
        "scale": args.child,
        "districts": count,
        "task_rows": tasks,
        "indicator_rows": indicators,
        "synth_s": synth_s,
        "steps": {},
    }
    watch = _PeakRss()

    @contextmanager
    def on_step(name: str) -> Iterator[None]:
        profiler = None
        if args.profile == name:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.005)
            profiler.start()
        t0 = time.perf_counter()
        with watch.watching():
            yield
        result["steps"][name] = {"s": time.perf_counter() - t0, "rss": watch.peak}
        if profiler is not None:
            profiler.stop()
            out = root.parent / f"profile-{args.child}-{name}.txt"
            out.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
            result["profile"] = str(out)
        print(f"  {args.child} {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    with _database(args.database) as url:
        os.environ["PAPI_DATA_DIR"] = str(data_dir)
        if url:
            os.environ["PAPI_DATABASE_URL"] = url
        result["counts"] = run_steps(plan_file, args.period, on_step)
    # The floor reads the files the pipeline read, after it: both find them in the page cache.
    with watch.watching():
        t0 = time.perf_counter()
        result["floor"] = floor.run(root, plan_file, args.period)
        result["floor"]["s"] = time.perf_counter() - t0
    result["floor"]["rss"] = watch.peak
    return result


# --- the parent: one child per scale, then the table --------------------------------------------


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(results: list[dict[str, Any]]) -> None:
    print()
    print(f"{'scale':<9} {'districts':>9} {'rows':>10} {'step':<9} {'wall s':>8} {'peak RSS':>10}")
    for r in results:
        rows = r["task_rows"] + r["indicator_rows"]
        for step in STEPS:
            s = r["steps"][step]
            print(
                f"{r['scale']:<9} {r['districts']:>9} {rows:>10,} {step:<9} "
                f"{s['s']:>8.1f} {_gib(s['rss']):>10}"
            )
        total = sum(r["steps"][s]["s"] for s in STEPS)
        peak = max(r["steps"][s]["rss"] for s in STEPS)
        r["total_s"], r["peak"] = total, peak
        print(
            f"{r['scale']:<9} {r['districts']:>9} {rows:>10,} {'TOTAL':<9} {total:>8.1f} "
            f"{_gib(peak):>10}   (inputs written in {r['synth_s']:.1f} s, not counted; "
            f"{r['counts']['submissions']:,} submissions, {r['counts']['findings']:,} findings, "
            f"reporting rate {r['counts']['reporting_rate']:.1f} %)"
        )
        f = r["floor"]
        ratio = total / f["s"]
        r["ratio"] = ratio
        print(
            f"{r['scale']:<9} {'':>9} {'':>10} {'floor':<9} {f['s']:>8.1f} {_gib(f['rss']):>10}"
            f"   pandas floor (reading {f['files']:,} files, {f['rows']:,} rows, "
            f"{f['failures']:,} rule failures, reporting rate {f['reporting_rate']:.1f} %); "
            f"ratio {ratio:.1f}x  {_verdict(ratio <= GOAL_FLOOR_RATIO)} (goal <= 3x)"
        )
    by = {r["scale"]: r for r in results}
    if "country" in by:
        c = by["country"]
        print(
            f"country: {c['total_s']:.0f} s (goal < {GOAL_COUNTRY_S:.0f} s) "
            f"{_verdict(c['total_s'] < GOAL_COUNTRY_S)}; peak {_gib(c['peak'])} "
            f"(goal < {GOAL_COUNTRY_GIB:.0f} GiB) {_verdict(c['peak'] < GOAL_COUNTRY_GIB * 2**30)}"
        )
    if "city" in by and "country" in by:
        city, country = by["city"], by["country"]
        rows = (country["task_rows"] + country["indicator_rows"]) / (
            city["task_rows"] + city["indicator_rows"]
        )
        times = country["total_s"] / city["total_s"]
        print(
            f"growth city -> country: {rows:.1f}x the rows in {times:.1f}x the time "
            f"({times / rows:.2f} per unit of data; goal <= {GOAL_GROWTH:.2f}: 30x in <= 35x) "
            f"{_verdict(times / rows <= GOAL_GROWTH)}"
        )
        for step in STEPS:
            grew = country["steps"][step]["s"] / max(city["steps"][step]["s"], 1e-9)
            print(f"  {step:<9} {grew:>6.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__)
    parser.add_argument("--scales", default=",".join(SCALES))
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--period", default="2019-Q1")
    parser.add_argument("--city", type=int, default=22, help="districts of the city")
    parser.add_argument("--country", type=int, default=700, help="districts of the country")
    parser.add_argument("--wards", type=int, default=18, help="wards of a synthetic district")
    parser.add_argument("--profile", choices=STEPS, help="pyinstrument profile of one step")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--child", choices=SCALES, help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    scales = [s for s in args.scales.split(",") if s]
    print(
        machine.header(
            "scale",
            f"store {args.database}",
            f"period {args.period}",
            f"city {args.city} and country {args.country} districts of {args.wards} wards",
        )
    )
    top = Path(tempfile.mkdtemp(prefix="papi-scale-"))
    results = []
    try:
        for scale in scales:
            root = top / scale
            root.mkdir()
            command = [sys.executable, "-m", "benchmarks.scale", "--child", scale]
            command += ["--root", str(root), "--database", args.database, "--period", args.period]
            command += ["--city", str(args.city), "--country", str(args.country)]
            command += ["--wards", str(args.wards)]
            if args.profile:
                command += ["--profile", args.profile]
            print(f"{scale}: running (progress on stderr) ...", flush=True)
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
            if done.returncode != 0:
                print(f"{scale}: the run failed (exit {done.returncode}); see stderr above")
                continue
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            if "profile" in results[-1]:
                print(f"{scale}: profile in {results[-1]['profile']}")
        report(results)
    finally:
        if args.keep or args.profile:
            print(f"kept: {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
