"""`papi-etl report` as a user or a script runs it: a child process on a filled data dir."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from report_store import PERIOD


def _run(data_dir, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAPI_")}
    environment["PAPI_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "papi_etl", "report", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=300,
    )


def test_report_writes_a_version_then_keeps_it(template_dir, tmp_path):
    data = tmp_path / "papi-data"
    shutil.copytree(template_dir, data)
    first = _run(data, "--period", PERIOD, "--json")
    assert first.returncode == 0, first.stderr
    produced = json.loads(first.stdout)
    assert (produced["version"], produced["created"], produced["supplementary"]) == (1, True, False)
    assert produced["folder"] == str(data / "reports" / PERIOD / "v1")
    assert all(os.path.exists(path) for path in produced["files"].values())

    second = _run(data, "--period", PERIOD)
    assert second.returncode == 0, second.stderr
    assert "Nội dung không đổi" in second.stdout and "v1 (unchanged)" in second.stdout


def test_an_unknown_period_exits_2_with_a_message(template_dir, tmp_path):
    data = tmp_path / "papi-data"
    shutil.copytree(template_dir, data)
    done = _run(data, "--period", "2030-Q9", "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "2030-Q9" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_out_leaves_the_files_in_the_folder_every_time(template_dir, tmp_path):
    data = tmp_path / "papi-data"
    shutil.copytree(template_dir, data)
    first = _run(data, "--period", PERIOD, "--json")
    assert first.returncode == 0, first.stderr
    stored = json.loads(first.stdout)["files"]
    out = tmp_path / "out"
    for _ in range(2):
        done = _run(data, "--period", PERIOD, "-o", str(out), "--json")
        assert done.returncode == 0, done.stderr
        produced = json.loads(done.stdout)
        assert (produced["version"], produced["created"], produced["copied"]) == (1, False, True)
        assert produced["folder"] == str(out / PERIOD / "v1")
        for role, path in produced["files"].items():
            assert path == str(out / PERIOD / "v1" / os.path.basename(path))
            with open(path, "rb") as copy, open(stored[role], "rb") as original:
                assert copy.read() == original.read()  # the version's files, byte for byte
    shown = _run(data, "--period", PERIOD, "-o", str(out))
    assert "đã chép" in shown.stdout and str(out / PERIOD / "v1" / "bao-cao") in shown.stdout
