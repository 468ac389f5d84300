"""Producing a period's consolidated report: metrics, content, files, and its `reports` row.

Versioning rule. A report's identity is the sha256 of its content (`content.fingerprint`:
canonical JSON of what it says, without version, date or list of changes), never of its
files, which embed timestamps. Then:

- the content equals the LATEST version's: that version is returned and nothing is
  rendered (if its files have gone missing, they are rendered again, same version); when
  the caller asks for the files in another folder than the version's (`report -o DIR`),
  the version's files are copied there, byte for byte, and the row still names its own;
- otherwise a new version is made (1, 2, ...), even when the content goes back to an
  older version's: the latest version is what the district last said;
- a new version is `supplementary` ("BÁO CÁO BỔ SUNG") when an earlier version of the
  period was delivered (a `deliveries` row in state `delivered`); it then lists what
  changed since the last delivered version, whose key figures are read from its JSON file.

Files go to `<out_dir>/<period>/v<version>/` (`bao-cao-papi-2019-Q1-v1.docx`, `.pdf`,
`.xlsx`, `.md`, `.html`, `.json` and the charts' `.png`). They are rendered into a temporary
folder, which is moved into place once the row is flushed, so that a failed run leaves no
half-written version behind. The row is added in the caller's transaction: the caller
commits. Of two runs racing for the same new version, one fails on the unique key (plan,
period, version) before touching the other's files and, retried, finds its version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from papi_etl import calendar, steward
from papi_etl.metrics import PeriodMetrics
from papi_etl.metrics import compute as metrics_compute
from papi_etl.metrics import load as metrics_load
from papi_etl.plan.model import Plan
from papi_etl.report import (
    changes_since,
    charts,
    content,
    docx_render,
    markdown,
    pdf_render,
    xlsx_render,
)
from papi_etl.report.model import Edition, Report
from papi_etl.store import schema
from papi_etl.synth.texts import SYNTHETIC_MARK

LOGGER = logging.getLogger(__name__)

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "png": "image/png",
}
COUNTED = (schema.SubmissionStatus.VALID, schema.SubmissionStatus.ACCEPTED_WITH_EXCEPTION)


@dataclass(frozen=True)
class ProducedReport:
    """The outcome of `produce`. `created`: a new version was recorded by this call;
    `written`: files were rendered by this call; `copied`: an unchanged version's files were
    copied into `folder` by this call. `paths`: role ("docx", "pdf", "xlsx", "md", "html",
    "json", "chart:<key>") -> file in `folder`."""

    plan_id: str
    period: str
    version: int
    supplementary: bool
    sha256: str
    created: bool
    written: bool
    folder: Path
    paths: dict[str, Path]
    changes: tuple[str, ...] = ()
    copied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "period": self.period,
            "version": self.version,
            "supplementary": self.supplementary,
            "content_sha256": self.sha256,
            "created": self.created,
            "written": self.written,
            "copied": self.copied,
            "folder": str(self.folder),
            "files": {role: str(path) for role, path in self.paths.items()},
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class _Metrics:
    """The period's metrics, those of the earlier periods of its year (oldest first) and of
    the period a year earlier, and the inputs they were computed from."""

    now: PeriodMetrics
    history: tuple[PeriodMetrics, ...]
    year_ago: PeriodMetrics | None
    inputs: metrics_compute.MetricInputs


def _metrics(
    session: Session, plan: Plan, period: calendar.Period, computed: PeriodMetrics | None
) -> _Metrics:
    """The metrics the report needs (`computed`: the period's, when the caller has them)."""
    if computed is not None and computed.period_code != period.code:
        raise ValueError(f"metrics of {computed.period_code} given for {period.code}")
    inputs = metrics_load.inputs(session, plan, period)
    metrics = computed or metrics_compute.compute(plan, period, inputs)
    earlier = metrics_load.year_to_date(plan, period)[:-1]
    history = tuple(
        metrics_compute.compute(plan, calendar.period(plan, code), inputs) for code in earlier
    )
    before = calendar.year_ago(plan, period)
    year_ago = metrics_compute.compute(plan, before, inputs) if before is not None else None
    return _Metrics(metrics, history, year_ago, inputs)


def _synthetic(session: Session, plan: Plan, period_code: str) -> bool:
    """True when a counted report of the period holds a result marked as synthetic."""
    sub, task = schema.Submission, schema.SubmissionTask
    query = select(
        exists().where(
            task.submission_id == sub.id,
            sub.plan_id == plan.id,
            sub.period_code == period_code,
            sub.status.in_(COUNTED),
            task.result.startswith(SYNTHETIC_MARK, autoescape=True),
        )
    )
    return bool(session.scalar(query))


def _latest(session: Session, plan: Plan, period_code: str) -> schema.Report | None:
    return session.scalars(
        select(schema.Report)
        .where(schema.Report.plan_id == plan.id, schema.Report.period_code == period_code)
        .order_by(schema.Report.version.desc())
        .limit(1)
    ).first()


def _last_delivered(
    session: Session, plan: Plan, period_code: str, before: int
) -> schema.Report | None:
    return session.scalars(
        select(schema.Report)
        .join(schema.Delivery, schema.Delivery.report_id == schema.Report.id)
        .where(
            schema.Report.plan_id == plan.id,
            schema.Report.period_code == period_code,
            schema.Report.version < before,
            schema.Delivery.state == schema.DeliveryState.DELIVERED,
        )
        .order_by(schema.Report.version.desc())
        .limit(1)
    ).first()


def _file_of(row: schema.Report, role: str) -> Path | None:
    return next((Path(f["path"]) for f in row.files if f.get("role") == role), None)


def _changes(delivered: schema.Report, report: Report) -> tuple[str, ...]:
    path = _file_of(delivered, "json")
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))["facts"] if path else None
    except (OSError, ValueError, KeyError):
        previous = None
    if previous is None:
        return (
            f"Không đọc được số liệu của báo cáo phiên bản {delivered.version} đã gửi để so "
            "sánh; đề nghị đối chiếu toàn văn hai báo cáo.",
        )
    return changes_since.describe(previous, report.facts)


def _edition(
    session: Session, plan: Plan, draft: Report, version: int, issued_on: dt.date
) -> Edition:
    delivered = _last_delivered(session, plan, draft.period_code, before=version)
    if delivered is None:
        return Edition(version, False, (), issued_on)
    return Edition(version, True, _changes(delivered, draft), issued_on, delivered.version)


def render(report: Report, folder: Path) -> dict[str, Path]:
    """Every file of the report in `folder`, by role."""
    started = time.perf_counter()
    stem = report.file_stem
    pngs = charts.render_all(report, folder)
    paths = {f"chart:{key}": path for key, path in pngs.items()}
    paths["docx"] = docx_render.write(report, folder / f"{stem}.docx", pngs)
    paths["pdf"] = pdf_render.write(report, folder / f"{stem}.pdf", pngs)
    paths["xlsx"] = xlsx_render.write(report, folder / f"{stem}.xlsx")
    for role, text in (
        ("md", markdown.to_markdown(report)),
        ("html", markdown.to_html(report)),
        ("json", content.canonical(report)),
    ):
        paths[role] = folder / f"{stem}.{role}"
        paths[role].write_text(text, encoding="utf-8")
    LOGGER.info("rendered %s in %.1f s", stem, time.perf_counter() - started)
    return paths


def _files(staged: dict[str, Path], folder: Path) -> list[dict[str, Any]]:
    """The `reports.files` entries, with each file's final place in `folder`: what a sink
    needs to send each file and check it."""
    entries = []
    for role, path in staged.items():
        data = path.read_bytes()
        entries.append(
            {
                "role": role,
                "name": path.name,
                "path": str((folder / path.name).resolve()),
                "media_type": MEDIA_TYPES[path.suffix.lstrip(".")],
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
        )
    return entries


def _stage(report: Report, folder: Path) -> tuple[Path, dict[str, Path]]:
    """Render into a temporary sibling of `folder` (same file system, so the move is atomic)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        return staging, render(report, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _record(session: Session, staging: Path, folder: Path, row: schema.Report) -> None:
    """Flush the row, then move the staged files into place: a run that loses the race for
    a version (unique key) fails before it touches the winner's folder."""
    try:
        session.flush()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if folder.exists():  # left by a run that failed before its row was committed
        shutil.rmtree(folder)
    staging.rename(folder)


def _copy(paths: dict[str, Path], folder: Path) -> dict[str, Path]:
    """The files of `paths` copied into `folder` (replacing what it held), by role; staged in
    a sibling folder and moved into place, so that `folder` never holds half a version."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for path in paths.values():
            shutil.copy2(path, staging / path.name)
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {role: folder / path.name for role, path in paths.items()}


def _result(
    row: schema.Report,
    folder: Path,
    paths: dict[str, Path],
    created: bool,
    written: bool,
    changes: tuple[str, ...],
    copied: bool = False,
) -> ProducedReport:
    return ProducedReport(
        plan_id=row.plan_id,
        period=row.period_code,
        version=row.version,
        supplementary=row.supplementary,
        sha256=row.content_sha256,
        created=created,
        written=written,
        folder=folder,
        paths=paths,
        changes=changes,
        copied=copied,
    )


def produce(
    session: Session,
    plan: Plan,
    period_code: str,
    out_dir: Path,
    *,
    issued_on: dt.date | None = None,
    metrics: PeriodMetrics | None = None,
) -> ProducedReport:
    """Produce the consolidated report of `period_code` (see the module for the versioning).

    `issued_on`: the date line of a new version (default: today in the plan's time zone).
    `metrics`: the period's metrics just computed (and stored) by the caller, so that they
    are not computed twice and the report says what the store holds; computed here when
    not given. Raises UnknownPeriodError for a period the plan's calendar does not have.
    """
    started = time.perf_counter()
    period = calendar.period(plan, period_code)
    found = _metrics(session, plan, period, metrics)
    zone = ZoneInfo(plan.calendar.timezone)
    draft = content.build(
        plan,
        found.now,
        version=0,
        supplementary=False,
        changes=(),
        history=found.history,
        year_ago=found.year_ago,
        task_rows=metrics_compute.counted_task_rows(plan, found.now, found.inputs),
        exceptions=steward.accepted(session, plan, period.code),
        synthetic=_synthetic(session, plan, period.code),
        issued_on=issued_on or dt.datetime.now(zone).date(),
    )
    sha = content.fingerprint(draft)
    latest = _latest(session, plan, period.code)
    if latest is not None and latest.content_sha256 == sha:
        folder = out_dir / period.code / f"v{latest.version}"
        paths = {f["role"]: Path(f["path"]) for f in latest.files}
        if paths and all(path.exists() for path in paths.values()):
            LOGGER.info(
                "%s v%d unchanged (%.1f s)",
                period.code,
                latest.version,
                time.perf_counter() - started,
            )
            stored = paths["json"].parent
            if folder.resolve() == stored.resolve():
                return _result(latest, stored, paths, False, False, ())
            return _result(latest, folder, _copy(paths, folder), False, False, (), copied=True)
        # Same content, files gone: render them again under the same version.
        edition = _edition(
            session, plan, draft, latest.version, latest.created_at.astimezone(zone).date()
        )
        staging, staged = _stage(dataclasses.replace(draft, edition=edition), folder)
        latest.files = _files(staged, folder)
        _record(session, staging, folder, latest)
        paths = {role: folder / path.name for role, path in staged.items()}
        return _result(latest, folder, paths, False, True, edition.changes)
    version = latest.version + 1 if latest is not None else 1
    edition = _edition(session, plan, draft, version, draft.edition.issued_on)
    folder = out_dir / period.code / f"v{version}"
    staging, staged = _stage(dataclasses.replace(draft, edition=edition), folder)
    row = schema.Report(
        plan_id=plan.id,
        period_code=period.code,
        version=version,
        supplementary=edition.supplementary,
        content_sha256=sha,
        files=_files(staged, folder),
    )
    session.add(row)
    _record(session, staging, folder, row)
    paths = {role: folder / path.name for role, path in staged.items()}
    LOGGER.info("%s v%d produced in %.1f s", period.code, version, time.perf_counter() - started)
    return _result(row, folder, paths, True, True, edition.changes)
