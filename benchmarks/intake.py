# ruff: noqa: T201  (a benchmark reports on stdout)
"""Drop to answer: how long after a file lands in a unit's inbox folder, with `papi-etl
serve` running, the unit has its validation result in its mailbox.

    .venv/bin/python -m benchmarks.intake [--drops 5] [--burst 5]

Starts `papi-etl serve` as an operator would (no PREFECT_API_URL: it starts its own Prefect
server in PAPI_DATA_DIR/prefect) on a copy of the bundled plan made valid from this year
on, with a real SMTP server on loopback (aiosmtpd) as the units' mail server. Then, one at
a time, drops the synthetic report of `--drops` units (some with errors) into their folders
and times each until the result e-mail arrives; then drops `--burst` reports at once and
times until the last is answered. Each answer is the whole chain: the watcher's poll and
settling (3 s polls, two equal looks), the Prefect event, the trigger, the runner's poll,
the flow run's process start, collect, validate (GX), feedback, the e-mail.
Goal: every answer within 60 s. Always exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 60.0
GOAL_TEXT = f"goal: a dropped file is answered within {GOAL:.0f} s"


def plan_valid_now(folder: Path) -> Path:
    """The bundled plan, valid from 1 January of this year to the end of the next: `serve`
    is for a live plan, and the bundled one ended in 2019."""
    from papi_etl.settings import DEFAULT_PLAN

    year = dt.date.today().year
    text = DEFAULT_PLAN.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  valid_from: .*$", f"  valid_from: {year}-01-01", text)
    text = re.sub(r"(?m)^  valid_until: .*$", f"  valid_until: {year + 1}-12-31", text)
    path = folder / "plan-valid-now.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Served:
    """`papi-etl serve` in a child process, its output collected line by line."""

    def __init__(self, env: dict[str, str], port: int, wait: float = 240) -> None:
        self.lines: list[str] = []
        self.wait = wait
        self.process = subprocess.Popen(
            [sys.executable, "-m", "papi_etl", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str) -> None:
        deadline = time.monotonic() + self.wait
        while text not in self.output():
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited:\n{self.output()[-4000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {text!r} in:\n{self.output()[-4000:]}")
            time.sleep(0.5)

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=120)


def serve_env(data_dir: Path, plan_path: Path, smtp_url: str, **more: str) -> dict[str, str]:
    """The environment of a fresh operator: none of this process's PAPI_/PREFECT_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    return env | {
        "PAPI_DATA_DIR": str(data_dir),
        "PAPI_PLAN": str(plan_path),
        "PAPI_SMTP_URL": smtp_url,
        **more,
    }


class _Mailbox:
    def __init__(self) -> None:
        self.arrived: list[tuple[float, str]] = []  # (monotonic time, To)

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.arrived.append((time.monotonic(), ",".join(envelope.rcpt_tos)))
        return "250 OK"

    def first_to(self, address: str, after: float) -> float | None:
        return next((t for t, to in self.arrived if address in to and t >= after), None)


def _answered(box: _Mailbox, address: str, dropped: float, served: Served) -> float:
    deadline = dropped + 300
    while (arrived := box.first_to(address, dropped)) is None:
        if time.monotonic() > deadline or served.process.poll() is not None:
            raise TimeoutError(f"no answer to {address} after 300 s\n{served.output()[-3000:]}")
        time.sleep(0.2)
    return arrived - dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drops", type=int, default=5, help="reports dropped one at a time")
    parser.add_argument("--burst", type=int, default=5, help="reports dropped at once")
    args = parser.parse_args(argv)
    from aiosmtpd.controller import Controller

    from benchmarks import machine
    from deployments.server_process import free_port
    from papi_etl import calendar, forms, synth
    from papi_etl.plan import load

    print(machine.header("intake"))
    print(GOAL_TEXT)
    root = Path(tempfile.mkdtemp(prefix="papi-bench-intake-"))
    box = _Mailbox()
    smtp_port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    served = None
    try:
        plan_path = plan_valid_now(root)
        plan = load(plan_path).plan
        period = calendar.periods(plan)[0]
        reports = [
            r
            for r in synth.build(plan, synth.DEFAULT_SEED, [period], "json")
            if not r.missing and r.unit.contact.email
        ]
        # The ones with errors first: their answer carries the feedback workbook.
        reports.sort(key=lambda r: not r.errors)
        staged = root / "staged"
        files = []
        for r in reports[: args.drops + args.burst]:
            path = staged / r.unit.code / f"{r.unit.code}_{period.code}.json"
            forms.write(r.submission, "json", path, plan)
            files.append((r, path))
        data_dir = root / "data"
        smtp_url = f"smtp://127.0.0.1:{smtp_port}?from=pnv@binhtan.example&starttls=0"
        t0 = time.monotonic()
        served = Served(serve_env(data_dir, plan_path, smtp_url), free_port())
        served.wait_for("serving:")
        print(f"serve ready in {time.monotonic() - t0:.1f} s (own Prefect server, first start)")

        single = []
        for report, path in files[: args.drops]:
            dropped = time.monotonic()
            shutil.copy(path, data_dir / "inbox" / report.unit.code / path.name)
            took = _answered(box, report.unit.contact.email, dropped, served)
            single.append(took)
            kind = "with errors" if report.errors else "valid"
            print(f"  drop {report.unit.code:<6} ({kind:<11}) answered in {took:5.1f} s")

        burst = files[args.drops :]
        burst_times = []
        if burst:
            dropped = time.monotonic()
            for report, path in burst:
                shutil.copy(path, data_dir / "inbox" / report.unit.code / path.name)
            burst_times = [_answered(box, r.unit.contact.email, dropped, served) for r, _ in burst]
            print(
                f"  burst of {len(burst)} dropped at once: answered in "
                + ", ".join(f"{t:.1f}" for t in sorted(burst_times))
                + " s"
            )

        worst = max(single + burst_times)
        verdict = "PASS" if worst < GOAL else "MISS"
        print(f"\n== {period.code}, drop to answer (e-mail received)")
        if single:
            print(
                f"  one at a time: median {statistics.median(single):.1f} s, "
                f"max {max(single):.1f} s"
            )
        if burst_times:
            print(f"  burst of {len(burst_times)}: last answered after {max(burst_times):.1f} s")
        print(f"  worst {worst:.1f} s ({GOAL_TEXT}): {verdict}")
        print(f"  load at the end {machine.load()}")
    except Exception as error:  # a measurement: report, never fail the caller
        import traceback

        traceback.print_exc()
        print(f"benchmark error: {error}")
    finally:
        if served is not None:
            served.stop()
        controller.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
