"""One Prefect test server for the flow tests (starting one costs ~10 s)."""

from __future__ import annotations

import pytest

from papi_etl.orchestration_env import prepare
from papi_etl.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def prefect_server(tmp_path_factory):
    prepare(Settings(data_dir=tmp_path_factory.mktemp("prefect-data")))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh PAPI_DATA_DIR (and its SQLite store) that the flows' Settings pick up."""
    monkeypatch.setenv("PAPI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PAPI_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAPI_HTTP_SOURCE_URL", raising=False)
    return tmp_path / "data"
