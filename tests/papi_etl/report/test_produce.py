"""Producing a period's report: versions follow the content, supplementary after delivery.

The main path renders the real files; the edge cases replace the renderer with one that
writes two small files, since what they test is which version is recorded, not the files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from docx import Document
from report_store import HELD_BACK, ISSUED_ON, PERIOD, fill, set_status
from sqlalchemy import func, select, update

from papi_etl.errors import UnknownPeriodError
from papi_etl.report import content, produce
from papi_etl.report.model import Report
from papi_etl.settings import Settings
from papi_etl.store import schema
from papi_etl.workspace import Workspace, open_workspace

EXPECTED_FILES = {
    f"bao-cao-papi-2019-Q1-v1{suffix}"
    for suffix in (
        ".docx",
        ".pdf",
        ".xlsx",
        ".md",
        ".html",
        ".json",
        "-ty-le-bao-cao.png",
        "-chi-so-thuc-hien.png",
        "-xu-huong.png",
    )
}


def _produce(workspace: Workspace, out: Path, day: dt.date = ISSUED_ON) -> produce.ProducedReport:
    with workspace.sessions.begin() as session:
        return produce.produce(session, workspace.plan, PERIOD, out, issued_on=day)


def _rows(workspace: Workspace) -> list[schema.Report]:
    with workspace.sessions() as session:
        return list(session.scalars(select(schema.Report).order_by(schema.Report.version)))


def _deliver(workspace: Workspace, version: int, state: schema.DeliveryState) -> None:
    with workspace.sessions.begin() as session:
        report = session.scalars(
            select(schema.Report).where(schema.Report.version == version)
        ).one()
        session.add(
            schema.Delivery(
                report_id=report.id,
                idempotency_key=f"test/{version}/{state.value}",
                channel="http",
                target_url="https://city.example/reports",
                state=state,
                attempts=1,
            )
        )


def _fake_render(report: Report, folder: Path) -> dict[str, Path]:
    stem = report.file_stem
    paths = {"json": folder / f"{stem}.json", "md": folder / f"{stem}.md"}
    paths["json"].write_text(content.canonical(report), encoding="utf-8")
    paths["md"].write_text(report.heading, encoding="utf-8")
    return paths


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(produce, "render", _fake_render)


def test_the_first_report_is_version_1_with_every_file_recorded(workspace, tmp_path):
    out = tmp_path / "reports"
    produced = _produce(workspace, out)
    assert (produced.version, produced.supplementary, produced.created) == (1, False, True)
    assert produced.folder == out / PERIOD / "v1"
    assert {p.name for p in produced.folder.iterdir()} == EXPECTED_FILES
    assert [p.name for p in (out / PERIOD).iterdir()] == ["v1"]  # no staging left behind
    (row,) = _rows(workspace)
    assert row.content_sha256 == produced.sha256
    for entry in row.files:
        data = Path(entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
        assert entry["media_type"]


def test_same_data_same_version_then_a_supplementary_version_after_delivery(workspace, tmp_path):
    out = tmp_path / "reports"
    first = _produce(workspace, out)
    stamps = {p: p.stat().st_mtime_ns for p in first.folder.iterdir()}

    again = _produce(workspace, out, day=ISSUED_ON + dt.timedelta(days=3))
    assert (again.version, again.created, again.written) == (1, False, False)
    assert again.sha256 == first.sha256
    assert {p: p.stat().st_mtime_ns for p in first.folder.iterdir()} == stamps
    assert len(_rows(workspace)) == 1

    _deliver(workspace, 1, schema.DeliveryState.DELIVERED)
    set_status(workspace, schema.SubmissionStatus.VALID, HELD_BACK)
    second = _produce(workspace, out)
    assert (second.version, second.supplementary, second.created) == (2, True, True)
    assert second.changes[0] == "Được tổng hợp thêm báo cáo của 1 đơn vị: Phường An Lạc."
    assert not any(line.startswith("Tỷ lệ báo cáo:") for line in second.changes)  # same units sent
    text = "\n".join(p.text for p in Document(str(second.paths["docx"])).paragraphs)
    assert "BÁO CÁO BỔ SUNG" in text and "NỘI DUNG BỔ SUNG, ĐIỀU CHỈNH" in text
    assert "bổ sung, thay thế báo cáo phiên bản 1 đã gửi" in text
    assert second.changes[0] in text
    assert [(r.version, r.supplementary) for r in _rows(workspace)] == [(1, False), (2, True)]
    assert first.paths["docx"].exists()  # a version's files are never replaced


@pytest.mark.usefixtures("fast")
@pytest.mark.parametrize("state", [None, schema.DeliveryState.PENDING, schema.DeliveryState.FAILED])
def test_changed_data_without_a_delivery_is_a_plain_new_version(workspace, tmp_path, state):
    out = tmp_path / "reports"
    _produce(workspace, out)
    if state is not None:
        _deliver(workspace, 1, state)
    set_status(workspace, schema.SubmissionStatus.VALID, HELD_BACK)
    second = _produce(workspace, out)
    assert (second.version, second.supplementary, second.changes) == (2, False, ())
    assert second.paths["md"].read_text(encoding="utf-8") == "BÁO CÁO"


@pytest.mark.usefixtures("fast")
def test_content_back_to_an_older_version_is_still_a_new_version(workspace, tmp_path):
    out = tmp_path / "reports"
    first = _produce(workspace, out)
    set_status(workspace, schema.SubmissionStatus.VALID, HELD_BACK)
    _produce(workspace, out)
    set_status(workspace, schema.SubmissionStatus.RECEIVED, HELD_BACK)
    third = _produce(workspace, out)
    assert third.version == 3 and third.sha256 == first.sha256


@pytest.mark.usefixtures("fast")
def test_files_gone_are_rendered_again_under_the_same_version(workspace, tmp_path):
    out = tmp_path / "reports"
    first = _produce(workspace, out)
    first.paths["md"].unlink()
    again = _produce(workspace, out)
    assert (again.version, again.created, again.written) == (1, False, True)
    assert again.paths["md"].exists()
    assert len(_rows(workspace)) == 1


def _synthetic(produced: produce.ProducedReport) -> bool:
    return json.loads(produced.paths["json"].read_text(encoding="utf-8"))["synthetic"]


@pytest.mark.usefixtures("fast")
def test_the_synthetic_notice_follows_the_counted_reports(workspace, tmp_path):
    out = tmp_path / "reports"
    assert _synthetic(_produce(workspace, out)) is True
    with workspace.sessions.begin() as session:
        task = schema.SubmissionTask
        session.execute(update(task).values(result="Đã tổ chức 02 hội nghị."))
    real = _produce(workspace, out)
    assert real.version == 2 and _synthetic(real) is False


@pytest.mark.usefixtures("fast")
def test_a_delivered_version_whose_figures_are_lost_is_named_in_the_changes(workspace, tmp_path):
    out = tmp_path / "reports"
    first = _produce(workspace, out)
    _deliver(workspace, 1, schema.DeliveryState.DELIVERED)
    first.paths["json"].unlink()
    set_status(workspace, schema.SubmissionStatus.VALID, HELD_BACK)
    second = _produce(workspace, out)
    assert second.supplementary
    assert second.changes[0].startswith("Không đọc được số liệu của báo cáo phiên bản 1 đã gửi")


def test_an_unknown_period_is_refused(workspace, tmp_path):
    with workspace.sessions.begin() as session, pytest.raises(UnknownPeriodError):
        produce.produce(session, workspace.plan, "2030-Q9", tmp_path)


@pytest.mark.usefixtures("fast")
def test_versioning_on_each_backend(database_url, tmp_path, loaded):
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "data", database_url=database_url), loaded
    )
    try:
        fill(workspace, tmp_path / "inbox")
        out = tmp_path / "reports"
        assert _produce(workspace, out).version == 1
        assert _produce(workspace, out).created is False
        _deliver(workspace, 1, schema.DeliveryState.DELIVERED)
        set_status(workspace, schema.SubmissionStatus.VALID, HELD_BACK)
        second = _produce(workspace, out)
        assert (second.version, second.supplementary) == (2, True)
        with workspace.sessions() as session:
            assert session.scalar(select(func.count()).select_from(schema.Report)) == 2
    finally:
        workspace.sessions.kw["bind"].dispose()
