"""Crash safety of collect: a real `papi-etl collect` of the whole district, SIGKILLed at
seeded random moments, restarted, killed again, until it completes.

After every kill the store and the raw archive are read back and checked against an
uninterrupted collect of the same inbox (tests/store_snapshot.py): the store must hold a
prefix of what that run took in, each item whole (its raw-file row, its submission or
rejection, all its task and indicator rows, its version and supersession) and equal to it,
and the archive no bytes but those and the item being taken in when the kill came. When a
run completes, the store must equal the reference exactly. The inbox holds every period's
report of every unit, second versions, a copy of a file (a duplicate) and two files that are
rejected, as XLSX on SQLite and as JSON on PostgreSQL.

Kill points are spread over the run: one chain of restarts per inbox, each kill drawn
uniformly over a slice of the measured run length after the restarted process took in its
first new item (so restarts, ~1.3 s each, pay for real progress), and some drawn over the
start-up (migrations, plan sync), the first one of a chain on a fresh store. The seed is
printed with every failure; PAPI_KILL_POINTS (per inbox, default 27) runs more.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from reliability_ledger import record
from store_snapshot import Snapshot, complete, faults, inbox_order, take

from papi_etl import archive, calendar, forms, synth
from papi_etl.collect import BATCH_ITEMS, collect
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.workspace import open_workspace

KILLS = int(os.environ.get("PAPI_KILL_POINTS", "25"))
SEED = 461
STARTUP_SHARE = 0.15  # of kill points drawn over the process's start-up
PLAN = load(DEFAULT_PLAN)
DUPLICATE = "(bản sao)"
# XLSX files take ~60 ms each to write and ~30 ms to take in: that inbox has one period of
# the whole district, the JSON one all five.
EVERY_PERIOD = [p.code for p in calendar.periods(PLAN.plan)]


def district_inbox(folder: Path, form: str, periods: list[str]) -> Path:
    """Every unit's report of `periods`, eight second versions, a duplicate, a truncated
    file and a report in another unit's folder."""
    plan = PLAN.plan
    synth.write(
        plan,
        synth.build(plan, SEED, [calendar.period(plan, p) for p in periods], form),
        folder,
        form,
        seed=SEED,
        clean=False,
    )
    q1 = calendar.period(plan, "2019-Q1")
    again = [r for r in synth.build(plan, SEED + 1, [q1], form) if r.submission is not None]
    later = dt.timedelta(days=2)
    for report in again[:8]:
        drop(folder / report.unit.code / f"{report.unit.code}_2019-Q1-v2.{form}", report, later)
    first = next(folder.rglob(f"*_2019-Q1.{form}"))
    copy = first.with_name(f"{first.stem} {DUPLICATE}.{form}")
    shutil.copyfile(first, copy)
    truncated = first.with_name(f"{first.stem}-dang-chep.{form}")
    truncated.write_bytes(first.read_bytes()[: first.stat().st_size // 2])
    stranger = again[8]
    elsewhere = next(u.code for u in plan.units if u.code != stranger.unit.code)
    drop(folder / elsewhere / f"{stranger.unit.code}_2019-Q1.{form}", stranger, later)
    moment = (stranger.arrival + later * 2).timestamp()
    for path in (copy, truncated):
        os.utime(path, (moment, moment))
    return folder


def drop(path: Path, report: synth.SyntheticReport, after: dt.timedelta) -> None:
    assert report.submission is not None and report.arrival is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    forms.write(report.submission, path.suffix.lstrip("."), path, PLAN.plan)
    moment = (report.arrival + after).timestamp()
    os.utime(path, (moment, moment))


@dataclass
class Child:
    """A `papi-etl collect` process and what it wrote on stderr (one line per item)."""

    process: subprocess.Popen[str]
    started: float
    first_new: threading.Event = field(default_factory=threading.Event)
    lines: list[str] = field(default_factory=list)
    first_new_at: float | None = None

    def read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if line.startswith("  ") and "trùng, bỏ qua" not in line and not self.first_new_at:
                self.first_new_at = time.monotonic() - self.started
                self.first_new.set()
        self.first_new.set()  # ended with nothing new to take in: nobody waits for it

    def kill(self) -> bool:
        """SIGKILL it if it still runs; True when the kill landed."""
        if self.process.poll() is not None:
            return False
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait() == -signal.SIGKILL


def spawn(inbox: Path, env: dict[str, str], batch: int) -> Child:
    """`papi-etl collect` committing `batch` items at a time: the XLSX inbox fits in one
    batch of the real size, and its progress lines (which time the kills) come after a
    commit, so with it every kill but the start-up ones would land after the last item."""
    command = (
        "import papi_etl.collect, papi_etl.cli.main as cli; "
        f"papi_etl.collect.BATCH_ITEMS = {batch}; cli.main()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", command, "collect", "--inbox", str(inbox)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    child = Child(process, time.monotonic())
    threading.Thread(target=child.read, daemon=True).start()
    return child


@dataclass(frozen=True)
class Store:
    """Where a chain's collect writes: its data dir and database, made empty by `reset`."""

    data_dir: Path
    url: str
    reset: Callable[[], None]

    def env(self) -> dict[str, str]:
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
        return kept | {"PAPI_DATA_DIR": str(self.data_dir), "PAPI_DATABASE_URL": self.url}


def sqlite_store(folder: Path) -> Store:
    def reset() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    reset()
    return Store(folder, f"sqlite:///{folder / 'papi.sqlite3'}", reset)


def postgres_store(folder: Path, database) -> Store:
    def reset() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        database.empty()

    reset()
    return Store(folder, database.url, reset)


def reference(inbox: Path, folder: Path) -> tuple[Snapshot, float]:
    """What an uninterrupted collect takes in (run in this process: the same code, without
    a process start), and how long its work took."""
    store = sqlite_store(folder)
    workspace = open_workspace(Settings(data_dir=store.data_dir, database_url=store.url), PLAN)
    started = time.monotonic()
    collect(workspace.sessions, PLAN.plan, [InboxSource(inbox)], workspace.data_dir)
    took = time.monotonic() - started
    workspace.sessions.kw["bind"].dispose()
    snapshot = take(store.url, store.data_dir)
    assert snapshot.problems == () and not snapshot.orphans
    return snapshot, took


def archive_says_so(snapshot: Snapshot, data_dir: Path) -> None:
    """The reference itself, read back from the archived bytes: each file's rows are the
    ones its bytes hold (so the prefix checks compare against the archive, not a habit)."""
    for taken in snapshot.taken:
        content = archive.read(data_dir, taken.sha256)
        if taken.filed is None:
            try:
                stranger = forms.read(content, taken.name, PLAN.plan)
            except forms.RejectedSubmission:
                continue
            assert stranger.unit != taken.name.split("/")[0]  # a report in another's folder
            continue
        submission = forms.read(content, taken.name, PLAN.plan)
        assert [(r[0], r[1]) for r in taken.filed.tasks] == [
            (t.row, t.task) for t in sorted(submission.tasks, key=lambda t: t.row)
        ]
        assert [(r[0], r[1], r[2]) for r in taken.filed.indicators] == [
            (x.row, x.indicator, x.value)
            for x in sorted(submission.indicators, key=lambda x: x.row)
        ]


@dataclass
class Tally:
    kills: int = 0
    startup: int = 0
    mid_item: int = 0  # kills that came between a batch's archive writes and its commit
    chains: int = 0
    taken_at_kill: list[int] = field(default_factory=list)
    temporary: int = 0


def chain(
    inbox: Path, store: Store, wanted: int, rng: random.Random, reference, batch: int
) -> Tally:
    """Kill, check, restart, until `wanted` kills landed and a run completed."""
    ref, order, work = reference
    slice_ = 1.5 * work / wanted  # a little short of the run: one chain, seldom two
    tally = Tally(chains=1)
    start_up: float | None = None  # how long the last restart took to its first new item
    while True:
        child = spawn(inbox, store.env(), batch)
        landed = at_start = False
        if tally.kills < wanted:
            at_start = start_up is not None and rng.random() < STARTUP_SHARE
            if at_start:
                time.sleep(rng.uniform(0, start_up))
            else:
                child.first_new.wait(300)
                time.sleep(rng.uniform(0, slice_))
            landed = child.kill()
        code = child.process.wait(300)
        start_up = child.first_new_at or start_up
        after = take(store.url, store.data_dir)
        where = f"seed {rng_seed(inbox)}, kill {tally.kills + 1}, chain {tally.chains}"
        if landed:
            assert faults(after, ref, order, batch) == [], where
            tally.kills += 1
            tally.startup += at_start
            tally.mid_item += bool(after.orphans)
            tally.taken_at_kill.append(len(after.taken))
            tally.temporary = max(tally.temporary, after.temporary)
            continue
        assert code == 0, f"{where}: " + "".join(child.lines)[-2000:]
        assert complete(after, ref), where
        if tally.kills >= wanted:
            return tally
        store.reset()  # the run outpaced the kills: another chain, from an empty store
        tally.chains += 1
        start_up = None


def rng_seed(inbox: Path) -> str:
    return f"{SEED}-{inbox.name}"


@pytest.mark.reliability
@pytest.mark.parametrize(
    ("form", "backend", "periods", "batch"),
    [
        ("xlsx", "sqlite", ["2019-Q1"], 8),
        pytest.param("json", "postgresql", EVERY_PERIOD, BATCH_ITEMS, marks=pytest.mark.postgres),
    ],
)
def test_collect_killed_at_random_points_loses_nothing(
    form, backend, periods, batch, tmp_path, request
):
    inbox = district_inbox(tmp_path / f"inbox-{form}", form, periods)
    order = inbox_order(inbox)
    ref, work = reference(inbox, tmp_path / "reference")
    archive_says_so(ref, tmp_path / "reference")
    assert len(ref.taken) == len(set(order)) == len(order) - 1  # one copy is a duplicate
    assert sum(t.rejection is not None for t in ref.taken) == 2
    assert sum(t.filed is not None and t.filed.version == 2 for t in ref.taken) == 8
    if backend == "sqlite":
        store = sqlite_store(tmp_path / "killed")
    else:
        store = postgres_store(tmp_path / "killed", request.getfixturevalue("postgres_database"))

    rng = random.Random(rng_seed(inbox))
    tally = chain(inbox, store, KILLS, rng, (ref, order, work), batch)

    assert tally.kills >= KILLS
    spread = sorted(tally.taken_at_kill)
    record(
        "crash safety",
        f"`papi-etl collect` SIGKILLed at random moments, whole district ({', '.join(periods)}), "
        f"{form.upper()} inbox of {len(order)} files, on {backend}, committed {batch} files at "
        "a time, restarted after each kill",
        tally.kills,
        f"0 lost, 0 duplicated, 0 half-written after every kill; complete run equal to an "
        f"uninterrupted one; kills at {spread[0]}..{spread[-1]} of {len(ref.taken)} items taken "
        f"in, {tally.startup} during start-up, {tally.mid_item} between a batch's archive "
        f"writes and its commit, {tally.temporary} archive temporary file(s) left at most (never "
        f"read); {tally.chains} chain(s), seed {rng_seed(inbox)}",
    )
