"""Store faults on a PostgreSQL of the test's own: restarted under a running collect, a
backend terminated, down for longer than the retries, and two runs filing the same unit's
next version at once (a conflict at READ COMMITTED, the isolation the store uses).

The cluster is private (initdb + pg_ctl in a temporary folder, on a free port, run as the
`postgres` user since PostgreSQL refuses root); the shared server on 5432 is never touched.
After each fault the store is checked against an uninterrupted collect of the same inbox
(tests/store_snapshot.py): the run retried and completed, or stopped loudly with every item
before the fault whole, and the next run completed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_ledger import record
from sqlalchemy import create_engine, select, text
from store_snapshot import Snapshot, complete, faults, inbox_order, take

from deployments.server_process import free_port
from papi_etl import calendar, forms, synth
from papi_etl import collect as collect_module
from papi_etl.cli import context
from papi_etl.cli.main import main
from papi_etl.collect import collect
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import retry, schema
from papi_etl.workspace import open_workspace

BIN = Path("/usr/lib/postgresql/15/bin")
PLAN = load(DEFAULT_PLAN)
SEED = 461


class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder, owned by the `postgres` user."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="papi-pg-"))
        shutil.chown(self.root, "postgres")
        self.port = free_port()
        self.data = self.root / "data"
        self._pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE papi"))
        engine.dispose()

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(BIN / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def url(self, database: str = "papi") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "log")
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _admin(self, query: str) -> int:
        admin = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            found = connection.execute(text(query)).scalar_one()
        admin.dispose()
        return int(found)

    def terminate(self) -> int:
        """pg_terminate_backend on every client of the `papi` database; how many."""
        return self._admin(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = 'papi' AND pid <> pg_backend_pid()"
        )

    def waiting_to_insert(self, table: str) -> bool:
        """True when a client of `papi` waits on a lock to insert into `table`."""
        return (
            self._admin(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = 'papi' "
                f"AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO {table} %'"
            )
            > 0
        )

    def empty(self) -> None:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    if os.geteuid() != 0 or not (BIN / "initdb").exists():
        pytest.skip("needs root (to run initdb as postgres) and PostgreSQL 15's binaries")
    made = PrivateCluster()
    yield made
    made.remove()


@pytest.fixture
def pg(cluster: PrivateCluster) -> PrivateCluster:
    cluster.empty()
    return cluster


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """Every unit's report of every period, as JSON."""
    folder = tmp_path_factory.mktemp("inbox")
    plan = PLAN.plan
    reports = synth.build(plan, SEED, calendar.periods(plan), "json")
    synth.write(plan, reports, folder, "json", seed=SEED, clean=False)
    return folder


@pytest.fixture(scope="module")
def reference(inbox, tmp_path_factory) -> Snapshot:
    """What an uninterrupted collect of the inbox takes in (SQLite, in this process)."""
    folder = tmp_path_factory.mktemp("reference")
    url = f"sqlite:///{folder / 'papi.sqlite3'}"
    workspace = open_workspace(Settings(data_dir=folder, database_url=url), PLAN)
    collect(workspace.sessions, PLAN.plan, [InboxSource(inbox)], workspace.data_dir)
    workspace.sessions.kw["bind"].dispose()
    return take(url, folder)


def child_env(data_dir: Path, url: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    return kept | {"PAPI_DATA_DIR": str(data_dir), "PAPI_DATABASE_URL": url}


class Collecting:
    """`papi-etl collect` in a child process; counts the items it reports on stderr."""

    def __init__(self, inbox: Path, data_dir: Path, url: str) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "papi_etl", "collect", "--inbox", str(inbox)],
            env=child_env(data_dir, url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def items(self) -> int:
        return sum(1 for line in self.lines if line.startswith("  "))

    def wait_for(self, items: int) -> None:
        deadline = time.monotonic() + 120
        while self.items() < items and self.process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)

    def finish(self) -> tuple[int, str, str]:
        assert self.process.stdout is not None
        out = self.process.stdout.read()  # not communicate(): the reader owns stderr
        self.process.wait(180)
        self._reader.join(10)
        return self.process.returncode, out, "".join(self.lines)


@pytest.mark.reliability
def test_a_restart_and_a_terminated_backend_under_a_collect_are_retried(
    pg, inbox, reference, tmp_path
):
    data_dir = tmp_path / "data"
    run = Collecting(inbox, data_dir, pg.url())
    run.wait_for(30)
    pg.stop()
    time.sleep(1.0)  # the server is down for a second: connections are refused
    pg.start()
    run.wait_for(run.items() + 30)
    terminated = pg.terminate()

    code, _, err = run.finish()

    assert code == 0, err[-3000:]
    assert "Traceback" not in err
    retried = [line for line in err.splitlines() if "the store failed while taking in" in line]
    assert len(retried) >= 2, err[-3000:]  # the restart, then the terminated backend
    after = take(pg.url(), data_dir)
    assert complete(after, reference)
    record(
        "store faults",
        "PostgreSQL stopped for 1 s and started again (pg_ctl -m fast) under a running "
        "`papi-etl collect` of the whole district",
        1,
        "the item in flight rolled back and was retried until the server was back; the run "
        "completed, its store equal to an uninterrupted run's",
    )
    record(
        "store faults",
        "the collect's connection ended by pg_terminate_backend mid-run",
        terminated,
        f"retried on a new connection ({len(retried)} retries logged in all); nothing lost, "
        "duplicated or half-written",
    )


@pytest.mark.reliability
def test_a_store_down_longer_than_the_retries_fails_loudly_and_the_next_run_resumes(
    pg, inbox, reference, tmp_path, monkeypatch, capsys
):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    monkeypatch.setattr(retry, "WAITS", (0.1, 0.2))
    # Two files per transaction: the 40th commit falls in the middle of the inbox.
    monkeypatch.setattr(collect_module, "BATCH_ITEMS", 2)
    data_dir = tmp_path / "data"
    for name, value in child_env(data_dir, pg.url()).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["papi-etl", "collect", "--inbox", str(inbox)])
    context.settings.cache_clear()  # the command line reads its settings once per process
    commits = []

    def down_at_the_40th_commit(_connection) -> None:
        commits.append(1)
        if len(commits) == 40:
            pg.stop()  # the server goes down while this commit is on its way

    event.listen(Engine, "commit", down_at_the_40th_commit)
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        event.remove(Engine, "commit", down_at_the_40th_commit)
        pg.start()

    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert "Traceback" not in err
    assert "Cơ sở dữ liệu bị lỗi khi nhận tệp" in err and "(đã thử 3 lần)" in err
    assert "The store failed while taking in" in err and "Run the command again" in err
    after = take(pg.url(), data_dir)
    assert faults(after, reference, inbox_order(inbox)) == []
    assert 0 < len(after.taken) < len(reference.taken)

    with pytest.raises(SystemExit) as again:
        main()
    context.settings.cache_clear()

    assert again.value.code == 0
    final = take(pg.url(), data_dir)
    assert complete(final, reference)
    record(
        "store faults",
        "PostgreSQL down (stopped during a commit) for longer than the store's retries, "
        "under `papi-etl collect`",
        1,
        f"exit 2 with a VI/EN message, no traceback; {len(after.taken)} items before it kept "
        "whole, none half-written; the next run took in the rest",
    )


@pytest.mark.reliability
def test_two_runs_filing_the_same_units_next_version_at_once_both_land(pg, tmp_path):
    """A concurrent run (here: this test's own transaction) files AL's version 2 while
    `papi-etl collect` files another file of AL: the collect read version 1 as the last, its
    insert of version 2 fails on the unique version once the other commits, and is retried
    as v3."""
    plan = PLAN.plan
    period = calendar.period(plan, "2019-Q1")
    made = [r for r in synth.build(plan, SEED, [period], "json") if r.unit.code == "AL"]
    other = [r for r in synth.build(plan, SEED + 1, [period], "json") if r.unit.code == "AL"]
    third = [r for r in synth.build(plan, SEED + 2, [period], "json") if r.unit.code == "AL"]
    data_dir = tmp_path / "data"
    workspace = open_workspace(Settings(data_dir=data_dir, database_url=pg.url()), PLAN)
    arrived = made[0].arrival

    def received(report, name: str) -> Received:
        path = tmp_path / "made" / name
        forms.write(report.submission, "json", path, plan)
        return Received(path.read_bytes(), "inbox", f"AL/{name}", arrived, "AL")

    with workspace.sessions.begin() as session:
        ingest(session, plan, received(made[0], "AL-v1.json"), data_dir)
    inbox = tmp_path / "inbox"
    (inbox / "AL").mkdir(parents=True)
    forms.write(third[0].submission, "json", inbox / "AL" / "AL-collect.json", plan)
    os.utime(inbox / "AL" / "AL-collect.json", (arrived.timestamp(),) * 2)
    # The other run holds the table until the collect has read AL's last version (1) and
    # tries to insert its next; then it files its own version 2 and commits.
    concurrent = workspace.sessions()
    concurrent.begin()
    concurrent.execute(text("LOCK TABLE submissions IN SHARE MODE"))

    run = Collecting(inbox, data_dir, pg.url())
    deadline = time.monotonic() + 60
    while not pg.waiting_to_insert("submissions"):
        assert run.process.poll() is None and time.monotonic() < deadline, run.lines
        time.sleep(0.05)
    ingest(concurrent, plan, received(other[0], "AL-concurrent.json"), data_dir)
    concurrent.commit()
    concurrent.close()
    code, _, err = run.finish()

    assert code == 0, err
    assert "duplicate key value violates unique constraint" in err  # the conflict, retried
    with workspace.sessions() as session:
        chain = session.execute(
            select(
                schema.RawFile.original_name, schema.Submission.version, schema.Submission.status
            )
            .join(schema.RawFile, schema.RawFile.id == schema.Submission.raw_file_id)
            .where(schema.Submission.unit_code == "AL")
            .order_by(schema.Submission.version)
        ).all()
    assert [(name, version) for name, version, _ in chain] == [
        ("AL/AL-v1.json", 1),
        ("AL/AL-concurrent.json", 2),
        ("AL/AL-collect.json", 3),
    ]
    assert [status for *_, status in chain][:2] == ["superseded", "superseded"]
    assert take(pg.url(), data_dir).problems == ()
    workspace.sessions.kw["bind"].dispose()
    record(
        "store faults",
        "two runs filing the same unit's next version at once on PostgreSQL (READ COMMITTED): "
        "both read v1 as the last, the second's insert meets the first's committed v2",
        1,
        "retried in a new transaction: filed as version 3, the chain v1 -> v2 -> v3 intact "
        "(before the fix: IntegrityError, the run stopped)",
    )
