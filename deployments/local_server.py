"""Running flows in a command's own process (`papi-etl run`, `papi-etl demo`).

With no PREFECT_API_URL, the first flow call starts a temporary local server: ~10 s on a
fresh PREFECT_HOME, mostly its imports and database migrations, and more on a busy machine.
The demo starts that same server itself, in a child process, before it writes its
synthetic files, and waits for it only before the first flow call.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deployments.server_process import PrefectServer


def start_in_background() -> PrefectServer | None:
    """Launch the temporary server and point PREFECT_API_URL at it (None when
    PREFECT_API_URL already names one); call its `wait` before the first flow call. Call
    before Prefect is imported in this process: Prefect reads PREFECT_API_URL when it is
    imported. It is stopped when the process exits, after Prefect has sent its last logs
    and events (its workers drain before `atexit` hooks run)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    server = PrefectServer(
        Path(os.environ.get("PREFECT_HOME", ".")),
        timeout=float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120)),
        temporary=True,
    ).launch()
    os.environ["PREFECT_API_URL"] = f"{server.url}/api"
    atexit.register(server.stop)
    return server


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
