"""The operator's view, for real: a Prefect server, one period run against it, and the UI
opened in headless Chromium (Debian's `chromium`; `.ci/run` installs it when missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deployments.server_process import PrefectServer

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    with PrefectServer(tmp_path_factory.mktemp("prefect-home"), timeout=120) as server:
        yield server.url


def _papi(*args: str, data_dir: Path, api: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PAPI_")},
        "PAPI_DATA_DIR": str(data_dir),
        "PREFECT_API_URL": f"{api}/api",
    }
    return subprocess.run(
        [sys.executable, "-m", "papi_etl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _rendered(url: str, profile: Path, wanted: str, screenshot: Path | None = None) -> str:
    """The page's DOM once it shows `wanted`, or after the third try: the UI fills a page
    from API calls that `--virtual-time-budget` does not always wait for on a busy machine
    (seen: the artifacts page dumped before its list arrived)."""
    assert CHROMIUM, "Debian's chromium is not installed (apt-get install chromium)"
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1440,900",
        "--virtual-time-budget=120000",
    ]
    if screenshot is not None:
        subprocess.run(
            [*flags, f"--screenshot={screenshot}", url], capture_output=True, timeout=120
        )
    dom = ""
    for _ in range(3):
        done = subprocess.run(
            [*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120
        )
        dom = done.stdout
        if wanted in dom:
            break
    return dom


def test_the_ui_shows_the_period_runs_and_the_reporting_status(prefect_server, tmp_path):
    data_dir = tmp_path / "data"
    made = _papi(
        "synth",
        "--period",
        "2019-Q1",
        "--format",
        "json",
        "-o",
        str(data_dir / "inbox"),
        data_dir=data_dir,
        api=prefect_server,
    )
    assert made.returncode == 0, made.stderr
    ran = _papi("run", "--period", "2019-Q1", data_dir=data_dir, api=prefect_server)
    assert ran.returncode == 0, ran.stderr[-3000:]
    runs = _rendered(
        f"{prefect_server}/runs", tmp_path / "chromium-runs", "run 2019-Q1", tmp_path / "runs.png"
    )
    assert "run 2019-Q1" in runs
    assert "collect 2019-Q1" in runs or "validate 2019-Q1" in runs
    key = "reporting-status-binh-tan-461-2018-2019-q1"
    artifacts = _rendered(f"{prefect_server}/artifacts", tmp_path / "chromium-artifacts", key)
    assert key in artifacts
    assert (tmp_path / "runs.png").stat().st_size > 10_000
