"""A standalone Prefect server (`prefect server start`) in a child process.

`serve` needs a server that outlives a flow run and runs its services (the triggers that
start the intake on a dropped file, the schedules): with no PREFECT_API_URL, it starts
`prefect server start` on the data dir's Prefect state, so the operator's UI shows the same
runs as `papi-etl ui`. `run` and `demo` start the temporary kind (see `local_server.py`);
benchmarks and end-to-end tests start either the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from papi_etl.errors import ConfigurationError

if TYPE_CHECKING:
    from fastapi import FastAPI

QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    "DO_NOT_TRACK": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """True when a Prefect server answers at `url` (its root, not its `/api`)."""
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def require(api_url: str) -> None:
    """Refuse to start on a PREFECT_API_URL where no server answers, with what to do."""
    if not healthy(api_url.rstrip("/").removesuffix("/api")):
        raise ConfigurationError(
            f"No Prefect server answers at PREFECT_API_URL={api_url}: start it "
            "(prefect server start) or unset PREFECT_API_URL to let serve start its own.",
            f"Không kết nối được máy chủ Prefect tại {api_url}: hãy khởi động máy chủ, hoặc "
            "bỏ biến PREFECT_API_URL để lệnh serve tự khởi động máy chủ cục bộ.",
        )


class PrefectServer:
    """`with PrefectServer(home) as server:` → `server.url` answers, or a clear error.

    `prefect server start` (the UI and every server service: the scheduler, the triggers)
    by default; with `temporary`, what a lone flow call would start (Prefect's API with only
    the services a temporary server runs, no UI), for `run` and `demo`. `launch` returns at
    once, so the caller can work while the server starts; `wait` blocks until it answers.
    The server's output goes to a log file in `home`, not the terminal: a request cut short
    when it is stopped is logged with a traceback nobody needs to see.
    """

    def __init__(
        self,
        home: Path,
        port: int | None = None,
        host: str = "127.0.0.1",
        timeout: float = 180,
        temporary: bool = False,
    ) -> None:
        self.home = home
        self.host = host
        self.port = port or free_port()
        self.timeout = timeout
        self.temporary = temporary
        self.url = f"http://{host}:{self.port}"
        self.log = home / ("local-server.log" if temporary else "server.log")
        self._process: subprocess.Popen[bytes] | None = None

    def _command(self) -> list[str]:
        if not self.temporary:
            return [str(Path(sys.executable).with_name("prefect")), "server", "start"]
        return [
            sys.executable, "-m", "uvicorn", "--factory", f"{__name__}:temporary_app",
            "--host", self.host, "--port", str(self.port), "--log-level", "error",
            "--lifespan", "on",
        ]  # fmt: skip

    def launch(self) -> PrefectServer:
        if healthy(self.url):
            raise ConfigurationError(
                f"A server already answers on {self.url}: set PREFECT_API_URL={self.url}/api "
                "to use it, or choose another port.",
                f"Đã có máy chủ chạy tại {self.url}: đặt PREFECT_API_URL={self.url}/api để "
                "dùng máy chủ đó, hoặc chọn cổng khác.",
            )
        self.home.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **QUIET,
            "PREFECT_HOME": str(self.home),
            "PREFECT_SERVER_API_HOST": self.host,
            "PREFECT_SERVER_API_PORT": str(self.port),
        }
        env.pop("PREFECT_API_URL", None)
        if self.temporary:
            env["PREFECT_UI_ENABLED"] = "0"
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                self._command(),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Out of the terminal's process group: Ctrl+C stops `serve`, which pauses
                # its schedules through this server and only then stops it.
                start_new_session=True,
            )
        return self

    def wait(self) -> PrefectServer:
        assert self._process is not None, "launch() first"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if healthy(self.url):
                return self
            if self._process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ConfigurationError(
            f"The Prefect server did not start on {self.url} within {self.timeout:.0f} s "
            f"(a busy machine: raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); its "
            f"log, {self.log}, ends with:\n{tail}",
            f"Không khởi động được máy chủ Prefect tại {self.url} (xem {self.log}).",
        )

    def start(self) -> PrefectServer:
        """Launch and wait; stopped again if the wait is cut short (Ctrl+C, SIGTERM, see
        `papi_etl.cli.main`): `with PrefectServer(...)` calls `__exit__` only once `start`
        has returned, and a server left running would keep its port."""
        self.launch()
        try:
            return self.wait()
        except BaseException:
            self.stop()
            raise

    def join(self) -> int:
        """Block until the server stops; its exit status."""
        assert self._process is not None, "launch() first"
        return self._process.wait()

    def stop(self) -> None:
        """Stop the server and whatever it started: it leads its own process group."""
        if self._process is not None and self._process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self._process.wait()

    def _signal(self, signum: int) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.killpg(self._process.pid, signum)

    def __enter__(self) -> PrefectServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def temporary_app() -> FastAPI:
    """The temporary server's application (a uvicorn factory), imported in its own process:
    importing Prefect's server package costs ~4 s of CPU that the caller need not pay."""
    from prefect.server.api.server import create_app

    return create_app(ephemeral=True, final=True)
