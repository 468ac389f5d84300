"""A command that fails on a store it cannot reach never shows the password of its URL.

The demo run with every secret set (tests/e2e/test_demo_command.py) shows none in a run
that works; these are the failing runs: a PostgreSQL store that does not answer, and one
whose database does not exist, each seen through a command that creates the store and
one that only reads it.
"""

from __future__ import annotations

import base64
import urllib.parse

import pytest
from reliability_ledger import record

from deployments.server_process import free_port

pytestmark = pytest.mark.reliability
SECRET = "Mật-khẩu@kho/S3cr3t"


def _forms(secret: str) -> set[str]:
    return {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
    }


def _url(port: int, database: str) -> str:
    password = urllib.parse.quote(SECRET, safe="")
    return f"postgresql+psycopg://postgres:{password}@127.0.0.1:{port}/{database}"


@pytest.mark.parametrize(
    "where",
    [
        pytest.param((None, "papi"), id="no-server"),
        pytest.param((5432, "papi_khong_co"), id="no-database"),
    ],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["metrics", "--period", "2019-Q1"]])
def test_a_store_that_fails_never_shows_its_password(papi, where, command):
    port, database = where
    done = papi(*command, env={"PAPI_DATABASE_URL": _url(port or free_port(), database)})
    shown = done.out + done.err
    assert done.code == 2, shown
    assert "Traceback" not in shown
    assert "***" in shown or "127.0.0.1" in shown, "the message says which store failed"
    assert not {form for form in _forms(SECRET) if form in shown}, shown
    record(
        "secrets",
        f"PostgreSQL password in PAPI_DATABASE_URL, `papi-etl {' '.join(command)}` on "
        f"{'no server' if port is None else 'a database that does not exist'}",
        len(_forms(SECRET)),
        "exit 2 with a message naming the store, the password in none of its forms",
    )
