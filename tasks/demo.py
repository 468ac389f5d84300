"""The demo's synthetic units and steward dealing with the failed reports."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NONE

from papi_etl.synth.corrections import Corrections, correct
from papi_etl.workspace import Workspace


@task(name="demo-corrections", task_run_name="corrections {period}", cache_policy=NONE)
def corrections(workspace: Workspace, period: str, inbox: Path, seed: int) -> Corrections:
    done = correct(workspace.sessions, workspace.plan, period, inbox, seed)
    get_run_logger().info(
        "%s: corrected versions from %s; exceptions accepted for %s",
        period,
        ", ".join(done.resubmitted) or "-",
        ", ".join(done.accepted) or "-",
    )
    return done
