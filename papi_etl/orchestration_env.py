"""The environment Prefect must start in, set before Prefect is first imported.

Offline, Prefect's server tries to send telemetry on every start and logs an error, and its
UI shows promotional content; and by default it keeps its state in ~/.prefect, where an
operator would never look for the district's runs. Defaults only: an operator's own
PREFECT_* settings (a production server in PREFECT_API_URL) win.
"""

from __future__ import annotations

import os

from papi_etl.settings import Settings


def prepare(settings: Settings) -> None:
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_HOME": str((settings.data_dir / "prefect").resolve()),
        # The district's runs are few; results need not outlive the process that made them.
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        # Logs go to the API in batches every 2 s by default, and every flow run waits for
        # its last batch when it ends: a shorter interval shortens every sub-flow.
        "PREFECT_LOGGING_TO_API_BATCH_INTERVAL": "0.25",
        # The local server's SQLite has one writer at a time. By default the server records
        # each task run's state change in a transaction of its own; a flow run or sub-flow
        # created meanwhile finds the database locked, gets a 503 and its client retries
        # 2 s later. Recording them in batches, at least every second, leaves the gaps.
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "50",
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
