"""A batch taken in at once (`ingest.take_in`, as collect does) must leave the store exactly
as taking its items in one by one does, on SQLite and PostgreSQL, even where the items of
one batch meet: the same bytes twice, two versions of one report, a rejection between
accepted files, a source's cursor, an archive that refuses one of them.

Each case runs the batch, reads back every row it wrote, rolls back, then does the same item
by item (`ingest`, and the cursor merged after each item, as collect once did) and compares.
Ids are compared by rank (PostgreSQL's sequences do not roll back), timestamps of the rows'
own bookkeeping not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import itertools
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from papi_etl import archive, collect, forms
from papi_etl.archive import ArchiveError
from papi_etl.ingest import Ingested, Outcome, ingest
from papi_etl.sources.base import Received
from papi_etl.store import schema
from papi_etl.submission import Submission
from papi_etl.workspace import Workspace

ARRIVED = dt.datetime(2019, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LATER = ARRIVED + dt.timedelta(days=2)
SOURCE = "inbox"
TABLES: tuple[Table, ...] = tuple(
    model.__table__
    for model in (
        schema.RawFile,
        schema.Submission,
        schema.SubmissionTask,
        schema.IndicatorValue,
        schema.SourceCursor,
    )
)
BOOKKEEPING = {"created_at", "updated_at"}

Make = Callable[..., Received]
State = dict[str, list[tuple[object, ...]]]
Outcomes = tuple[list[Ingested], str | None, State]  # what became of each, refusal, rows


@pytest.fixture
def make(tmp_path: Path, workspace: Workspace) -> Make:
    """A received item: a report written as JSON, dropped in `folder` (its unit's)."""
    numbers = itertools.count(1)

    def make_one(
        submission: Submission,
        arrived: dt.datetime = ARRIVED,
        folder: str | None = None,
        cursor: str | None = None,
    ) -> Received:
        path = tmp_path / "sent" / f"{submission.unit}-{next(numbers)}.json"
        forms.write(submission, "json", path, workspace.plan)
        folder = submission.unit if folder is None else folder
        return Received(path.read_bytes(), SOURCE, path.name, arrived, folder, cursor)

    return make_one


def _state(session: Session) -> State:
    """Every row the intake writes, ids and the ids they refer to replaced by their rank."""
    session.flush()
    ranks: dict[str, dict[object, int]] = {}
    state: State = {}
    for table in TABLES:
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        if "id" in table.c:
            ranks[table.name] = {row.id: rank for rank, row in enumerate(rows)}
        kept = []
        for row in rows:
            values = []
            for column in table.c:
                value = row._mapping[column]
                if column.name in BOOKKEEPING:
                    continue
                if column.name == "id":
                    value = ranks[table.name][value]
                for key in column.foreign_keys:
                    if value is not None and key.column.table.name in ranks:
                        value = ranks[key.column.table.name][value]
                values.append((column.name, value))
            kept.append(tuple(values))
        state[table.name] = kept
    return state


def _ranked(done: list[Ingested], session: Session) -> list[Ingested]:
    ids = sorted(session.scalars(select(schema.Submission.id)))
    return [
        dataclasses.replace(d, submission_id=ids.index(d.submission_id))
        if d.submission_id is not None
        else d
        for d in done
    ]


def _batched(workspace: Workspace, items: Sequence[Received]) -> Outcomes:
    with workspace.sessions() as session:
        done, refused = collect._take_in(workspace.plan, items, workspace.data_dir, SOURCE, session)
        outcome = _ranked(done, session), str(refused) if refused else None, _state(session)
        session.rollback()
    return outcome


def _one_by_one(workspace: Workspace, items: Sequence[Received]) -> Outcomes:
    done: list[Ingested] = []
    refused: ArchiveError | None = None
    with workspace.sessions() as session:
        for item in items:
            try:
                done.append(ingest(session, workspace.plan, item, workspace.data_dir))
            except ArchiveError as error:
                refused = error
                break
            if item.cursor is not None:
                session.merge(
                    schema.SourceCursor(
                        plan_id=workspace.plan.id, source=SOURCE, cursor=item.cursor
                    )
                )
        outcome = _ranked(done, session), str(refused) if refused else None, _state(session)
        session.rollback()
    return outcome


def _same_as_one_by_one(workspace: Workspace, items: Sequence[Received]) -> Outcomes:
    """What the batch gave (outcomes, refusal, rows), after checking it against one by one."""
    batched = _batched(workspace, items)
    assert batched == _one_by_one(workspace, items)
    return batched


def test_the_same_bytes_twice_in_one_batch(workspace, make, make_submission):
    first = make(make_submission("AL"))
    again = dataclasses.replace(first, original_name="AL (bản sao).json")
    items = [first, again, make(make_submission("BTD"))]

    done, refused, state = _same_as_one_by_one(workspace, items)

    assert [d.outcome for d in done] == [Outcome.NEW, Outcome.DUPLICATE, Outcome.NEW]
    assert refused is None
    assert len(state["raw_files"]) == 2 and len(state["submissions"]) == 2


@pytest.mark.parametrize("stored_before", [0, 1])
def test_two_versions_of_one_report_in_one_batch(workspace, make, make_submission, stored_before):
    """v1 then v2 in the batch (after a version already stored, or none): each supersedes
    the one before it, the chain unbroken across the store and the batch."""
    if stored_before:
        with workspace.sessions.begin() as session:
            ingest(session, workspace.plan, make(make_submission("AL")), workspace.data_dir)
    items = [
        make(make_submission("AL", result="Lần 1")),
        make(make_submission("BTD")),
        make(make_submission("AL", result="Lần 2"), arrived=LATER),
    ]

    done, _, state = _same_as_one_by_one(workspace, items)

    first = Outcome.SUPERSEDED if stored_before else Outcome.NEW
    assert [(d.outcome, d.unit, d.version) for d in done] == [
        (first, "AL", stored_before + 1),
        (Outcome.NEW, "BTD", 1),
        (Outcome.SUPERSEDED, "AL", stored_before + 2),
    ]
    al = [dict(row) for row in state["submissions"] if dict(row)["unit_code"] == "AL"]
    assert [(s["version"], s["status"]) for s in al] == [
        *[(v, schema.SubmissionStatus.SUPERSEDED) for v in range(1, stored_before + 3 - 1)],
        (stored_before + 2, schema.SubmissionStatus.RECEIVED),
    ]
    for earlier, later in itertools.pairwise(al):
        assert earlier["superseded_by_id"] == later["id"]


def test_a_rejection_between_accepted_files(workspace, make, make_submission):
    good = make(make_submission("AL"))
    truncated = dataclasses.replace(
        good, content=good.content[: len(good.content) // 2], original_name="AL-dang-chep.json"
    )
    items = [
        good,
        truncated,
        make(make_submission("BTD"), folder="AL"),  # a unit reporting for another
        make(make_submission("BTD", result="Đã thực hiện xong")),
    ]

    done, _, state = _same_as_one_by_one(workspace, items)

    assert [d.outcome for d in done] == [
        Outcome.NEW,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.NEW,
    ]
    assert done[2].rejection_code == "wrong_unit" and "thay đơn vị khác" in done[2].reason_vi
    assert [dict(r)["rejection_code"] for r in state["raw_files"]] == [
        None,
        done[1].rejection_code,
        "wrong_unit",
        None,
    ]


def test_the_cursor_moves_with_the_items_it_follows(workspace, make, make_submission):
    items = [
        make(make_submission("AL"), cursor="1"),
        make(make_submission("BTD"), cursor="2"),
        make(make_submission("TT")),
    ]

    _, _, state = _same_as_one_by_one(workspace, items)

    assert [dict(r)["cursor"] for r in state["source_cursors"]] == ["2"]


@pytest.fixture
def refusing(monkeypatch) -> Callable[[bytes], None]:
    """Make the archive's disk refuse one content (full), as it would the file it fills."""
    refused: set[bytes] = set()
    write = archive._write

    def full_for_some(incoming: Path, target: Path, content: bytes) -> Path:
        if content in refused:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(incoming, target, content)

    monkeypatch.setattr(archive, "_write", full_for_some)
    return refused.add


def test_an_archive_refusal_mid_batch_keeps_the_items_before_it(
    workspace, make, make_submission, refusing
):
    units = ("AL", "BTD", "TT", "PNV")
    items = [make(make_submission(u), cursor=str(n)) for n, u in enumerate(units, start=1)]
    refusing(items[2].content)

    done, refused, state = _same_as_one_by_one(workspace, items)

    assert [d.unit for d in done] == ["AL", "BTD"]
    assert refused is not None and "No space left on device" in refused
    assert [dict(r)["cursor"] for r in state["source_cursors"]] == ["2"]
    assert not archive.path_of(workspace.data_dir, archive.digest(items[2].content)).exists()
    assert not archive.path_of(workspace.data_dir, archive.digest(items[3].content)).exists()
    assert not list((workspace.data_dir / "raw").rglob(".incoming-*"))


def test_a_failed_sync_refuses_what_the_batch_wrote(tmp_path, monkeypatch):
    """The disk does not say which file it could not write back: every file the batch wrote
    is refused, from the first; bytes kept before are still kept."""
    there, new, other = b"kept before", b"written now", b"written next"
    archive.store(tmp_path, [there])

    def failing(watch: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(archive, "_sync", failing)
    kept, refused = archive.store(tmp_path, [there, new, there, other])

    assert kept == [(archive.digest(there), archive.path_of(tmp_path, archive.digest(there)))]
    assert refused is not None and "Input/output error" in str(refused)
    assert not archive.path_of(tmp_path, archive.digest(new)).exists()
    assert not list((tmp_path / "raw").rglob(".incoming-*"))


def test_a_superseded_version_held_by_the_session_shows_its_successor(
    workspace, make, make_submission
):
    with workspace.sessions.begin() as session:
        first = ingest(session, workspace.plan, make(make_submission("AL")), workspace.data_dir)
        held = session.get(schema.Submission, first.submission_id)
        assert held is not None and held.status is schema.SubmissionStatus.RECEIVED
        v2 = make(make_submission("AL", result="Đã bổ sung"), arrived=LATER)
        second = ingest(session, workspace.plan, v2, workspace.data_dir)
        assert held.status is schema.SubmissionStatus.SUPERSEDED
        assert held.superseded_by_id == second.submission_id


def test_what_a_killed_batch_left_is_cleared_by_a_later_one_once_stale(tmp_path):
    """A kill between a batch's writes and its renames leaves its temporary files in
    raw/.incoming; the next batch that writes removes those older than STALE_AFTER and
    leaves younger ones (another run may be writing them)."""
    archive.store(tmp_path, [b"a first batch"])
    incoming = tmp_path / "raw" / archive.INCOMING
    stale, fresh = incoming / ".incoming-killed", incoming / ".incoming-writing"
    stale.write_bytes(b"half of a batch")
    fresh.write_bytes(b"another run's")
    long_ago = time.time() - archive.STALE_AFTER - 60
    os.utime(stale, (long_ago, long_ago))

    archive.store(tmp_path, [b"a later batch"])

    assert not stale.exists()
    assert fresh.exists()
    assert [p.name for p in incoming.iterdir()] == [fresh.name]
    assert archive.read(tmp_path, archive.digest(b"a later batch")) == b"a later batch"
