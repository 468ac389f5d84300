"""Crash safety of the store's creation: the first `papi-etl collect` on a new SQLite store
(migrations, then the plan copied in) SIGKILLed at seeded SQL statements, then opened again.

Timed kills (tests/papi_etl/test_collect_kills.py) seldom land in the ~0.1 s the migrations
take out of a ~1.5 s start-up, so here the child process arms a hook that SIGKILLs itself
just before its N-th SQL statement, N drawn over the statements an uninterrupted start-up
runs. It is the real command in a real process, killed by the real signal; only the moment
is chosen by count instead of by clock. This found that Python's sqlite3 ran CREATE TABLE
outside the migration's transaction (fixed in papi_etl.store.database).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_ledger import record
from sqlalchemy import inspect

from papi_etl.store import database
from papi_etl.store.schema import Base

KILLS = int(os.environ.get("PAPI_KILL_POINTS_STORE", "6"))
SEED = 461

# Counts the SQL statements of every engine; SIGKILLs the process before number
# PAPI_TEST_KILL_AT (0: never), and prints the count when it ends by itself.
HOOK = """
import atexit, os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
limit, seen = int(os.environ["PAPI_TEST_KILL_AT"]), [0]
@event.listens_for(Engine, "before_cursor_execute")
def count(*_):
    seen[0] += 1
    if seen[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
atexit.register(lambda: sys.stderr.write(f"statements: {seen[0]}\\n"))
sys.argv = ["papi-etl", *sys.argv[1:]]
from papi_etl.cli.main import main
main()
"""


def start_up(folder: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env |= {"PAPI_DATA_DIR": str(folder), "PAPI_TEST_KILL_AT": str(kill_at)}
    (folder / "inbox").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", HOOK, "collect", "--json"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.mark.reliability
def test_a_store_killed_while_it_is_made_opens_and_completes_next_time(tmp_path):
    counted = start_up(tmp_path / "count", 0)
    assert counted.returncode == 0, counted.stderr
    statements = int(counted.stderr.rsplit("statements: ", 1)[1])
    rng = random.Random(SEED)
    points = sorted(rng.sample(range(1, statements + 1), KILLS))
    for number, point in enumerate(points):
        folder = tmp_path / f"kill-{number}"

        killed = start_up(folder, point)

        assert killed.returncode == -9, (point, killed.stderr[-1000:])
        url = f"sqlite:///{folder / 'papi.sqlite3'}"
        assert database.upgrade(url) == database.head_revision(), point
        again = start_up(folder, 0) if number == 0 else None
        assert again is None or again.returncode == 0, again.stderr
        engine = database.connect(url)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names()), point
        engine.dispose()
    record(
        "crash safety",
        "the first `papi-etl collect` on a new SQLite store SIGKILLed before its N-th SQL "
        f"statement (migrations, plan sync; N drawn over {statements}, seed {SEED})",
        KILLS,
        "the store opened and migrated to head every time (before the fix, a kill during the "
        "migration left tables without alembic_version and the store could not be opened)",
    )
