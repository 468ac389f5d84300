"""The CSV form as Excel and clerks produce it: BOM or not, ',' or ';', titles above."""

from __future__ import annotations

import pytest

from papi_etl import forms
from papi_etl.forms import RejectedSubmission, RejectionCode
from papi_etl.submission import IndicatorRow, TaskRow

KEYS = ["unit", "period", "task", "status", "result", "evidence", "difficulties", "proposals"]
KEYS += ["indicator", "value", "note"]
ROWS = [
    [
        "AL",
        "2019-Q1",
        "D1.01",
        "Hoàn thành",
        "Đã tổ chức 2 hội nghị",
        "Số 12/BC-UBND ngày 05/03/2019",
        "",
        "",
        "",
        "",
        "",
    ],
    ["AL", "2019-Q1", "", "", "", "", "", "", "I1.01", "1.234,5", ""],
    ["AL", "2019-Q1", "", "", "", "", "", "", "I1.02", "", "không phát sinh"],
]
EXPECTED_TASK = TaskRow(
    2,
    "D1.01",
    "hoan_thanh",
    "Đã tổ chức 2 hội nghị",
    "Số 12/BC-UBND ngày 05/03/2019",
    "",
    "",
    "AL",
    "2019-Q1",
)
EXPECTED_INDICATORS = (
    IndicatorRow(3, "I1.01", 1234.5, "", "", "AL", "2019-Q1"),
    IndicatorRow(4, "I1.02", None, "", "không phát sinh", "AL", "2019-Q1"),
)


def _csv(delimiter: str, rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return f'"{text}"' if delimiter in text or "\n" in text else text

    return "".join(delimiter.join(cell(c) for c in row) + "\r\n" for row in rows)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_either_delimiter_with_or_without_a_bom(plan, delimiter, bom):
    content = bom + _csv(delimiter, [KEYS, *ROWS]).encode()
    submission = forms.read(content, "AL_2019-Q1.csv", plan)
    assert submission.form == "csv"
    assert submission.tasks == (EXPECTED_TASK,)
    assert submission.indicators == EXPECTED_INDICATORS


def test_title_lines_above_the_key_row_are_skipped(plan):
    title = [["BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ"], ["Đơn vị: Phường An Lạc; kỳ: Quý I năm 2019"]]
    content = _csv(";", [*title, [], KEYS, *ROWS]).encode()
    submission = forms.read(content, "AL.csv", plan)
    assert submission.tasks[0].row == EXPECTED_TASK.row + 3
    assert [x.indicator for x in submission.indicators] == ["I1.01", "I1.02"]


def test_vietnamese_headers_stand_for_the_keys(plan):
    headers = ["Mã đơn vị", "Kỳ báo cáo", "Mã nhiệm vụ", "Tình trạng", "Kết quả thực hiện"]
    headers += ["Văn bản minh chứng (số/ký hiệu, ngày dd/mm/yyyy)", "Khó khăn, vướng mắc"]
    headers += ["Đề xuất, kiến nghị", "Mã chỉ tiêu", "Giá trị", "Ghi chú"]
    submission = forms.read(_csv(";", [headers, *ROWS]).encode(), "AL.csv", plan)
    assert submission.tasks == (EXPECTED_TASK,)


def test_a_cell_spanning_lines_keeps_the_following_rows_on_their_lines(plan):
    rows = [KEYS, ROWS[0][:4] + ["dòng một\ndòng hai\ndòng ba"] + ROWS[0][5:], ROWS[1]]
    submission = forms.read(_csv(",", rows).encode(), "AL.csv", plan)
    assert submission.tasks[0].result == "dòng một\ndòng hai\ndòng ba"
    assert submission.indicators[0].row == 5


def test_a_csv_sent_as_a_text_file_is_still_read(plan):
    assert forms.read(_csv(",", [KEYS, *ROWS]).encode(), "baocao.txt", plan).form == "csv"


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        (["AL", "2019-Q1", "D1.01", "", "", "", "", "", "", "5", ""], "task, value"),
        (["AL", "2019-Q1", "", "hoan_thanh", "", "", "", "", "", "", ""], "unit, period, status"),
    ],
)
def test_a_row_that_is_neither_a_task_nor_an_indicator_is_refused(plan, row, shown):
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(_csv(",", [KEYS, row]).encode(), "AL.csv", plan)
    assert raised.value.code == RejectionCode.BAD_CSV
    assert "Dòng 2 của tệp CSV" in raised.value.message_vi and shown in raised.value.message_vi


def test_the_written_csv_opens_in_excel_as_utf8(plan, tmp_path):
    submission = forms.read(_csv(",", [KEYS, *ROWS]).encode(), "AL.csv", plan)
    forms.write(submission, "csv", tmp_path / "AL.csv", plan)
    written = (tmp_path / "AL.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf" + ",".join(KEYS).encode())
    assert '"1.234,5"' in written.decode("utf-8-sig")
