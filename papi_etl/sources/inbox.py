"""The drop folder: `<inbox>/<UNIT-CODE>/...` holding XLSX, CSV or JSON files.

An inbox serves one plan (`<inbox>/<UNIT>/`) or several, a folder per plan named by its id
(`<inbox>/<plan id>/<UNIT>/`): a city's districts, or plans sharing one data dir.
`drop_folder` says which folder is a plan's.

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
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from papi_etl.errors import ConfigurationError
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


def drop_folder(root: Path, plan_id: str, plan_ids: Collection[str]) -> Path:
    """The plan's folder in the inbox `root`: `<root>/<plan id>` when it exists, or when
    `root` holds the folder of another plan (`plan_ids`: the plans of the store), so that
    a plan never takes another's folders for unit folders; otherwise `root` itself, the
    inbox of one plan. The folder may not exist yet."""
    own = root / plan_id
    if own.is_dir():
        return own
    others = set(plan_ids) - {plan_id}
    shared = root.is_dir() and any(p.name in others for p in root.iterdir() if p.is_dir())
    return own if shared else root


def check(folder: Path, plan: Plan) -> None:
    """Refuse a drop folder laid out for other plans: files lie in sub-folders and none of
    them is a unit of the plan (the folders of a city's districts, `district-001/`...),
    so that every file would be rejected. One misnamed folder among the units' is not
    this: its files are rejections, each with its reason. Raises ConfigurationError."""
    if not folder.is_dir():
        return
    found = sorted({path.relative_to(folder).parts[0] for path in dropped_files(folder)})
    codes = {u.code.upper() for u in plan.units}
    if not found or any(name.upper() in codes for name in found):
        return
    shown = ", ".join(found[:3]) + (f" (+{len(found) - 3})" if len(found) > 3 else "")
    plans = ", ".join(sorted(p.name for p in folder.glob("*.yaml"))[:4])
    beside = f" The plan files there: {plans}." if plans else ""
    beside_vi = f" Các tệp kế hoạch ở đó: {plans}." if plans else ""
    raise ConfigurationError(
        f"None of the folders of the inbox {folder} ({shown}) is a unit code of plan "
        f"{plan.id}: it is laid out for other plans, a folder per plan id (what `synth "
        "--districts` writes). Run with the plan those folders are for (--plan FILE; a "
        "city's plan that lists them takes them all), or give this plan's own folder with "
        f"--inbox.{beside}",
        f"Không thư mục nào trong hộp thư {folder} ({shown}) mang mã đơn vị của kế hoạch "
        f"{plan.id}: hộp thư này chia theo kế hoạch, mỗi kế hoạch một thư mục. Hãy chạy với "
        "kế hoạch của các thư mục đó (--plan TỆP; kế hoạch thành phố liệt kê các quận thì "
        f"nhận tất cả), hoặc chỉ rõ thư mục của kế hoạch này bằng --inbox.{beside_vi}",
    )


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
            raise SourceError(
                f"không có thư mục nhận báo cáo {self.root} / the inbox folder {self.root} "
                "does not exist."
            )
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
