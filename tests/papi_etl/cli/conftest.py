import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def papi(tmp_path):
    """Run the real command line in a child process, as a user or a script would."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PAPI_")},
            "PAPI_DATA_DIR": str(tmp_path / "papi-data"),
            **(env or {}),
        }
        done = subprocess.run(
            [sys.executable, "-m", "papi_etl", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment,
            cwd=tmp_path,
            timeout=120,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
