"""The raw archive: every received byte, kept before anything parses it.

Content-addressed by SHA-256 under `PAPI_DATA_DIR/raw/ab/cd/<sha256>`, so the same bytes
received twice are one file, and a file is never rewritten once it is there. Writing goes
through a temporary file and an atomic rename, made only once the temporary file's bytes
are on disk: a crash leaves either the whole file or none, never a truncated one that a
later run would take for the original (at most the `.incoming-*` temporary files of the
batch being written, which nothing reads: they wait in `raw/.incoming/`, where a later
batch removes them once they are STALE_AFTER old). A disk that is full, read-only or
failing is an `ArchiveError`: nothing may be taken in whose bytes are not kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def path_of(data_dir: Path, sha256: str) -> Path:
    return data_dir / "raw" / sha256[:2] / sha256[2:4] / sha256


INCOMING = ".incoming"
"""The folder of `raw/` where files are written before they are renamed to their place: one
folder, so that what a kill left there is found without walking the whole archive."""
STALE_AFTER = 3600.0
"""Seconds after which a temporary file is taken for a killed batch's and removed: a batch
is written in seconds, and several runs (other plans') may be writing at once."""


def _clear_stale(incoming: Path) -> None:
    """Remove what killed batches left in `incoming`; a file another run is writing is
    younger than STALE_AFTER and stays."""
    limit = time.time() - STALE_AFTER
    with os.scandir(incoming) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):  # gone meanwhile: another run cleared it
                if entry.name.startswith(".incoming-") and entry.stat().st_mtime < limit:
                    os.unlink(entry.path)


class ArchiveError(Exception):
    """The archive's disk refused the bytes (full, read-only, no permission, failing).

    An infrastructure fault, not a PapiError: it heals when the disk does, and a task may
    retry it. The message says, in Vietnamese and English, what to do.
    """

    def __init__(self, data_dir: Path, error: OSError) -> None:
        where = data_dir / "raw"
        reason = error.strerror or str(error)
        super().__init__(
            f"Không lưu được tệp vào kho lưu trữ gốc {where} ({reason}): tệp chưa được nhận; "
            "giải phóng dung lượng hoặc cấp quyền ghi cho ổ đĩa rồi chạy lại.\n"
            f"Cannot keep the file in the raw archive {where} ({reason}): it was not taken "
            "in; free space or make the disk writable, then run again."
        )
        self.errno = error.errno


try:
    _SYNCFS = ctypes.CDLL(None, use_errno=True).syncfs
except (AttributeError, OSError):  # not Linux
    _SYNCFS = None


def _sync(watch: int) -> None:
    """Put everything written to the archive's file system on disk, raising OSError when
    the disk failed to write any of it back since `watch` was opened.

    One sync for a batch of files instead of an fsync of each, because an fsync is a disk
    cache flush: measured on a 2-core VM (ext4 on a virtual disk), 64 files of 7 KB cost
    0.4-0.9 ms each with an fsync per file (as much as reading and filing the report), and
    0.2 ms each written then synced together, no more than not syncing at all; an fsync of
    each after writing them all cost as much as one each (every call flushes). syncfs(2)
    rather than sync(2): it waits for this file system only, not for every disk of the host,
    and it reports a write-back error (Linux 5.8+) as fsync did, where sync reports none.
    Without syncfs (not Linux) it falls back to sync, which reports none.
    """
    if _SYNCFS is None:
        os.sync()
    elif _SYNCFS(watch) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


@dataclass(frozen=True)
class _Incoming:
    """A temporary file written for the batch, not yet renamed to its target."""

    index: int  # of the content it holds, in the batch
    temporary: Path
    target: Path


def _there(target: Path, size: int) -> bool:
    """The bytes are kept already (a file cut short by a crash is not: it is written again)."""
    return target.exists() and target.stat().st_size == size


def _write(incoming: Path, target: Path, content: bytes) -> Path:
    """A temporary file in `incoming` holding `content`, not yet synced (and the folder of
    its `target`, made)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=incoming, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def _discard(incoming: Sequence[_Incoming]) -> None:
    for one in incoming:
        with contextlib.suppress(OSError):
            one.temporary.unlink(missing_ok=True)


def store(
    data_dir: Path, contents: Sequence[bytes]
) -> tuple[list[tuple[str, Path]], ArchiveError | None]:
    """Keep each of `contents`, in order, until the disk refuses one: the SHA-256 and path of
    each kept, and the refusal (None when all were kept). Bytes kept already are not written
    again, and the same bytes twice in `contents` are written once.

    What is returned is on disk, bytes and names, when this returns, so that the caller may
    commit the transaction that records it: nothing is recorded whose bytes a power cut
    could still lose. A failed sync refuses the first content this call wrote and every one
    after it (the disk does not say which file it lost); contents before it are kept.
    """
    kept: list[tuple[str, Path]] = []
    folder = data_dir / "raw" / INCOMING
    incoming: list[_Incoming] = []
    pending: set[str] = set()
    refused: ArchiveError | None = None
    watch: int | None = None
    renamed = 0
    try:
        for index, content in enumerate(contents):
            sha256 = digest(content)
            target = path_of(data_dir, sha256)
            if sha256 not in pending:
                try:
                    if not _there(target, len(content)):
                        if watch is None:
                            # Opened before the batch's first write, so that the sync reports
                            # a write-back error of any of the batch's files.
                            folder.mkdir(parents=True, exist_ok=True)
                            watch = os.open(folder, os.O_RDONLY)
                            _clear_stale(folder)
                        written = _write(folder, target, content)
                        incoming.append(_Incoming(index, written, target))
                        pending.add(sha256)
                except OSError as error:
                    refused = ArchiveError(data_dir, error)
                    break
            kept.append((sha256, target))
        if watch is None:
            return kept, refused
        try:
            _sync(watch)  # the bytes, before any of them gets its name
            for one in incoming:
                os.replace(one.temporary, one.target)
                renamed += 1
            _sync(watch)  # the names, before the caller's commit records them
        except OSError as error:
            # A rename that failed refuses its content; a sync that failed, the first written.
            first = incoming[renamed if renamed < len(incoming) else 0].index
            return kept[:first], ArchiveError(data_dir, error)
        return kept, refused
    finally:
        _discard(incoming[renamed:])
        if watch is not None:
            os.close(watch)


def read(data_dir: Path, sha256: str) -> bytes:
    return path_of(data_dir, sha256).read_bytes()
