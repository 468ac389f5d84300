"""The template: every unit's workbook for every period holds exactly what it must report."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from papi_etl import calendar, schema
from papi_etl.errors import UnknownPeriodError
from papi_etl.forms import layout, template
from papi_etl.forms.template import FIRST_ROW, HEADER_ROW, KEY_ROW
from papi_etl.plan import assignments, load
from papi_etl.plan.model import ValueType
from papi_etl.schema import TaskStatus
from papi_etl.settings import DEFAULT_PLAN

PERIODS = [p.code for p in calendar.periods(load(DEFAULT_PLAN).plan)]
LOCKED_TASK_KEYS = (schema.UNIT, schema.PERIOD, schema.TASK, "text")
LOCKED_INDICATOR_KEYS = (schema.UNIT, schema.PERIOD, schema.INDICATOR, "name")


def _column(sheet, key: str) -> list:
    column = [c.column for c in sheet[KEY_ROW] if c.value == key][0]
    return [sheet.cell(row=r, column=column) for r in range(FIRST_ROW, sheet.max_row + 1)]


def _covered(validation) -> set[str]:
    return {cell for rng in validation.sqref.ranges for cell in _cells(rng.coord)}


def _cells(coord: str) -> list[str]:
    min_col, min_row, max_col, max_row = range_boundaries(coord)
    return [
        f"{get_column_letter(c)}{r}"
        for c in range(min_col, max_col + 1)
        for r in range(min_row, max_row + 1)
    ]


def test_the_layouts_carry_the_contract_keys():
    assert layout.TASKS.keys == schema.TASK_COLUMNS
    assert layout.INDICATORS.keys == schema.INDICATOR_COLUMNS
    assert set(layout.CSV.keys) == set(schema.TASK_COLUMNS) | set(schema.INDICATOR_COLUMNS)


@pytest.mark.parametrize("period_code", PERIODS)
def test_every_unit_gets_exactly_its_rows_locked_and_validated(plan, tmp_path, period_code):
    period = calendar.period(plan, period_code)
    for unit in plan.units:
        path = tmp_path / f"{unit.code}.xlsx"
        written = template.write(plan, unit.code, period_code, path)
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == [schema.TASK_SHEET, schema.INDICATOR_SHEET, "HuongDan"]
        tasks, indicators = book[schema.TASK_SHEET], book[schema.INDICATOR_SHEET]

        expected_tasks = assignments.tasks_of_unit(plan, unit.code)
        expected_indicators = assignments.indicators_of_unit(plan, unit.code)
        assert [c.value for c in _column(tasks, schema.TASK)] == [t.code for t in expected_tasks]
        assert [c.value for c in _column(tasks, "text")] == [t.text for t in expected_tasks]
        assert [c.value for c in _column(indicators, schema.INDICATOR)] == [
            x.code for x in expected_indicators
        ]
        assert (written.tasks, written.indicators) == (
            len(expected_tasks),
            len(expected_indicators),
        )
        for sheet, keys in ((tasks, LOCKED_TASK_KEYS), (indicators, LOCKED_INDICATOR_KEYS)):
            assert sheet.protection.sheet
            assert sheet.row_dimensions[KEY_ROW].hidden
            for key in keys:
                assert all(c.protection.locked for c in _column(sheet, key)), key
        assert {c.value for c in _column(tasks, schema.UNIT)} <= {unit.code}
        assert {c.value for c in _column(tasks, schema.PERIOD)} <= {period.code}
        for key in (schema.STATUS, schema.RESULT, schema.EVIDENCE, schema.PROPOSALS):
            assert not any(c.protection.locked for c in _column(tasks, key)), key
        assert not any(c.protection.locked for c in _column(indicators, schema.VALUE))

        status_cells = {c.coordinate for c in _column(tasks, schema.STATUS)}
        lists = [v for v in tasks.data_validations.dataValidation if v.type == "list"]
        assert len(lists) == 1
        assert lists[0].formula1 == '"' + ",".join(s.label_vi for s in TaskStatus) + '"'
        assert _covered(lists[0]) == status_cells
        deadline = f"Hạn nộp: trước 00:00 ngày {period.unit_deadline:%d/%m/%Y}"
        assert any(str(c.value).startswith(deadline) for c in tasks["A"][:HEADER_ROW])
        assert any(unit.name in str(c.value) for c in tasks["A"][:HEADER_ROW])
        assert any(period.label_vi in str(c.value) for c in tasks["A"][:HEADER_ROW])


def test_the_value_cell_is_checked_by_excel_against_the_range(plan, tmp_path):
    path = tmp_path / "BHH.xlsx"
    template.write(plan, "BHH", "2019-6M", path)
    sheet = openpyxl.load_workbook(path)[schema.INDICATOR_SHEET]
    rules = {
        cell: rule for rule in sheet.data_validations.dataValidation for cell in _covered(rule)
    }
    by_code = {x.code: x for x in plan.indicators}
    for code_cell, value_cell in zip(
        _column(sheet, schema.INDICATOR), _column(sheet, schema.VALUE), strict=True
    ):
        indicator = by_code[code_cell.value]
        rule = rules[value_cell.coordinate]
        assert rule.type == ("whole" if indicator.value_type is ValueType.COUNT else "decimal")
        assert (float(rule.formula1), float(rule.formula2)) == (
            indicator.range.min,
            indicator.range.max,
        )
        assert "không phát sinh" in rule.prompt and indicator.unit_of_measure in rule.prompt
        # Excel refuses to open a workbook whose messages pass these lengths.
        assert len(rule.prompt) <= 255 and len(rule.promptTitle) <= 32 and len(rule.error) <= 225


def test_the_template_reads_as_officials_expect(plan, tmp_path):
    path = tmp_path / "AL.xlsx"
    template.write(plan, "AL", "2019-Q1", path)
    book = openpyxl.load_workbook(path)
    tasks, indicators = book[schema.TASK_SHEET], book[schema.INDICATOR_SHEET]
    assert [c.value for c in tasks[HEADER_ROW]] == [
        "Mã đơn vị",
        "Kỳ báo cáo",
        "Mã nhiệm vụ",
        "Nội dung nhiệm vụ",
        "Tình trạng",
        "Kết quả thực hiện",
        "Văn bản minh chứng (số/ký hiệu, ngày dd/mm/yyyy)",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
    ]
    assert [c.value for c in tasks[KEY_ROW]] == [
        *schema.TASK_COLUMNS[:3],
        "text",
        *schema.TASK_COLUMNS[3:],
    ]
    assert [c.value for c in indicators[KEY_ROW]] == [
        "unit",
        "period",
        "indicator",
        "name",
        "unit_of_measure",
        "range",
        "value",
        "note",
    ]
    first = {c.value: c.column for c in indicators[KEY_ROW]}
    assert indicators.cell(row=FIRST_ROW, column=first["range"]).value == "0 – 500"
    assert tasks.freeze_panes == f"E{FIRST_ROW}" and indicators.freeze_panes == f"E{FIRST_ROW}"
    assert tasks.column_dimensions["D"].width >= 40
    assert tasks.cell(row=FIRST_ROW, column=4).alignment.wrap_text
    assert tasks.cell(row=FIRST_ROW, column=7).number_format == "@"
    guide = "\n".join(str(c.value) for c in book["HuongDan"]["A"] if c.value)
    for phrase in (
        "Số 12/BC-UBND ngày 05/03/2019",
        "1.234,5",
        '"không phát sinh"',
        "Hoàn thành",
        "Không phát sinh",
        "trước 00:00 ngày 10/03/2019",
    ):
        assert phrase in guide
    assert book.properties.creator == "papi-etl"
    assert "Quý I năm 2019" in book.properties.title


def test_a_unit_without_indicators_still_gets_both_sheets(plan, tmp_path):
    written = template.write(plan, "MTTQ", "2019-Y", tmp_path / "MTTQ.xlsx")
    assert (written.tasks, written.indicators) == (1, 0)
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "MTTQ.xlsx").read_bytes()))
    assert book[schema.INDICATOR_SHEET].max_row == KEY_ROW


def test_unit_and_period_codes_are_matched_in_any_case(plan, tmp_path):
    written = template.write(plan, " al ", "2019-q1", tmp_path / "x.xlsx")
    assert (written.unit, written.period) == ("AL", "2019-Q1")


def test_an_unknown_unit_or_period_names_the_valid_ones(plan, tmp_path):
    with pytest.raises(template.UnknownUnitError) as unit_error:
        template.write(plan, "XYZ", "2019-Q1", tmp_path / "x.xlsx")
    assert "XYZ" in unit_error.value.message_vi and "AL, ALA" in unit_error.value.message_vi
    with pytest.raises(UnknownPeriodError) as period_error:
        template.write(plan, "AL", "2020-Q1", tmp_path / "x.xlsx")
    assert "2019-Q1" in str(period_error.value)
