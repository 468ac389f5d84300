"""What every task shares: the retry rule and the workspace the flow opened."""

from __future__ import annotations

from typing import Any

from prefect import Task
from prefect.client.schemas.objects import TaskRun
from prefect.states import State

from papi_etl.errors import is_domain_error


def retry_unless_domain_error(_task: Task[Any, Any], _run: TaskRun, state: State) -> bool:
    """Retry infrastructure faults (a connection reset, a locked database), never ours:
    a broken plan or an unreadable file does not heal by trying again."""
    try:
        state.result()
    except Exception as error:  # the state's own exception, re-raised to be looked at
        return not is_domain_error(error)
    return False
