"""Synthetic reports written as a drop folder: `<DIR>/<UNIT>/<UNIT>_<PERIOD>.<form>`.

Files are written by `papi_etl.forms.write`, the writer the real forms share, so what the
collector reads is what a unit would send. A file's modification time is set to its
synthetic arrival: the drop-folder source takes it as the time the file was received, which
decides whether the report was late.

The manifest (`MANIFEST_NAME`, hidden: the drop-folder source skips dot files) says for each
period and unit which file was written, when it "arrived", whether it is late or missing and
which errors it carries, so that tests and the demo know what validation must find. Writing
a period again replaces that period's files (of every form) and its manifest entry; the
entries of other periods are kept, so periods may be generated one at a time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from papi_etl import calendar, forms
from papi_etl.plan.model import Plan
from papi_etl.synth.scenario import SyntheticReport
from papi_etl.synth.texts import SYNTHETIC_MARK

MANIFEST_NAME = ".synth-manifest.json"

_NOTE = (
    f"{SYNTHETIC_MARK} Báo cáo do papi-etl synth tạo ra để kiểm thử và trình diễn, không phải "
    "báo cáo thật của đơn vị. / Synthetic reports made by papi-etl synth for tests and demos; "
    "no unit's real report."
)


@dataclass(frozen=True)
class PeriodSummary:
    """What was written for one period."""

    period: str
    label_vi: str
    files: int
    late: int
    missing: int
    erroneous: int


def relative_path(unit: str, period: str, form: str) -> Path:
    """Where a unit's report for a period lies under the drop folder."""
    return Path(unit) / f"{unit}_{period}.{form}"


def write(
    plan: Plan,
    reports: Sequence[SyntheticReport],
    folder: Path,
    form: str,
    *,
    seed: int,
    clean: bool,
) -> list[PeriodSummary]:
    """Writes the reports' files and the manifest under `folder`; one summary per period.

    Raises OSError when the folder cannot be written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    periods = list(dict.fromkeys(r.period.code for r in reports))
    _remove_earlier(plan, folder, periods)
    units: dict[str, dict[str, object]] = {code: {} for code in periods}
    for report in reports:
        entry: dict[str, object] = {
            "file": None,
            "arrival": None,
            "late": report.late,
            "missing": report.missing,
            "errors": [e.as_dict() for e in report.errors],
        }
        if report.submission is not None and report.arrival is not None:
            relative = relative_path(report.unit.code, report.period.code, form)
            path = folder / relative
            forms.write(report.submission, form, path, plan)
            moment = report.arrival.timestamp()
            os.utime(path, (moment, moment))
            entry.update(file=relative.as_posix(), arrival=report.arrival.isoformat())
        units[report.period.code][report.unit.code] = entry
    entries = {
        code: {"seed": seed, "clean": clean, "format": form, "units": units[code]}
        for code in periods
    }
    _write_manifest(plan, folder / MANIFEST_NAME, entries)
    return [_summary(code, [r for r in reports if r.period.code == code]) for code in periods]


def _remove_earlier(plan: Plan, folder: Path, periods: Sequence[str]) -> None:
    # A file left by an earlier run (another form, or a unit now missing) would be collected
    # as a report the manifest does not list.
    for unit in plan.units:
        for period in periods:
            for form in forms.FORMS:
                (folder / relative_path(unit.code, period, form)).unlink(missing_ok=True)


def _write_manifest(plan: Plan, path: Path, periods: dict[str, dict[str, object]]) -> None:
    kept: dict[str, object] = {}
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
        if earlier.get("plan") == plan.id and isinstance(earlier.get("periods"), dict):
            kept = earlier["periods"]
    except (OSError, ValueError, AttributeError):
        pass  # no manifest yet, or not ours: start afresh
    merged = {**kept, **periods}
    order = {p.code: i for i, p in enumerate(calendar.periods(plan))}
    manifest = {
        "synthetic": True,
        "note": _NOTE,
        "plan": plan.id,
        "periods": {k: merged[k] for k in sorted(merged, key=lambda k: order.get(k, len(order)))},
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _summary(code: str, reports: Sequence[SyntheticReport]) -> PeriodSummary:
    return PeriodSummary(
        period=code,
        label_vi=reports[0].period.label_vi,
        files=sum(1 for r in reports if not r.missing),
        late=sum(1 for r in reports if r.late),
        missing=sum(1 for r in reports if r.missing),
        erroneous=sum(1 for r in reports if r.errors),
    )
