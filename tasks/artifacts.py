"""What the operator sees in the Prefect UI, under stable keys (the latest is one click away).

Keys are per plan and period, so that the districts sharing a Prefect server never
overwrite each other's: `reporting-status-binh-tan-461-2018-2019-q1`, ...
"""

from __future__ import annotations

import re

from prefect import task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NONE

from papi_etl import reporting_status
from papi_etl.metrics.rollup import RollUp
from papi_etl.reminders import open_findings_count
from papi_etl.report import rollup as rollup_files
from papi_etl.report.produce import ProducedReport
from papi_etl.store.schema import SubmissionStatus
from papi_etl.workspace import Workspace

DOCUMENTS = (("docx", "Báo cáo (DOCX)"), ("pdf", "Báo cáo (PDF)"), ("xlsx", "Phụ lục (XLSX)"))


def key(kind: str, plan_id: str, period: str) -> str:
    """An artifact key: lowercase letters, digits and dashes, as Prefect wants them."""
    return re.sub(r"[^a-z0-9-]", "-", f"{kind}-{plan_id}-{period}".lower())


class Progress:
    """A progress artifact moved forward as a task works through the units."""

    def __init__(self, kind: str, plan_id: str, period: str, total: int, description: str) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.shown = 0.0
        self.id = create_progress_artifact(
            progress=0.0, key=key(kind, plan_id, period), description=description
        )

    def step(self, count: int = 1) -> None:
        """Count work done; the artifact moves in steps of a fifth: each move is an API call
        the task waits for, and the district's 26 units in steps of 5 % took 13 of them."""
        self.done += count
        progress = min(100.0, 100.0 * self.done / self.total)
        if progress - self.shown >= 20.0:
            update_progress_artifact(self.id, progress=progress)
            self.shown = progress

    def finish(self) -> None:
        update_progress_artifact(self.id, progress=100.0)


@task(name="reporting-status-artifact", cache_policy=NONE)
def reporting_status_table(workspace: Workspace, period: str) -> list[dict[str, object]]:
    """Every unit that owes a report: received, on time, status (in Vietnamese), open
    findings."""
    with workspace.sessions() as session:
        units = reporting_status.of_period(session, workspace.plan, period)
        findings = open_findings_count(session, workspace.plan, period)
    table = [
        {
            "Đơn vị / unit": u.unit,
            "Tên / name": u.name,
            "Đã nộp / received": "có" if u.received else "chưa",
            "Đúng hạn / on time": {True: "có", False: "trễ", None: ""}[u.on_time],
            "Trạng thái / status": SubmissionStatus(u.status).label_vi if u.status else "",
            "Phiên bản / version": u.version or "",
            "Lỗi chưa xử lý / open findings": findings.get(u.unit, 0),
        }
        for u in units
    ]
    create_table_artifact(
        table=table,
        key=key("reporting-status", workspace.plan.id, period),
        description=f"Tình trạng báo cáo của các đơn vị, kỳ {period} / reporting status",
    )
    return table


@task(name="markdown-artifact", cache_policy=NONE)
def markdown(kind: str, plan_id: str, period: str, text: str, description: str) -> None:
    create_markdown_artifact(markdown=text, key=key(kind, plan_id, period), description=description)


@task(name="link-artifact", cache_policy=NONE)
def link(kind: str, plan_id: str, period: str, target: str, text: str) -> None:
    create_link_artifact(
        link=target, link_text=text, key=key(kind, plan_id, period), description=text
    )


@task(name="report-artifacts", task_run_name="report artifacts {period}", cache_policy=NONE)
def report(period: str, produced: ProducedReport) -> None:
    """The report's summary and a link to each of its documents, in one task run: a task
    run costs the server more writes than the artifact it makes."""
    summary = produced.paths.get("md")
    if summary is not None:
        create_markdown_artifact(
            markdown=summary.read_text(encoding="utf-8"),
            key=key("report-summary", produced.plan_id, period),
            description="Tóm tắt báo cáo",
        )
    for role, label in DOCUMENTS:
        if role in produced.paths:
            create_link_artifact(
                link=produced.paths[role].resolve().as_uri(),
                link_text=label,
                key=key(f"report-{role}", produced.plan_id, period),
                description=label,
            )


@task(name="roll-up-artifact", cache_policy=NONE)
def roll_up_table(rolled: RollUp) -> None:
    """The children ranked, with their reporting and implementation index."""
    create_table_artifact(
        table=[
            {label: "" if row[key] is None else row[key] for key, label in rollup_files.COLUMNS}
            for row in rollup_files.ranking(rolled)
        ],
        key=key("roll-up", rolled.plan_id, rolled.period_code),
        description=f"Tổng hợp từ các kế hoạch cấp dưới, kỳ {rolled.period_code} / roll-up",
    )
