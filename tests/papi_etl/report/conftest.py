"""Fixtures of the report tests: a real store, built once per session (synthesis and
collection take seconds) and copied for each test that changes it; see report_store.py."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_store import Built, build, fill

from papi_etl.plan import LoadedPlan, load
from papi_etl.report import produce
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.workspace import Workspace, open_workspace


@pytest.fixture(scope="session")
def loaded() -> LoadedPlan:
    return load(DEFAULT_PLAN)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory, loaded: LoadedPlan) -> Path:
    """The data dir (SQLite store and archive) every copy starts from."""
    root = tmp_path_factory.mktemp("report-store")
    workspace = open_workspace(Settings(data_dir=root / "data"), loaded)
    fill(workspace, root / "inbox")
    workspace.sessions.kw["bind"].dispose()
    return root / "data"


@pytest.fixture
def workspace(template_dir: Path, tmp_path: Path, loaded: LoadedPlan) -> Iterator[Workspace]:
    """A private copy of the filled store."""
    data = tmp_path / "data"
    shutil.copytree(template_dir, data)
    opened = open_workspace(Settings(data_dir=data), loaded)
    yield opened
    opened.sessions.kw["bind"].dispose()


@pytest.fixture(scope="session")
def built(template_dir: Path, loaded: LoadedPlan) -> Built:
    """The metrics and content of the filled store (read only)."""
    workspace = open_workspace(Settings(data_dir=template_dir), loaded)
    with workspace.sessions() as session:
        result = build(session, loaded)
    workspace.sessions.kw["bind"].dispose()
    return result


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, built: Built) -> dict[str, Path]:
    """Every file of the built report, rendered once: role -> path."""
    folder = tmp_path_factory.mktemp("rendered")
    return produce.render(built.report, folder)
