"""`papi-etl ui` stopped by SIGTERM (a service manager, `kill`) stops the Prefect server it
started: the port is free again and no process of it is left."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_ledger import record

from deployments.server_process import free_port, healthy

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _descendants(pid: int) -> set[int]:
    """Every living process under `pid`, from /proc (a child may lead its own session)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _start_ui(port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    """`papi-etl ui` on `port`, with a data dir of its own and no settings of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env["PAPI_DATA_DIR"] = str(tmp_path / "papi-data")
    return subprocess.Popen(
        [sys.executable, "-m", "papi_etl", "ui", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.reliability
def test_sigterm_stops_ui_and_the_prefect_server_it_started(tmp_path):
    port = free_port()
    ui = _start_ui(port, tmp_path)
    try:
        deadline = time.monotonic() + 180
        while not healthy(f"http://127.0.0.1:{port}"):
            assert ui.poll() is None, ui.communicate()[0].decode()
            assert time.monotonic() < deadline, "the Prefect server did not start"
            time.sleep(0.5)
        started = _descendants(ui.pid)
        assert started, "the server runs in a child process"

        ui.send_signal(signal.SIGTERM)
        assert ui.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if ui.poll() is None:
            ui.kill()
    output = ui.communicate()[0].decode()
    assert f"Giao diện Prefect / Prefect UI: http://127.0.0.1:{port}" in output
    assert "Traceback" not in output
    assert not _listening(port), "the port is free again"
    assert [pid for pid in started if _alive(pid)] == [], "no process of the server is left"
    record("orchestration", "SIGTERM to papi-etl ui", 1, "server stopped, port free, no child")


def _servers_on(port: int) -> list[int]:
    """The processes started as a Prefect server on `port` (told by their environment),
    wherever they are in the process tree (an orphan is adopted by init)."""
    wanted = f"PREFECT_SERVER_API_PORT={port}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue  # ended meanwhile, or not ours to read
            if wanted in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


@pytest.mark.reliability
def test_sigterm_while_the_server_starts_leaves_no_server(tmp_path):
    # `with PrefectServer(...)` only stops what it started once the server answered: a
    # SIGTERM during the start used to leave the server running, holding its port.
    port = free_port()
    ui = _start_ui(port, tmp_path)
    try:
        assert ui.stdout is not None
        first = ui.stdout.readline().decode()  # said once the server is launched
        assert f"http://127.0.0.1:{port}" in first, first
        deadline = time.monotonic() + 60
        while not _servers_on(port):
            assert time.monotonic() < deadline, "the server process was never seen"
            time.sleep(0.05)
        assert not healthy(f"http://127.0.0.1:{port}"), "stopped before it answers"
        ui.send_signal(signal.SIGTERM)
        assert ui.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if ui.poll() is None:
            ui.kill()
    assert "Traceback" not in ui.communicate()[0].decode()
    assert _servers_on(port) == [], "no server process is left"
    assert not _listening(port), "the port stays free"
    record("orchestration", "SIGTERM to papi-etl ui while its server starts", 1, "no server left")
