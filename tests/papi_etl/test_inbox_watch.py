"""The inbox watcher of `serve`: a file is reported once it has settled, again when it
changes, never while it is still being written, and working files never."""

from __future__ import annotations

import os

from papi_etl.inbox_watch import InboxWatcher


def _touch(path, content: bytes, mtime_ns: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_file_is_reported_once_it_has_settled(tmp_path):
    watcher = InboxWatcher(tmp_path)
    report = tmp_path / "AL" / "AL_2019-Q1.json"
    _touch(report, b"{", 1_000)
    assert watcher.poll() == []  # first seen: it may still be growing
    _touch(report, b"{}", 2_000)
    assert watcher.poll() == []  # it changed since: still not settled
    assert watcher.poll() == [report]
    assert watcher.poll() == []  # reported once


def test_a_file_saved_over_is_reported_again(tmp_path):
    watcher = InboxWatcher(tmp_path)
    report = tmp_path / "AL" / "AL_2019-Q1.xlsx"
    _touch(report, b"v1", 1_000)
    watcher.poll()
    assert watcher.poll() == [report]
    _touch(report, b"v2 corrected", 5_000)
    watcher.poll()
    assert watcher.poll() == [report]


def test_files_already_there_at_start_are_reported(tmp_path):
    first = tmp_path / "ALA" / "ALA_2019-Q1.csv"
    second = tmp_path / "AL" / "nested" / "AL_2019-Q1.json"
    _touch(first, b"a", 1_000)
    _touch(second, b"b", 1_000)
    watcher = InboxWatcher(tmp_path)
    watcher.poll()
    assert watcher.poll() == sorted([first, second])


def test_working_files_and_loose_files_are_not_submissions(tmp_path):
    watcher = InboxWatcher(tmp_path)
    for name in ("~$AL_2019-Q1.xlsx", ".hidden.json", "AL_2019-Q1.xlsx.part", "x.tmp"):
        _touch(tmp_path / "AL" / name, b"x", 1_000)
    _touch(tmp_path / "not-in-a-unit-folder.json", b"x", 1_000)
    watcher.poll()
    assert watcher.poll() == []


def test_a_missing_inbox_is_empty_until_it_appears(tmp_path):
    root = tmp_path / "inbox"
    watcher = InboxWatcher(root)
    assert watcher.poll() == []
    _touch(root / "AL" / "AL_2019-Q1.json", b"{}", 1_000)
    watcher.poll()
    assert watcher.poll() == [root / "AL" / "AL_2019-Q1.json"]


def test_a_file_removed_before_it_settled_is_forgotten(tmp_path):
    watcher = InboxWatcher(tmp_path)
    report = tmp_path / "AL" / "AL_2019-Q1.json"
    _touch(report, b"{}", 1_000)
    watcher.poll()
    report.unlink()
    assert watcher.poll() == []
    assert watcher.poll() == []
