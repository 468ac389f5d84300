"""The raw archive: every received byte, kept before anything parses it.

Content-addressed by SHA-256 under `PAPI_DATA_DIR/raw/ab/cd/<sha256>`, so the same bytes
received twice are one file, and a file is never rewritten once it is there. Writing goes
through a temporary file and an atomic rename: a crash leaves either the whole file or
none, never a truncated one that a later run would take for the original.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def path_of(data_dir: Path, sha256: str) -> Path:
    return data_dir / "raw" / sha256[:2] / sha256[2:4] / sha256


def store(data_dir: Path, content: bytes) -> tuple[str, Path]:
    """Keep `content` and return its SHA-256 and path; storing the same bytes again is a no-op."""
    sha256 = digest(content)
    target = path_of(data_dir, sha256)
    if target.exists() and target.stat().st_size == len(content):
        return sha256, target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha256, target


def read(data_dir: Path, sha256: str) -> bytes:
    return path_of(data_dir, sha256).read_bytes()
