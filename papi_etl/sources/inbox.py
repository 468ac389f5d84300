"""The drop folder: `<inbox>/<UNIT-CODE>/...` holding XLSX, CSV or JSON files.

The folder a file lies in is the unit that vouches for it: a file in one unit's folder that
claims to be from another unit is rejected downstream (a unit cannot report for another),
and a link that leads out of the unit's folder is not taken. Files are left where they are:
the archive's hashes make re-reading them harmless, and nothing a unit dropped is ever moved
out of its sight or lost. A file's arrival time is its
modification time (when it was dropped), not when the collector happened to run.

A file that changes while it is read, or (as `collect` and the flows configure it, see
`papi_etl.sources.configured`) was modified less than `SETTLE_SECONDS` ago, is still being
copied: it is skipped, said so, and taken by the next run, instead of being archived
half-written and rejected as corrupt. `serve`'s watcher hands over a file only once it has
stood still between two polls 3 s apart, so this never holds back a file it reports. A file
that vanishes or cannot be read between the listing and the read is skipped the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from papi_etl.plan.model import Plan
from papi_etl.sources.base import Received, Skipped, SourceError

SETTLE_SECONDS = 2.0

LOGGER = logging.getLogger(__name__)


def _is_working_file(path: Path) -> bool:
    # Excel's lock files (~$x.xlsx), hidden files and partial uploads are not submissions.
    name = path.name
    return name.startswith(("~$", ".")) or name.endswith((".tmp", ".part", ".crdownload"))


def _inside(path: Path, unit_dir: Path) -> bool:
    """False for a link that leads out of the unit's folder (to another unit's file, or to
    a file of the server's): the folder vouches only for what lies in it."""
    inside = path.resolve().is_relative_to(unit_dir.resolve())
    if not inside:
        LOGGER.warning("%s leads outside its unit's folder: not taken", path)
    return inside


def dropped_files(root: Path) -> list[Path]:
    """Every file lying in a unit's folder that could be a submission (what the collector
    reads and what the watcher of `serve` looks at)."""
    return [
        path
        for unit_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())
        for path in sorted(unit_dir.rglob("*"))
        if path.is_file() and not _is_working_file(path) and _inside(path, unit_dir)
    ]


def unit_folders(plan: Plan, root: Path) -> list[Path]:
    """Make a folder for every unit of the plan, so an officer sees where to drop a report."""
    made = []
    for unit in plan.units:
        folder = root / unit.code
        folder.mkdir(parents=True, exist_ok=True)
        made.append(folder)
    return made


@dataclass(frozen=True)
class InboxSource:
    root: Path
    name: str = "inbox"
    settle_seconds: float = 0.0

    def fetch(self, cursor: str | None = None) -> Iterator[Received | Skipped]:
        """Every file under a unit's folder, oldest first; `cursor` is not used."""
        if not self.root.is_dir():
            raise SourceError(f"The inbox folder {self.root} does not exist.")
        found = []
        for path in dropped_files(self.root):
            try:
                found.append((path.stat().st_mtime, path))
            except OSError as error:
                yield self._skipped(path, error)
        for _, path in sorted(found):
            try:
                yield self._read(path)
            except OSError as error:
                yield self._skipped(path, error)

    def _read(self, path: Path) -> Received | Skipped:
        before = path.stat()
        if self.settle_seconds and 0 <= time.time() - before.st_mtime < self.settle_seconds:
            return self._being_written(path)
        content = path.read_bytes()
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            return self._being_written(path)
        return Received(
            content=content,
            source=self.name,
            original_name=self._name(path),
            received_at=dt.datetime.fromtimestamp(before.st_mtime, dt.UTC),
            claimed_unit=self._unit(path),
        )

    def _name(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def _unit(self, path: Path) -> str:
        return path.relative_to(self.root).parts[0]

    def _being_written(self, path: Path) -> Skipped:
        return Skipped(
            self.name,
            self._name(path),
            "tệp đang được chép hoặc ghi, chưa đọc; lần thu thập sau sẽ nhận",
            "the file is still being copied or written; the next collect takes it",
            self._unit(path),
        )

    def _skipped(self, path: Path, error: OSError) -> Skipped:
        if isinstance(error, FileNotFoundError):
            vi = "tệp đã bị xóa hoặc chuyển đi trước khi đọc được"
            en = "the file was removed or moved before it could be read"
        else:
            vi = f"không đọc được tệp ({error.strerror or error})"
            en = f"the file cannot be read ({error.strerror or error})"
        return Skipped(self.name, self._name(path), vi, en, self._unit(path))
