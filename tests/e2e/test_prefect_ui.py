"""The operator's view, for real: a Prefect server, one period run against it, and the UI
opened in headless Chromium (Debian's `chromium`; `.ci/run` installs it when missing)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen(
        [str(prefect), "server", "start"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(1)
    else:
        server.terminate()
        pytest.fail("the Prefect server did not answer within 120 s")
    yield url
    server.terminate()
    server.wait(timeout=30)


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


def _rendered(url: str, profile: Path, screenshot: Path | None = None) -> str:
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
    done = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    return done.stdout


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
    runs = _rendered(f"{prefect_server}/runs", tmp_path / "chromium-runs", tmp_path / "runs.png")
    assert "run 2019-Q1" in runs
    assert "collect 2019-Q1" in runs or "validate 2019-Q1" in runs
    artifacts = _rendered(f"{prefect_server}/artifacts", tmp_path / "chromium-artifacts")
    assert "reporting-status-2019-q1" in artifacts
    assert (tmp_path / "runs.png").stat().st_size > 10_000
