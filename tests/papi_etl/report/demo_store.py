"""A store as `papi-etl demo` leaves it, for the periods the acceptance tests read.

The demo's synthetic reports (its seed, with late, missing and erroneous ones) of 2018-Y,
2019-Q1 and 2019-Y are collected and validated by the real GX suites; the units then
resubmit or the steward accepts exceptions as in the demo (`synth.corrections`), and the
corrected versions are validated again. No Prefect: the same library calls the flows make.
"""

from __future__ import annotations

from pathlib import Path

from expectations.period import validate_period
from papi_etl import calendar, synth
from papi_etl.collect import collect
from papi_etl.plan import LoadedPlan
from papi_etl.settings import Settings
from papi_etl.sources.inbox import InboxSource
from papi_etl.synth.corrections import correct
from papi_etl.workspace import Workspace, open_workspace

DEMO_SEED = 461  # flows.demo's default
PERIODS = ("2018-Y", "2019-Q1", "2019-Y")


def fill(root: Path, loaded: LoadedPlan) -> Workspace:
    """The demo's store of PERIODS under `root` (data dir `root/data`)."""
    workspace = open_workspace(Settings(data_dir=root / "data"), loaded)
    plan, inbox = workspace.plan, root / "inbox"
    periods = [calendar.period(plan, code) for code in PERIODS]
    reports = synth.build(plan, DEMO_SEED, periods, "json")
    synth.write(plan, reports, inbox, "json", seed=DEMO_SEED, clean=False)
    sources = [InboxSource(inbox)]
    collect(workspace.sessions, plan, sources, workspace.data_dir)
    for period in PERIODS:
        validate_period(workspace.sessions, plan, period)
        correct(workspace.sessions, plan, period, inbox, DEMO_SEED)
    collect(workspace.sessions, plan, sources, workspace.data_dir)
    for period in PERIODS:
        validate_period(workspace.sessions, plan, period)
    return workspace
