"""The raw archive: every received byte, kept before anything parses it.

Content-addressed by SHA-256 under `PAPI_DATA_DIR/raw/ab/cd/<sha256>`, so the same bytes
received twice are one file, and a file is never rewritten once it is there. Writing goes
through a temporary file and an atomic rename: a crash leaves either the whole file or
none, never a truncated one that a later run would take for the original (at most an
`.incoming-*` temporary file, which nothing reads). A disk that is full or read-only is an
`ArchiveError`: nothing may be taken in whose bytes are not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def path_of(data_dir: Path, sha256: str) -> Path:
    return data_dir / "raw" / sha256[:2] / sha256[2:4] / sha256


class ArchiveError(Exception):
    """The archive's disk refused the bytes (full, read-only, no permission).

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


def store(data_dir: Path, content: bytes) -> tuple[str, Path]:
    """Keep `content` and return its SHA-256 and path; storing the same bytes again is a no-op.

    Raises ArchiveError when the disk refuses the write."""
    sha256 = digest(content)
    target = path_of(data_dir, sha256)
    try:
        if target.exists() and target.stat().st_size == len(content):
            return sha256, target
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    except OSError as error:
        raise ArchiveError(data_dir, error) from error
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ArchiveError(data_dir, error) from error
        raise
    return sha256, target


def read(data_dir: Path, sha256: str) -> bytes:
    return path_of(data_dir, sha256).read_bytes()
