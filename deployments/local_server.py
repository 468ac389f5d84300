"""Starting Prefect's temporary local server early, while other work goes on.

With no PREFECT_API_URL, the first flow call starts a local server: 15-30 s on a fresh
PREFECT_HOME, mostly its database migrations. The demo starts it in a thread before it
generates its synthetic files and waits for it before the first flow.
"""

from __future__ import annotations

import os
import threading


def start_in_background() -> threading.Thread | None:
    """Start the temporary server in a thread (None when a server is configured); join the
    thread before the first flow call, or a second server could be started."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    server = SubprocessASGIServer()
    thread = threading.Thread(
        target=server.start,
        kwargs={"timeout": PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()},
        name="prefect-local-server",
        daemon=True,
    )
    thread.start()
    return thread
