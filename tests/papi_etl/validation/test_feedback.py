"""The feedback workbook: the unit's own file (or its template) with every failure marked."""

from __future__ import annotations

import dataclasses
import io
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from papi_etl import forms, schema
from papi_etl.forms import layout
from papi_etl.forms.template import FIRST_ROW
from papi_etl.submission import Submission
from papi_etl.validation import feedback
from papi_etl.validation.finding import Finding

RED = "00FFC7CE"


def with_errors(submission: Submission) -> Submission:
    """The report with a bad status in its 2nd task and a bad value in its 1st indicator."""
    tasks = list(submission.tasks)
    tasks[1] = dataclasses.replace(tasks[1], status="xong", evidence="")
    indicators = list(submission.indicators)
    indicators[0] = dataclasses.replace(indicators[0], value=None, value_text="nhiều")
    return dataclasses.replace(submission, tasks=tuple(tasks), indicators=tuple(indicators))


def finding(sheet: str, row: int, field: str, rule: str, value: str | None, **more) -> Finding:
    return Finding(
        submission_id=1,
        unit="AL",
        period="2019-Q1",
        sheet=sheet,
        row=row,
        field=field,
        rule=rule,
        value=value,
        message_vi=more.get("message_vi", f"Lỗi {rule} ở {field or 'dòng'} {row}."),
        message_en=f"{rule} failed",
        hint=more.get("hint", f"Sửa {field or 'dòng'} theo hướng dẫn."),
    )


def findings_of(sent: Submission) -> list[Finding]:
    """Findings located by the rows as read back from the file (their rows are the file's)."""
    task, indicator = sent.tasks[1], sent.indicators[0]
    return [
        finding("NhiemVu", task.row, "status", "status_known", "xong"),
        finding(
            "NhiemVu",
            task.row,
            "evidence",
            "evidence_given",
            None,
            message_vi="Nhiệm vụ đã hoàn thành phải ghi văn bản minh chứng.",
            hint="Ghi số, ký hiệu và ngày của văn bản, ví dụ: Số 12/BC-UBND ngày 05/03/2019.",
        ),
        finding("ChiSo", indicator.row, "value", "value_number", "nhiều"),
        finding("ChiSo", indicator.row, "value", "value_required", "nhiều"),
        finding(
            "NhiemVu",
            0,
            "task",
            "task_present",
            "D9.99",
            message_vi="Thiếu nhiệm vụ D9.99 mà đơn vị phải báo cáo.",
        ),
    ]


def sent_file(tmp_path: Path, plan, submission: Submission, form: str) -> tuple[bytes, str]:
    path = tmp_path / f"AL_2019-Q1.{form}"
    forms.write(submission, form, path, plan)
    return path.read_bytes(), path.name


def column_of(sheet, key: str) -> str:
    table = layout.TASKS if sheet.title == "NhiemVu" else layout.INDICATORS
    return get_column_letter(table.position(key))


def summary_rows(book) -> list[tuple]:
    sheet = book["TomTat"]
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    return [row for row in rows if row[0] is not None]


def test_an_xlsx_report_comes_back_as_the_units_own_workbook_marked(
    tmp_path, plan, make_submission
):
    raw, name = sent_file(tmp_path, plan, with_errors(make_submission("AL")), "xlsx")
    sent = forms.read(raw, name, plan)
    out = tmp_path / "feedback" / "AL_2019-Q1_ket-qua-kiem-tra.xlsx"
    done = feedback.write(out, raw, name, findings_of(sent), plan)
    assert (done.path, done.findings, done.marked) == (out, 5, 4)

    book = load_workbook(out)
    assert book.sheetnames == ["TomTat", "NhiemVu", "ChiSo", "HuongDan"]
    assert book.active.title == "TomTat"
    assert [s.title for s in book.worksheets if s.sheet_view.tabSelected] == ["TomTat"]
    original = load_workbook(io.BytesIO(raw))
    for title in ("NhiemVu", "ChiSo", "HuongDan"):
        assert book[title].protection.sheet == original[title].protection.sheet is True
        assert [r for r in book[title].iter_rows(values_only=True)] == [
            r for r in original[title].iter_rows(values_only=True)
        ]

    tasks = book["NhiemVu"]
    row = sent.tasks[1].row
    status = tasks[f"{column_of(tasks, 'status')}{row}"]
    assert status.value == "xong" and status.fill.fgColor.rgb == RED
    assert status.comment.author == "papi-etl"
    assert status.comment.text == (
        f"Lỗi status_known ở status {row}.\nCách sửa: Sửa status theo hướng dẫn."
    )
    evidence = tasks[f"{column_of(tasks, 'evidence')}{row}"]
    assert "phải ghi văn bản minh chứng" in evidence.comment.text
    assert "Cách sửa: Ghi số, ký hiệu" in evidence.comment.text
    untouched = tasks[f"{column_of(tasks, 'status')}{row + 1}"]
    assert untouched.comment is None and untouched.fill.fgColor.rgb != RED
    # Two findings of one cell share its comment.
    value = book["ChiSo"][f"{column_of(book['ChiSo'], 'value')}{sent.indicators[0].row}"]
    assert "value_number" in value.comment.text and "value_required" in value.comment.text

    summary = book["TomTat"]
    assert summary["A1"].value == (
        "Kết quả kiểm tra báo cáo Quý I năm 2019 của Ủy ban nhân dân phường An Lạc"
    )
    assert "Số lỗi cần sửa: 5" in summary["A2"].value and name in summary["A2"].value
    assert summary.protection.sheet is True
    rows = summary_rows(book)
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    first = rows[0]
    assert first[1:6] == (
        f"Sheet NhiemVu, dòng {row}, cột “Tình trạng”",
        f"NhiemVu!{status.coordinate}",
        "Tình trạng",
        sent.tasks[1].task,
        "xong",
    )
    assert first[6].startswith("Lỗi status_known") and first[7].startswith("Sửa status")
    link = summary.cell(row=6, column=3).hyperlink
    assert link.location == f"'NhiemVu'!{status.coordinate}"
    missing = rows[4]
    assert missing[1:6] == ("Sheet NhiemVu, thiếu dòng", None, None, "D9.99", None)
    assert missing[6] == "Thiếu nhiệm vụ D9.99 mà đơn vị phải báo cáo."


def test_cells_are_found_by_the_key_row_wherever_the_unit_moved_the_table(
    tmp_path, plan, make_submission
):
    raw, name = sent_file(tmp_path, plan, with_errors(make_submission("AL")), "xlsx")
    book = load_workbook(io.BytesIO(raw))
    book["NhiemVu"].insert_rows(1, 3)
    book["NhiemVu"].insert_cols(1)
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    raw = moved.read_bytes()
    sent = forms.read(raw, name, plan)
    assert sent.tasks[1].row == FIRST_ROW + 1 + 3
    feedback.write(tmp_path / "out.xlsx", raw, name, findings_of(sent), plan)
    marked = load_workbook(tmp_path / "out.xlsx")["NhiemVu"]
    status = marked.cell(row=sent.tasks[1].row, column=layout.TASKS.position("status") + 1)
    assert status.value == "xong" and status.fill.fgColor.rgb == RED
    assert "status_known" in status.comment.text


@pytest.mark.parametrize(
    ("form", "where_task", "where_indicator"),
    [
        (
            "csv",
            "Tệp CSV, dòng {row}, cột status (Tình trạng)",
            "Tệp CSV, dòng {row}, cột value (Giá trị)",
        ),
        (
            "json",
            "Báo cáo JSON, nhiệm vụ thứ {row} ({code}), trường status",
            "Báo cáo JSON, chỉ tiêu thứ {row} ({code}), trường value",
        ),
    ],
)
def test_a_csv_or_json_report_comes_back_in_its_template_marked(
    tmp_path, plan, make_submission, form, where_task, where_indicator
):
    raw, name = sent_file(tmp_path, plan, with_errors(make_submission("AL")), form)
    sent = forms.read(raw, name, plan)
    out = tmp_path / "out.xlsx"
    done = feedback.write(out, raw, name, findings_of(sent), plan)
    assert (done.findings, done.marked) == (5, 4)
    book = load_workbook(out)
    assert book.sheetnames == ["TomTat", "NhiemVu", "ChiSo", "HuongDan"]
    assert book["NhiemVu"].protection.sheet is True
    # The 2nd task is on the template's 2nd row, the 1st indicator on its 1st.
    status = book["NhiemVu"][f"{column_of(book['NhiemVu'], 'status')}{FIRST_ROW + 1}"]
    assert status.value == "xong" and status.fill.fgColor.rgb == RED
    assert status.comment.text.startswith("Lỗi status_known")
    value = book["ChiSo"][f"{column_of(book['ChiSo'], 'value')}{FIRST_ROW}"]
    assert value.value == "nhiều" and value.fill.fgColor.rgb == RED
    rows = summary_rows(book)
    assert rows[0][1:3] == (
        where_task.format(row=sent.tasks[1].row, code=sent.tasks[1].task),
        f"NhiemVu!{status.coordinate}",
    )
    assert rows[2][1:3] == (
        where_indicator.format(row=sent.indicators[0].row, code=sent.indicators[0].indicator),
        f"ChiSo!{value.coordinate}",
    )
    assert f"dạng {form.upper()}" in book["TomTat"]["A3"].value


def test_a_feedback_workbook_sent_back_is_marked_afresh(tmp_path, plan, make_submission):
    raw, name = sent_file(tmp_path, plan, with_errors(make_submission("AL")), "xlsx")
    sent = forms.read(raw, name, plan)
    first = tmp_path / "first.xlsx"
    feedback.write(first, raw, name, findings_of(sent), plan)
    # The unit fixed the evidence in the feedback file itself and sent it back.
    returned = first.read_bytes()
    again = forms.read(returned, "AL_2019-Q1-sua.xlsx", plan)
    left = [findings_of(again)[0]]
    second = tmp_path / "second.xlsx"
    done = feedback.write(second, returned, "AL_2019-Q1-sua.xlsx", left, plan)
    assert (done.findings, done.marked) == (1, 1)
    book = load_workbook(second)
    assert book.sheetnames == ["TomTat", "NhiemVu", "ChiSo", "HuongDan"]
    assert len(summary_rows(book)) == 1
    tasks, row = book["NhiemVu"], sent.tasks[1].row
    assert tasks[f"{column_of(tasks, 'status')}{row}"].fill.fgColor.rgb == RED
    evidence = tasks[f"{column_of(tasks, 'evidence')}{row}"]
    assert evidence.comment is None and evidence.fill.fgColor.rgb != RED
    value = book["ChiSo"][f"{column_of(book['ChiSo'], 'value')}{sent.indicators[0].row}"]
    assert value.comment is None and value.fill.fgColor.rgb != RED


def test_a_whole_row_finding_is_shown_on_the_rows_code_in_its_grey(tmp_path, plan, make_submission):
    raw, name = sent_file(tmp_path, plan, make_submission("AL"), "xlsx")
    sent = forms.read(raw, name, plan)
    row = sent.tasks[0].row
    out = tmp_path / "out.xlsx"
    feedback.write(out, raw, name, [finding("NhiemVu", row, "", "task_once", None)], plan)
    tasks = load_workbook(out)["NhiemVu"]
    code = tasks[f"{column_of(tasks, 'task')}{row}"]
    assert code.value == sent.tasks[0].task and code.fill.fgColor.rgb == RED
    # Sent back, the code cell gets its template grey again.
    feedback.write(tmp_path / "again.xlsx", out.read_bytes(), name, [], plan)
    tasks = load_workbook(tmp_path / "again.xlsx")["NhiemVu"]
    assert tasks[f"{column_of(tasks, 'task')}{row}"].fill.fgColor.rgb == "00EDEDED"


def test_what_the_unit_typed_is_shown_as_text_never_as_a_formula(tmp_path, plan, make_submission):
    raw, name = sent_file(tmp_path, plan, make_submission("AL"), "json")
    sent = forms.read(raw, name, plan)
    typed = '=HYPERLINK("http://example.org","bấm")\x07'
    bad = finding("NhiemVu", sent.tasks[0].row, "result", "result_plain", typed)
    feedback.write(tmp_path / "out.xlsx", raw, name, [bad], plan)
    cell = load_workbook(tmp_path / "out.xlsx")["TomTat"].cell(row=6, column=6)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.org","bấm")'


def test_a_report_without_findings_gets_a_summary_saying_so(tmp_path, plan, make_submission):
    raw, name = sent_file(tmp_path, plan, make_submission("AL"), "csv")
    done = feedback.write(tmp_path / "out.xlsx", raw, name, [], plan)
    assert (done.findings, done.marked) == (0, 0)
    summary = load_workbook(tmp_path / "out.xlsx")["TomTat"]
    assert "Số lỗi cần sửa: 0" in summary["A2"].value
    assert summary["A3"].value == "Báo cáo không có lỗi."
    assert summary_rows(load_workbook(tmp_path / "out.xlsx")) == []


def test_the_vietnamese_of_the_workbook_is_in_nfc(tmp_path, plan, make_submission):
    raw, name = sent_file(tmp_path, plan, with_errors(make_submission("AL")), "xlsx")
    sent = forms.read(raw, name, plan)
    feedback.write(tmp_path / "out.xlsx", raw, name, findings_of(sent), plan)
    summary = load_workbook(tmp_path / "out.xlsx")["TomTat"]
    texts = [c for row in summary.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert texts and all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert schema.TASK_SHEET in summary["A3"].value
