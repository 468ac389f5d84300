"""Source faults through a whole collect, against real servers, files and disks.

tests/papi_etl/sources/test_http_api.py shows the API source retrying a fault that heals;
here the fault outlasts the retries, in a run that also reads the drop folder, and each
case must end the same way: the other units taken in, the failing source or file named in
Vietnamese and English, nothing of it half-stored, and the next run completing the work,
no submission twice. The drop-folder and disk faults are real too: a file half-written by
another process while collect reads the folder, a file removed mid-run, the archive's disk
remounted read-only mid-run (as Linux does after an I/O error), a tmpfs archive that fills
up (mounts need root: skipped without it).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from reliability_ledger import record
from sqlalchemy import func, select
from store_snapshot import complete, faults, inbox_order, take
from test_http_api import PATH, TOKEN, FakeKobo, json_response, status, submission, truncated
from werkzeug import Request, Response

from papi_etl import collect as collect_module
from papi_etl import forms
from papi_etl.collect import CollectResult, collect
from papi_etl.ingest import Outcome
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources import configured
from papi_etl.sources.http_api import HttpApiSource
from papi_etl.sources.inbox import InboxSource
from papi_etl.store import schema
from papi_etl.workspace import Workspace, open_workspace

PLAN = load(DEFAULT_PLAN)
ARRIVED = dt.datetime(2019, 3, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
OTHERS = ("BTD", "TT", "PNV", "BHH")
HANG = 1.0
TIMEOUT = 0.3


@pytest.fixture
def workspace(tmp_path) -> Iterator[Workspace]:
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    made = open_workspace(settings, PLAN)
    yield made
    made.sessions.kw["bind"].dispose()


@pytest.fixture
def inbox(tmp_path, make_submission) -> Path:
    """The other units' reports, dropped on time."""
    folder = tmp_path / "inbox"
    for unit in OTHERS:
        path = folder / unit / f"{unit}_2019-Q1.json"
        path.parent.mkdir(parents=True)
        forms.write(make_submission(unit), "json", path, PLAN.plan)
        os.utime(path, (ARRIVED.timestamp(),) * 2)
    return folder


def run(workspace: Workspace, *sources, on_item=None) -> CollectResult:
    return collect(workspace.sessions, PLAN.plan, list(sources), workspace.data_dir, on_item)


def count(workspace: Workspace, table) -> int:
    with workspace.sessions() as session:
        return session.scalar(select(func.count()).select_from(table))


def reset(request: Request) -> Response:
    """The connection reset under the request (RST, as a crashing proxy does): SO_LINGER 0,
    and the socket's descriptor replaced by /dev/null so that the kernel closes it now and
    the server's own later writes go nowhere."""
    connection: socket.socket = request.environ["werkzeug.socket"]
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, connection.fileno())
    os.close(null)
    return Response("never sent")


def hang(request: Request) -> Response:
    time.sleep(HANG)
    return json_response({"count": 0, "next": None, "results": []})


HTTP_FAULTS: dict[str, tuple[Callable[[Request], Response], str]] = {
    "HTTP 500": (status(500), "last: HTTP 500"),
    "HTTP 503 with Retry-After: 1": (status(503, {"Retry-After": "1"}), "last: HTTP 503"),
    "HTTP 429 with Retry-After: 2": (status(429, {"Retry-After": "2"}), "last: HTTP 429"),
    f"a hang past the {TIMEOUT} s read timeout": (hang, "ReadTimeout"),
    "a connection reset (RST) under the request": (reset, "ConnectionError"),
    "a truncated body": (truncated, "ChunkedEncodingError"),
    "a body that is not JSON": (
        lambda request: Response("<html>502 Bad Gateway</html>", status=200),
        "the page is not JSON",
    ),
    "a wrong page cursor (404 on the 'next' link)": (
        status(404),
        "the server's page cursor is wrong or expired",
    ),
}


@pytest.mark.reliability
@pytest.mark.parametrize("fault", list(HTTP_FAULTS))
def test_an_api_fault_past_the_retries_on_page_2(fault, server, workspace, inbox):
    handler, reason = HTTP_FAULTS[fault]
    kobo = FakeKobo(server, [submission(n) for n in range(1, 7)], honours_query=True)
    kobo.faults += [None] + [handler] * 2  # page 1 answers; page 2 fails, and its retry
    sleeps: list[float] = []
    source = HttpApiSource(
        kobo.url, SecretStr(TOKEN), max_retries=1, read_timeout=TIMEOUT, sleep=sleeps.append
    )

    first = run(workspace, InboxSource(inbox), source)

    # The other units, and page 1: AL's first two versions.
    assert (first.count(Outcome.NEW), first.count(Outcome.SUPERSEDED)) == (len(OTHERS) + 1, 1)
    [failure] = first.failures
    text = failure.describe()
    assert reason in text and TOKEN not in text
    assert "bị lỗi; các báo cáo đã nhận vẫn được giữ" in text and "failed; what was" in text
    if "Retry-After" in fault:
        assert sleeps == [float(fault[-1])]  # the server's wait, honoured
    kobo.faults.clear()

    second = run(workspace, InboxSource(inbox), source)

    assert (second.count(Outcome.NEW), second.failures) == (0, ())
    assert second.count(Outcome.SUPERSEDED) == 4  # _id 3..6, AL's next versions
    assert count(workspace, schema.Submission) == len(OTHERS) + 6
    with workspace.sessions() as session:
        versions = session.scalars(
            select(schema.Submission.version).where(schema.Submission.unit_code == "AL")
        ).all()
    assert sorted(versions) == [1, 2, 3, 4, 5, 6]
    source.close()
    record(
        "source faults",
        f"HTTP API: {fault}, on page 2, past the retries",
        len(kobo.requests),
        "the drop folder's units and page 1 taken in, the source named as failed (VI/EN), "
        "the next run took _id 3-6 once each",
    )


@pytest.mark.reliability
def test_the_command_line_says_which_source_failed_and_the_next_run_completes(server, tmp_path):
    sent = [submission(n, _submitted_by="al.binhtan") for n in range(1, 7)]
    kobo = FakeKobo(server, sent, honours_query=True)
    kobo.faults += [None] + [status(503, {"Retry-After": "1"})] * 2
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPI_", "PREFECT_"))}
    env |= {
        "PAPI_DATA_DIR": str(tmp_path / "data"),
        "PAPI_HTTP_SOURCE_URL": kobo.url,
        "PAPI_HTTP_SOURCE_TOKEN": TOKEN,
        "PAPI_HTTP_SOURCE_ACCOUNTS": "al.binhtan=AL",
        "PAPI_HTTP_SOURCE_RETRIES": "1",
    }

    def papi() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "papi_etl", "collect", "--source", "http"],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    first = papi()

    assert first.returncode == 2
    assert "Traceback" not in first.stderr and TOKEN not in first.stdout + first.stderr
    assert f"Nguồn http:127.0.0.1:{server.port}{PATH.rstrip('/')} bị lỗi" in first.stdout
    assert "/ Source http:" in first.stdout and "last: HTTP 503" in first.stdout
    assert "Đã nhận 2 tệp" in first.stdout

    second = papi()

    assert second.returncode == 0, second.stderr
    assert "Received 4: 0 new, 4 superseding, 0 duplicate, 0 rejected." in second.stdout
    record(
        "source faults",
        "HTTP API answering 503 past the retries, seen through `papi-etl collect`",
        1,
        "exit 2, the source named in VI/EN, no traceback, no token; the next run exit 0 with "
        "the 4 items left",
    )


# --- the drop folder -----------------------------------------------------------------

WRITER = """
import os, sys
path, content, moment = sys.argv[1], open(sys.argv[2], "rb").read(), float(sys.argv[3])
with open(path, "wb") as out:
    out.write(content[: len(content) // 2])
    out.flush()
    print("half", flush=True)
    sys.stdin.readline()  # the collector runs meanwhile
    out.write(content[len(content) // 2 :])
os.utime(path, (moment, moment))  # a copy keeps the original's time, as cp -p and Explorer do
"""


@pytest.mark.reliability
def test_a_report_still_being_copied_is_left_for_the_next_run(
    workspace, inbox, tmp_path, make_submission
):
    source = tmp_path / "AL_2019-Q1.xlsx"
    forms.write(make_submission("AL"), "xlsx", source, PLAN.plan)
    target = inbox / "AL" / "AL_2019-Q1.xlsx"
    target.parent.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target), str(source), str(ARRIVED.timestamp())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdin is not None
    assert writer.stdout.readline() == "half\n"

    # The drop folder as `collect` and the flows configure it.
    [configured_inbox] = configured.sources(workspace.settings, inbox, {"inbox"})

    first = run(workspace, configured_inbox)

    [skipped] = first.skipped
    assert skipped.original_name == "AL/AL_2019-Q1.xlsx"
    assert "đang được chép" in skipped.reason_vi and "still being copied" in skipped.reason_en
    assert first.count(Outcome.NEW) == len(OTHERS) and first.failures == ()
    assert count(workspace, schema.RawFile) == len(OTHERS)  # the half file is not archived
    writer.communicate("done\n", timeout=30)
    assert writer.returncode == 0

    second = run(workspace, configured_inbox)

    assert [(i.file, i.outcome, i.version) for i in second.items if i.outcome != "duplicate"] == [
        ("AL/AL_2019-Q1.xlsx", Outcome.NEW, 1)
    ]
    assert second.skipped == ()
    record(
        "source faults",
        "drop folder: an XLSX half-written by another process while collect reads the folder",
        1,
        "left for the next run and said so (VI/EN), nothing of it archived; the other units "
        "taken in; the next run took the whole file as v1",
    )


@pytest.mark.reliability
def test_a_file_removed_mid_run_is_named_and_the_run_goes_on(workspace, inbox):
    doomed = sorted(inbox.rglob("*.json"))[-1]  # the last one read (same times: by path)
    kept = doomed.read_bytes()

    class RemovedAfterTheFirst(InboxSource):
        """The unit removes the file once the run has listed the folder and read one."""

        def fetch(self, cursor):
            for number, item in enumerate(super().fetch(cursor)):
                if number == 0:
                    doomed.unlink(missing_ok=True)
                yield item

    first = run(workspace, RemovedAfterTheFirst(inbox))

    [skipped] = first.skipped
    assert skipped.original_name == str(doomed.relative_to(inbox))
    assert "bị xóa hoặc chuyển đi" in skipped.reason_vi and "removed or moved" in skipped.reason_en
    assert first.count(Outcome.NEW) == len(OTHERS) - 1 and first.failures == ()
    doomed.write_bytes(kept)  # the unit drops it again
    os.utime(doomed, (ARRIVED.timestamp(),) * 2)

    second = run(workspace, InboxSource(inbox))

    assert second.count(Outcome.NEW) == 1 and second.skipped == ()
    record(
        "source faults",
        "drop folder: a file removed after the run listed it, before it was read",
        1,
        "named as left for the next run (VI/EN), the run went on (it used to stop with "
        "FileNotFoundError); taken once dropped again",
    )


# --- the archive's disk ---------------------------------------------------------------


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def raw_mount(workspace) -> Iterator[Path]:
    """The archive folder as a mount point of its own (root only), unmounted at the end."""
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    raw = workspace.data_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    yield raw
    while subprocess.run(["umount", str(raw)], capture_output=True).returncode == 0:
        pass  # a bind over a tmpfs, or either alone


@pytest.fixture
def district(tmp_path) -> Path:
    """Twenty-five reports of 2019-Q1 as JSON (~10-40 KB each)."""
    from papi_etl import calendar, synth

    folder = tmp_path / "district"
    period = calendar.period(PLAN.plan, "2019-Q1")
    reports = synth.build(PLAN.plan, 461, [period], "json")
    synth.write(PLAN.plan, reports, folder, "json", seed=461, clean=False)
    return folder


def reference(district: Path, tmp_path: Path):
    folder = tmp_path / "reference"
    settings = Settings(data_dir=folder, database_url=None)
    done = open_workspace(settings, PLAN)
    run(done, InboxSource(district))
    done.sessions.kw["bind"].dispose()
    return take(settings.resolved_database_url, folder)


@pytest.mark.reliability
def test_an_archive_disk_remounted_read_only_mid_run(
    workspace, raw_mount, district, tmp_path, monkeypatch
):
    # Batches of 5 files per transaction: the disk turns read-only after the second.
    monkeypatch.setattr(collect_module, "BATCH_ITEMS", 5)
    mount("--bind", str(raw_mount), str(raw_mount))
    taken: list[object] = []

    def read_only_after_ten(item) -> None:
        taken.append(item)
        if len(taken) == 10:
            mount("-o", "remount,bind,ro", str(raw_mount))

    first = run(workspace, InboxSource(district), on_item=read_only_after_ten)

    [failure] = first.failures
    assert "Read-only file system" in failure.error
    assert "Không lưu được tệp vào kho lưu trữ gốc" in failure.error
    assert "Cannot keep the file in the raw archive" in failure.error
    assert len(first.items) == 10
    url = workspace.settings.resolved_database_url
    expected = reference(district, tmp_path)
    assert faults(take(url, workspace.data_dir), expected, inbox_order(district)) == []
    mount("-o", "remount,bind,rw", str(raw_mount))

    second = run(workspace, InboxSource(district))

    assert second.failures == () and len(second.items) == len(expected.taken)
    final = take(url, workspace.data_dir)
    assert complete(final, expected)
    record(
        "source faults",
        "the raw archive's disk remounted read-only mid-collect (mount -o remount,ro)",
        1,
        "the source stopped at the refused file with a VI/EN message (EROFS), the 10 before "
        "it whole, nothing half-stored; the next run, writable, took the rest",
    )


@pytest.mark.reliability
def test_a_full_archive_disk(workspace, raw_mount, district, tmp_path):
    sizes = sorted(p.stat().st_size for p in district.rglob("*.json"))
    room = 4096 * sum((size + 4095) // 4096 for size in sizes[:8])  # about eight reports
    mount("-t", "tmpfs", "-o", f"size={room}", "tmpfs", str(raw_mount))

    first = run(workspace, InboxSource(district))

    [failure] = first.failures
    assert "No space left on device" in failure.error
    assert "giải phóng dung lượng" in failure.error and "free space" in failure.error
    assert 0 < len(first.items) < 25
    assert not [p for p in raw_mount.rglob(".incoming-*")]  # the cut-short copy removed
    url = workspace.settings.resolved_database_url
    expected = reference(district, tmp_path)
    assert faults(take(url, workspace.data_dir), expected, inbox_order(district)) == []
    mount("-o", "remount,size=64m", str(raw_mount))

    second = run(workspace, InboxSource(district))

    assert second.failures == ()
    final = take(url, workspace.data_dir)
    assert complete(final, expected)
    record(
        "source faults",
        f"the raw archive's disk full (a {room // 1024} KiB tmpfs) during a collect of the "
        "district's 2019-Q1 reports",
        1,
        f"{len(first.items)} reports taken in, then the source stopped with a VI/EN message "
        "(ENOSPC), no partial file left; the next run, with room, took the rest once each",
    )
