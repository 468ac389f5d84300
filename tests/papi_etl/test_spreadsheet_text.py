"""The formula-injection rule: text stays text in every spreadsheet cell and CSV field."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from hostile_text import FORMULAS
from hypothesis import given, settings
from hypothesis import strategies as st

from papi_etl import spreadsheet_text
from papi_etl.spreadsheet_text import MAX_CELL_CHARS, csv_field, csv_value, put


def _saved_and_read(values: list[object]) -> list[openpyxl.cell.Cell]:
    book = openpyxl.Workbook()
    for row, value in enumerate(values, start=1):
        put(book.active.cell(row=row, column=1), value)
    out = io.BytesIO()
    book.save(out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    return [sheet.cell(row=row, column=1) for row in range(1, len(values) + 1)]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_like_text_is_stored_as_text_and_reads_back_unchanged(text):
    (cell,) = _saved_and_read([text])
    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix  # Excel keeps it text even when the cell is edited


def test_numbers_stay_numbers_and_plain_text_is_not_marked():
    negative, fraction, plain, empty = _saved_and_read([-2, -0.5, "Hoàn thành", None])
    assert (negative.value, negative.data_type) == (-2, "n")
    assert (fraction.value, fraction.data_type) == (-0.5, "n")
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("Hoàn thành", "s", False)
    assert empty.value is None


def test_a_cell_drops_what_xml_cannot_hold_and_what_excel_cannot_show():
    control, huge = _saved_and_read(["a\x01b\x1fc", "x" * (MAX_CELL_CHARS + 10)])
    assert control.value == "abc"
    assert len(huge.value) == MAX_CELL_CHARS


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_fields_that_start_like_a_formula_get_an_apostrophe(text):
    escaped = csv_field(text)
    assert escaped == "'" + text
    assert csv_value(escaped) == text


@pytest.mark.parametrize("value", [-2, 3.5, None, "", "Hoàn thành", "2 - 1", "a=b"])
def test_csv_leaves_numbers_and_plain_text_alone(value):
    assert csv_field(value) == value


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.sampled_from("=+-@'\t\r\n \uff1d\uff20ab1"), max_size=6))
def test_csv_escaping_round_trips_and_leaves_nothing_formula_like(text):
    escaped = csv_field(text)
    assert csv_value(escaped) == text
    assert not spreadsheet_text.is_formula_like(escaped)


def test_every_module_that_writes_a_spreadsheet_or_a_csv_goes_through_the_rule():
    """A writer added later must use `put`/`csv_field` too: it cannot bypass them by
    passing `value=` to openpyxl or by writing CSV without `csv_field`."""
    package = Path(spreadsheet_text.__file__).parent
    writers = {}
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        saves_workbook = "openpyxl" in source and ".save(" in source
        writes_csv = re.search(r"csv\.(writer|DictWriter)\(", source) is not None
        if saves_workbook or writes_csv:
            writers[path.relative_to(package).as_posix()] = source
    assert set(writers) == {
        "forms/csv_form.py",
        "forms/template.py",
        "report/xlsx_render.py",
        "validation/feedback.py",
    }
    for name, source in writers.items():
        assert "spreadsheet_text import" in source, name
        assert not re.search(r"\.cell\([^)]*value=", source), name
        assert not re.search(r"\.value = (?!None)", source), name
        assert not re.search(r"sheet\.append\(|\.cell\(\w+, \w+, ", source), name
