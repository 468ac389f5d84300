"""`papi-etl findings` and `papi-etl steward accept`, run as a steward or a script would."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from papi_etl import forms
from papi_etl.ingest import ingest
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN, Settings
from papi_etl.sources.base import Received
from papi_etl.store import schema
from papi_etl.validation import outcome
from papi_etl.validation.finding import Finding
from papi_etl.workspace import open_workspace

ARRIVED = dt.datetime(2019, 3, 5, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
REASON = "Số liệu đúng: phường tổ chức thêm đối thoại theo chỉ đạo của Quận ủy."


def finding(submission_id: int, unit: str, row: int, field: str = "value") -> Finding:
    return Finding(
        submission_id=submission_id,
        unit=unit,
        period="2019-Q1",
        sheet="ChiSo",
        row=row,
        field=field,
        rule="value_in_range",
        value="900",
        message_vi="Giá trị 900 ngoài giới hạn 0 – 500 (cuộc).",
        message_en="Value 900 is outside 0 – 500.",
        hint="Kiểm tra lại số liệu; nếu đúng, ghi giải thích ở cột Ghi chú.",
    )


@pytest.fixture
def store(tmp_path, database_url, make_submission):
    """AL with two open findings, TT with one, BTD valid: {unit: (submission id, [ids])}."""
    workspace = open_workspace(
        Settings(data_dir=tmp_path / "papi-data", database_url=database_url), load(DEFAULT_PLAN)
    )
    made = {}
    numbers = itertools.count(1)
    for unit, rows in (("AL", [1, 2]), ("TT", [1]), ("BTD", [])):
        path = tmp_path / "sent" / f"{unit}-{next(numbers)}.json"
        forms.write(make_submission(unit), "json", path, workspace.plan)
        with workspace.sessions.begin() as session:
            item = Received(path.read_bytes(), "inbox", path.name, ARRIVED, unit)
            sid = ingest(session, workspace.plan, item, workspace.data_dir).submission_id
            found = [finding(sid, unit, row) for row in rows]
            outcome.record(session, workspace.plan, [sid], found)
        with workspace.sessions() as session:
            ids = session.scalars(
                select(schema.Finding.id)
                .where(schema.Finding.submission_id == sid)
                .order_by(schema.Finding.row)
            ).all()
        made[unit] = (sid, list(ids))
    return made


@pytest.fixture
def cli(papi, database_url):
    return lambda *args: papi(*args, env={"PAPI_DATABASE_URL": database_url})


def test_findings_shows_the_queue_by_unit_in_vietnamese_and_exits_1(cli, store):
    result = cli("findings", "--period", "2019-Q1")
    assert result.code == 1, result.err
    out = result.out
    al = store["AL"]
    assert out.index("Ủy ban nhân dân phường An Lạc (AL): 2 lỗi chưa xử lý") < out.index(
        "(TT): 1 lỗi chưa xử lý"
    )
    assert (
        f"Lỗi số {al[1][0]} (báo cáo số {al[0]}, kỳ 2019-Q1, phiên bản 1; mã quy tắc "
        "value_in_range):\n    Vị trí: Báo cáo JSON, chỉ tiêu thứ 1 (I1.01), trường value."
    ) in out
    assert "Giá trị 900 ngoài giới hạn 0 – 500 (cuộc)." in out
    assert "Cách sửa: Kiểm tra lại số liệu" in out
    assert "(BTD)" not in out
    assert "Tổng cộng 3 lỗi chưa xử lý của 2 đơn vị." in out
    assert "papi-etl steward accept" in out and "3 open finding(s) in 2 unit(s)." in out


def test_findings_json_is_a_list_of_objects_and_filters_by_unit(cli, store):
    result = cli("findings", "--unit", "tt", "--json")
    assert result.code == 1, result.err
    (entry,) = json.loads(result.out)
    sid, (fid,) = store["TT"]
    assert entry == {
        "finding_id": fid,
        "unit": "TT",
        "period": "2019-Q1",
        "submission_id": sid,
        "version": 1,
        "sheet": "ChiSo",
        "row": 1,
        "field": "value",
        "place_vi": "Báo cáo JSON, chỉ tiêu thứ 1 (I1.01), trường value",
        "rule": "value_in_range",
        "value": "900",
        "message_vi": "Giá trị 900 ngoài giới hạn 0 – 500 (cuộc).",
        "message_en": "Value 900 is outside 0 – 500.",
        "hint": "Kiểm tra lại số liệu; nếu đúng, ghi giải thích ở cột Ghi chú.",
        "decisions": [],
    }


def test_an_empty_queue_exits_0(cli, store):
    result = cli("findings", "--unit", "BTD")
    assert result.code == 0, result.err
    assert "Không có lỗi nào chưa xử lý." in result.out
    assert json.loads(cli("findings", "--unit", "BTD", "--json").out) == []


def test_steward_accept_records_the_decision_and_settles_the_submission(cli, store):
    sid, (fid,) = store["TT"]
    result = cli(
        "steward",
        "accept",
        str(sid),
        "--finding",
        str(fid),
        "--reason",
        REASON,
        "--by",
        "Trần Thị Bình",
    )
    assert result.code == 0, result.err
    assert (
        f"Đã chấp nhận ngoại lệ cho lỗi số {fid} của báo cáo số {sid} (TT, kỳ 2019-Q1, "
        "phiên bản 1)."
    ) in result.out
    assert "Người quyết định: Trần Thị Bình, lúc " in result.out and REASON in result.out
    assert "Tình trạng báo cáo: Chấp nhận ngoại lệ." in result.out
    assert "the submission is now accepted with exception" in result.out
    queue = json.loads(cli("findings", "--json").out)
    assert [e["unit"] for e in queue] == ["AL", "AL"]


def test_steward_accept_json_for_scripts(cli, store):
    sid, (first, _) = store["AL"]
    result = cli(
        "steward",
        "accept",
        str(sid),
        "--finding",
        str(first),
        "--reason",
        REASON,
        "--by",
        "Trần Thị Bình",
        "--json",
    )
    assert result.code == 0, result.err
    done = json.loads(result.out)
    assert {k: done[k] for k in ("finding_id", "submission_id", "unit", "submission_status")} == {
        "finding_id": first,
        "submission_id": sid,
        "unit": "AL",
        "submission_status": "invalid",
    }
    decided = done["decision"]
    assert (decided["decision"], decided["reason"], decided["decided_by"]) == (
        "accept_exception",
        REASON,
        "Trần Thị Bình",
    )
    assert dt.datetime.fromisoformat(decided["decided_at"]).utcoffset() == dt.timedelta(hours=7)


def test_steward_accept_refusals_exit_2_with_a_message_and_record_nothing(cli, store):
    sid, (fid, _) = store["AL"]
    other = store["TT"][0]
    for submission, reason, by, says in (
        (999, REASON, "Bình", "không có báo cáo số 999"),
        (sid, " ", "Bình", "lý do; mục này đang để trống"),
        (sid, REASON, "", "họ tên người quyết định"),
        (other, REASON, "Bình", f"không có lỗi số {fid}"),
    ):
        result = cli(
            "steward",
            "accept",
            str(submission),
            "--finding",
            str(fid),
            "--reason",
            reason,
            "--by",
            by,
        )
        assert result.code == 2, says
        assert says in result.err and "Traceback" not in result.err
    assert json.loads(cli("findings", "--unit", "AL", "--json").out)[0]["decisions"] == []


def test_usage_errors_exit_2(cli):
    missing_reason = cli("steward", "accept", "1", "--finding", "1", "--by", "Bình")
    assert missing_reason.code == 2 and "--reason" in missing_reason.err
    unknown_period = cli("findings", "--period", "2019-Q5")
    assert unknown_period.code == 2 and "2019-Q5" in unknown_period.err
    assert "Traceback" not in missing_reason.err + unknown_period.err
