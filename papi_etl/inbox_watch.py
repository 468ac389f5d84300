"""Noticing files dropped in the inbox, so that `serve` validates them within a minute
instead of at the next scheduled collection (hours later).

Polling, not OS notifications: the inbox is often a shared or synced folder, where inotify
sees nothing, and a poll of a district's few hundred files costs milliseconds. A file is
reported once it has stopped changing between two polls, so that a file still being copied
or synced is not read half-written; it is reported again when it changes (a unit saving a
corrected report over the first one). Files already lying there when the watcher starts
are reported too: the collector's archive makes a file it already took in a harmless
duplicate, and a file dropped while `serve` was down is not left waiting.
"""

from __future__ import annotations

from pathlib import Path

from papi_etl.sources.inbox import dropped_files

_Signature = tuple[int, int]  # size, modification time in ns


class InboxWatcher:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending: dict[Path, _Signature] = {}
        self._reported: dict[Path, _Signature] = {}

    def _snapshot(self) -> dict[Path, _Signature]:
        if not self.root.is_dir():
            return {}
        seen: dict[Path, _Signature] = {}
        for path in dropped_files(self.root):
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed between the listing and the stat
                continue
            seen[path] = (stat.st_size, stat.st_mtime_ns)
        return seen

    def poll(self) -> list[Path]:
        """The files that are new or changed and have not changed since the previous poll."""
        now = self._snapshot()
        settled = sorted(
            path
            for path, signature in now.items()
            if self._pending.get(path) == signature and self._reported.get(path) != signature
        )
        for path in settled:
            self._reported[path] = now[path]
        self._pending = now
        return settled
