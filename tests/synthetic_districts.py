"""Synthetic districts of one store with their reports taken in, for the tests of work done
on several districts at once. Imported by name (`from synthetic_districts import ...`), as
`databases_for_tests` is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from papi_etl import calendar, forms
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.plan.model import Plan
from papi_etl.settings import Settings
from papi_etl.sources.base import Received
from papi_etl.synth import DEFAULT_SEED, build, districts
from papi_etl.workspace import Workspace, open_workspace


def ingested_districts(
    plan: Plan,
    root: Path,
    database_url: str,
    wards: Sequence[int],
    periods: Sequence[str],
    silent: Sequence[int] = (),
) -> list[Workspace]:
    """A district copy of `plan` per entry of `wards` (that many wards each) in one store,
    each with its seeded mix of late, missing and erroneous reports for `periods` taken in
    as collect takes them in (not validated); the districts at the positions `silent` (in
    `wards`) sent nothing at all."""
    settings = Settings(data_dir=root / "data", database_url=database_url)
    workspaces = []
    for number, count in enumerate(wards, start=1):
        district = districts.district_plan(plan, number, wards=count)
        path = districts.write_plan(district, plan, root / f"{district.id}.yaml")
        workspaces.append(open_workspace(settings, load(path)))
    for number, workspace in enumerate(workspaces):
        if number in silent:
            continue
        wanted = [calendar.period(workspace.plan, code) for code in periods]
        reports = build(workspace.plan, DEFAULT_SEED + number, wanted, "json")
        with workspace.sessions.begin() as session:
            for report in reports:
                if report.submission is None:
                    continue
                name = f"{report.unit.code}_{report.period.code}.json"
                path = root / workspace.plan.id / name
                forms.write(report.submission, "json", path, workspace.plan)
                item = Received(
                    path.read_bytes(), "inbox", path.name, report.arrival, report.unit.code
                )
                ingest(session, workspace.plan, item, workspace.data_dir)
    return workspaces
