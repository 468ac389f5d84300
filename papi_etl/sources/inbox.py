"""The drop folder: `<inbox>/<UNIT-CODE>/...` holding XLSX, CSV or JSON files.

The folder a file lies in is the unit that vouches for it: a file in one unit's folder that
claims to be from another unit is rejected downstream (a unit cannot report for another),
and a link that leads out of the unit's folder is not taken. Files are left where they are:
the archive's hashes make re-reading them harmless, and nothing a unit dropped is ever moved
out of its sight or lost. A file's arrival time is its
modification time (when it was dropped), not when the collector happened to run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from papi_etl.plan.model import Plan
from papi_etl.sources.base import Received, SourceError

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

    def fetch(self, cursor: str | None = None) -> Iterator[Received]:
        """Every file under a unit's folder, oldest first; `cursor` is not used."""
        if not self.root.is_dir():
            raise SourceError(
                f"không có thư mục nhận báo cáo {self.root} / the inbox folder {self.root} "
                "does not exist."
            )
        found = [(path.stat().st_mtime, path) for path in dropped_files(self.root)]
        for mtime, path in sorted(found):
            unit_dir = path.relative_to(self.root).parts[0]
            yield Received(
                content=path.read_bytes(),
                source=self.name,
                original_name=str(path.relative_to(self.root)),
                received_at=dt.datetime.fromtimestamp(mtime, dt.UTC),
                claimed_unit=unit_dir,
            )
