"""A whole district period through the store: synthetic reports of every unit, with the
seeded mix of mistakes, stored as collect stores them, then validated in one run. Each
injected mistake is found by its rule, and a report without one (most of them: the clean
synthetic reports) has no finding."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select
from synthetic_districts import ingested_districts

import expectations
from expectations.period import validate_period, validate_periods
from papi_etl import calendar, forms
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.store.schema import Finding
from papi_etl.synth import DEFAULT_SEED, ErrorKind, build
from papi_etl.validation import frames
from papi_etl.workspace import open_workspace

RULE_OF = {
    ErrorKind.MISSING_EVIDENCE: "evidence_required",
    ErrorKind.OUT_OF_RANGE: "value_at_most_max",
    ErrorKind.NOT_A_NUMBER: "value_is_number",
    ErrorKind.MISSING_TASK: "task_missing",
    ErrorKind.CUMULATIVE_DECREASE: "cumulative_not_decreasing",
}


def _stored(tmp_path, reports):
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'papi.sqlite3'}"
    )
    workspace = open_workspace(settings, load(DEFAULT_PLAN))
    ids = {}
    with workspace.sessions.begin() as session:
        for report in reports:
            if report.submission is None:
                continue
            path = tmp_path / "files" / f"{report.unit.code}_{report.period.code}.json"
            forms.write(report.submission, "json", path, workspace.plan)
            item = Received(path.read_bytes(), "inbox", path.name, report.arrival, report.unit.code)
            done = ingest(session, workspace.plan, item, workspace.data_dir)
            ids[(report.unit.code, report.period.code)] = done.submission_id
    return workspace, ids


@pytest.fixture(scope="module")
def year(plan, tmp_path_factory):
    """2019-Q1 and 2019-6M of every unit, stored; the 6M period validated from the store."""
    periods = [calendar.period(plan, "2019-Q1"), calendar.period(plan, "2019-6M")]
    reports = build(plan, DEFAULT_SEED, periods, "json")
    workspace, ids = _stored(tmp_path_factory.mktemp("year"), reports)
    started = time.perf_counter()
    with workspace.sessions() as session:
        half = frames.of_period(session, plan, "2019-6M")
    findings = expectations.validate(half, periods[1])
    elapsed = time.perf_counter() - started
    return [r for r in reports if r.period.code == "2019-6M"], ids, half, findings, elapsed


def test_every_injected_mistake_is_found_by_its_rule_and_nothing_else(year):
    reports, ids, _, findings, _ = year
    sent = [r for r in reports if r.submission is not None]
    assert any(r.errors for r in sent)
    for report in sent:
        sid = ids[(report.unit.code, report.period.code)]
        got = sorted(
            (f.rule, f.field if f.row == 0 else (f.value or ""))
            for f in findings
            if f.submission_id == sid
        )
        wanted = []
        for error in report.errors:
            rule = RULE_OF[error.kind]
            if error.kind is ErrorKind.MISSING_TASK:
                wanted.append((rule, error.task))
            elif error.kind is ErrorKind.MISSING_EVIDENCE:
                wanted.append((rule, ""))
            elif error.kind is ErrorKind.NOT_A_NUMBER:
                # The finding shows what was typed, even beside a note of the unit's.
                row = next(
                    x for x in report.submission.indicators if x.indicator == error.indicator
                )
                wanted.append((rule, row.value_text))
            else:
                value = error.value
                shown = value if isinstance(value, str) else forms.numbers.format_number(value)
                wanted.append((rule, shown))
        assert got == sorted(wanted), report.unit.code


def test_the_whole_period_is_validated_in_a_few_seconds(year):
    _, _, half, _, elapsed = year
    assert len(half.submission_ids) >= 20
    assert elapsed < 10, f"{elapsed:.1f} s for {len(half.tasks) + len(half.indicators)} rows"


def _findings_table(session):
    rows = session.execute(
        select(
            Finding.submission_id, Finding.sheet, Finding.row, Finding.field, Finding.rule,
            Finding.state, Finding.message_vi,
        ).order_by(Finding.id)
    )  # fmt: skip
    return [tuple(r) for r in rows]


def test_districts_validated_together_find_what_each_finds_alone(plan, tmp_path, runs):
    """A city's districts in one run per suite: each submission gets exactly the findings
    and status it gets when its district is validated alone (the cumulative rule reading
    the district's own previous period, not a namesake unit's of another district)."""
    url = f"sqlite:///{tmp_path / 'papi.sqlite3'}"
    workspaces = ingested_districts(plan, tmp_path, url, (3, 3), ("2019-Q1", "2019-6M"))
    sessions = workspaces[0].sessions
    alone = {w.plan.id: validate_period(sessions, w.plan, "2019-6M") for w in workspaces}
    with sessions() as session:
        recorded = _findings_table(session)
    runs["suites"] = 0
    together = validate_periods(sessions, [w.plan for w in workspaces], "2019-6M")
    assert runs == {"suites": 2}
    assert together == alone
    assert all(result.findings for result in alone.values())
    with sessions() as session:
        assert _findings_table(session) == recorded
