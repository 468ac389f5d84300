"""A command that only reads the store, run where there is none yet, says so (exit 2)
instead of making an empty store and reporting every unit missing; on SQLite (no file)
and PostgreSQL (a database without the schema)."""

from __future__ import annotations

import pytest
from reliability_ledger import record
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from papi_etl.cli import context
from papi_etl.cli.main import app
from papi_etl.errors import StoreMissingError

READERS = [
    ["metrics", "--period", "2019-Q1"],
    ["report", "--period", "2019-Q1"],
    ["findings"],
    ["push", "--period", "2019-Q1"],
    ["steward", "accept", "1", "--finding", "1", "--reason", "Đúng", "--by", "Bình"],
]


@pytest.fixture
def nowhere(tmp_path, database_url, monkeypatch):
    """The settings of a store that does not exist yet: a data dir never made (SQLite), or
    an empty PostgreSQL database."""
    for name in ("PAPI_DATABASE_URL", "PAPI_PLAN", "PAPI_SMTP_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAPI_DATA_DIR", str(tmp_path / "papi-data"))
    monkeypatch.setenv("PAPI_PUSH_URL", "http://127.0.0.1:9/reports")
    monkeypatch.setenv("PAPI_PUSH_TOKEN", "token")
    if database_url.startswith("postgresql"):
        monkeypatch.setenv("PAPI_DATABASE_URL", database_url)
    context.settings.cache_clear()
    yield tmp_path / "papi-data", database_url
    context.settings.cache_clear()


@pytest.mark.reliability
def test_reading_commands_refuse_a_store_that_does_not_exist(nowhere):
    data_dir, url = nowhere
    for words in READERS:
        result = CliRunner().invoke(app, words)
        assert isinstance(result.exception, StoreMissingError), (words, result.output)
        said = str(result.exception)
        assert said.startswith("Chưa có cơ sở dữ liệu tại ")
        assert "papi-etl db upgrade" in said and "PAPI_DATA_DIR" in said
        assert "There is no store at " in said
    assert not data_dir.exists(), "nothing was created"
    if url.startswith("postgresql"):
        engine = create_engine(url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
    backend = url.split(":")[0].split("+")[0]
    record(
        "store",
        f"{len(READERS)} reading commands on no store ({backend})",
        len(READERS),
        "exit 2, nothing created",
    )


def test_the_entry_point_exits_2_and_db_upgrade_then_makes_the_store(papi, tmp_path, monkeypatch):
    missing = papi("metrics", "--period", "2019-Q1")
    assert missing.code == 2 and missing.out == ""
    assert missing.err.startswith("Chưa có cơ sở dữ liệu tại sqlite:///")
    assert "Traceback" not in missing.err and not (tmp_path / "papi-data").exists()
    # What the message says to do, done (in this process: the same commands, faster).
    monkeypatch.setenv("PAPI_DATA_DIR", str(tmp_path / "papi-data"))
    monkeypatch.delenv("PAPI_DATABASE_URL", raising=False)
    context.settings.cache_clear()
    try:
        assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
        made = CliRunner().invoke(app, ["findings"])
    finally:
        context.settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("Không có lỗi nào chưa xử lý.")
