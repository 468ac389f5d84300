"""Running flows in a command's own process (`papi-etl run`, `papi-etl demo`).

With no PREFECT_API_URL, the first flow call starts a temporary local server: ~10 s on a
fresh PREFECT_HOME, mostly its imports and database migrations, and more on a busy machine.
The demo starts that same server itself, in a child process, before it writes its
synthetic files, and waits for it only before the first flow call.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from deployments.server_process import free_port, healthy
from papi_etl.errors import ConfigurationError

if TYPE_CHECKING:
    from fastapi import FastAPI


def app() -> FastAPI:
    """The temporary server's application (uvicorn factory): Prefect's API with only the
    services a temporary server runs, and no UI (`papi-etl ui` serves it)."""
    from prefect.server.api.server import create_app

    return create_app(ephemeral=True, final=True)


class LocalServer:
    """Prefect's temporary server in a child process; PREFECT_API_URL points this process
    at it.

    It is what a lone flow call would start (`prefect.server.api.server.
    SubprocessASGIServer`), launched without importing Prefect's server package into this
    process first: that import costs ~4 s of CPU, which the synthetic files being written
    meanwhile would wait for. Stopped when the process exits, after Prefect has sent its
    last logs and events (its workers drain before `atexit` hooks run).
    """

    def __init__(self) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        # Its output goes to a file, not the terminal: a request cut short when it stops at
        # exit is logged with a traceback that the person running the demo need not see.
        home = Path(os.environ.get("PREFECT_HOME", "."))
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "local-server.log"
        with self.log.open("ab") as log:
            self.process = self._start(log)
        os.environ["PREFECT_API_URL"] = f"{self.url}/api"
        atexit.register(self.stop)

    def _start(self, log: BinaryIO) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"{__name__}:app",
                "--host",
                "127.0.0.1",
                "--port",
                self.url.rsplit(":", 1)[1],
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={**os.environ, "PREFECT_UI_ENABLED": "0"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        """Return once the server answers; raise ConfigurationError if it did not start
        within PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS."""
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if healthy(self.url):
                return
            time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ConfigurationError(
            f"Prefect's local server did not start on {self.url} within {timeout:.0f} s "
            "(raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS on a busy machine); "
            f"its log, {self.log}, ends with:\n{tail}",
            f"Máy chủ Prefect cục bộ không khởi động được tại {self.url} sau {timeout:.0f} s.",
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_in_background() -> LocalServer | None:
    """Start the temporary server (None when PREFECT_API_URL names one); call its `wait`
    before the first flow call. Call before Prefect is imported in this process: Prefect
    reads PREFECT_API_URL when it is imported."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    return LocalServer()


@contextmanager
def foreground() -> Iterator[None]:
    """Flow runs without heartbeats, for flows called in the command's own process.

    A heartbeat lets the server mark a run crashed when the worker running a deployment
    dies; here the person who typed the command sees it die. And every flow run waits, when
    it ends, for its heartbeat thread to wake from its 1-second sleep: ~0.5 s per flow run,
    ~15 s over the demo's 32. Deployments (`papi-etl serve`) keep Prefect's default.
    """
    from prefect.settings import temporary_settings

    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield
