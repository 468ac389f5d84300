"""Hostile and broken files: whatever openpyxl, csv or json raise becomes a precise rejection."""

from __future__ import annotations

import contextlib
import time
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papi_etl import forms
from papi_etl.forms import RejectedSubmission, RejectionCode, template, xlsx
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"


def _laughs(levels: int = 9) -> str:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    )
    return f"<!DOCTYPE worksheet [{entities}]>"


def _sheet(rows: str, prolog: str = "", declaration: str = '<?xml version="1.0"?>') -> str:
    return f"{declaration}{prolog}<worksheet {MAIN}><sheetData>{rows}</sheetData></worksheet>"


LAUGHING_CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'


def _rejected(plan, content: bytes, name: str = "AL.xlsx") -> RejectedSubmission:
    with pytest.raises(RejectedSubmission) as raised:
        forms.read(content, name, plan)
    return raised.value


@pytest.mark.parametrize(
    ("change", "words"),
    [
        # The parser's own words depend on whether lxml is installed (python-docx brings it).
        ({SHEET: b"<worksheet><sheetData><row>"}, ("bị hỏng",)),
        ({SHEET: _sheet('<row r="1"><c r="ZZZZZ1"><v>1</v></c></row>').encode()}, ("ZZZZZ",)),
        ({SHEET: _sheet('<row r="1"><c r="A1" t="n"><v>nhiều</v></c></row>').encode()}, ("nhiều",)),
        ({"xl/styles.xml": b"<styleSheet><numFmts count='x'><bad/>"}, ("bị hỏng",)),
        ({"[Content_Types].xml": b"not xml"}, ("bị hỏng",)),
    ],
)
def test_broken_xml_inside_a_workbook_is_corrupt(plan, template_bytes, rezip, change, words):
    error = _rejected(plan, rezip(template_bytes(), change))
    assert error.code == RejectionCode.CORRUPT_WORKBOOK
    assert all(word in error.message_vi for word in words)


def test_a_sheet_whose_part_is_missing_is_a_missing_sheet(plan, template_bytes, rezip):
    error = _rejected(plan, rezip(template_bytes(), drop=(SHEET,)))
    assert error.code == RejectionCode.MISSING_SHEET
    assert "'NhiemVu'" in error.message_vi and "'ChiSo', 'HuongDan'" in error.message_vi


def test_a_workbook_without_sheets_says_so(plan, template_bytes, rezip):
    empty = f"<workbook {MAIN}/>".encode()
    error = _rejected(plan, rezip(template_bytes(), {"xl/workbook.xml": empty}))
    assert error.code == RejectionCode.MISSING_SHEET
    assert "(không có)" in error.message_vi


def test_a_flipped_byte_fails_the_checksum(plan, template_bytes):
    content = bytearray(template_bytes())
    content[len(content) // 3] ^= 0xFF
    assert _rejected(plan, bytes(content)).code == RejectionCode.CORRUPT_WORKBOOK


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("part", [SHEET, "xl/sharedStrings.xml", "docProps/core.xml"])
def test_an_xml_bomb_is_refused_before_parsing_without_eating_memory(
    plan, template_bytes, rezip, part, encoding
):
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    body = _sheet(LAUGHING_CELL, _laughs(), declaration)
    content = rezip(template_bytes(), {part: body.encode(encoding)})
    tracemalloc.start()
    try:
        error = _rejected(plan, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == RejectionCode.XML_BOMB
    assert part in error.message_vi
    assert peak < 20 * 1024 * 1024


def test_openpyxl_parses_through_defusedxml_as_a_second_line(template_bytes, rezip):
    # Past the byte scan (called directly), the entity declaration still never expands.
    body = _sheet(LAUGHING_CELL, _laughs()).encode()
    tracemalloc.start()
    try:
        with pytest.raises(RejectedSubmission) as raised:
            xlsx._tables(rezip(template_bytes(), {SHEET: body}))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.code == RejectionCode.XML_BOMB
    assert peak < 20 * 1024 * 1024


def test_a_cell_at_the_far_corner_of_the_sheet_costs_nothing(plan, template_bytes, rezip):
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    started = time.perf_counter()
    error = _rejected(plan, rezip(template_bytes(), {SHEET: _sheet(far).encode()}))
    assert time.perf_counter() - started < 10
    assert error.code == RejectionCode.MISSING_COLUMNS


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b'unit,period\n"' + b"x" * 200_000 + b'"\n', RejectionCode.BAD_CSV, ("field limit",)),
        (b"unit,\x00period\n", RejectionCode.BAD_ENCODING, ("UTF-16",)),
        (b"\xff\xfeu\x00n\x00", RejectionCode.BAD_ENCODING, ("UTF-16",)),
    ],
)
def test_broken_csv(plan, content, code, words):
    error = _rejected(plan, content, "AL.csv")
    assert error.code == code
    assert all(word in error.message_vi + error.message_en for word in words)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" * 100_000, ("lồng nhau quá sâu",)),
        (b'{"unit": ' + b"9" * 5000 + b"}", ("số nguyên quá dài",)),
        (b'{"unit": NaN}', ("NaN",)),
        (
            b'{"unit": "AL", "period": "2019-Q1", "tasks": [1], "indicators": []}',
            ("nhiệm vụ thứ 1 của báo cáo JSON",),
        ),
        (b'{"unit": "AL", "period": "2019-Q1", "tasks": {}, "indicators": []}', ("'tasks'",)),
        (b'{"unit": 7, "period": "2019-Q1", "tasks": [], "indicators": []}', ("'unit'",)),
        (b'["AL"]', ("đối tượng",)),
        (
            b'{"unit": "AL", "period": "2019-Q1", "tasks": [{"task": [1]}], "indicators": []}',
            ("'task'",),
        ),
        (b'{"unit": "AL", "period"', ("cú pháp sai",)),
        (b'{"unit": "AL"}', ("thiếu trường period, tasks, indicators",)),
    ],
)
def test_broken_json(plan, content, words):
    error = _rejected(plan, content, "AL.json")
    assert error.code == RejectionCode.BAD_JSON
    assert all(word in error.message_vi for word in words)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> bytes:
    """One template for the whole module: hypothesis needs the same bytes in every example."""
    path = tmp_path_factory.mktemp("hostile") / "AL.xlsx"
    template.write(load(DEFAULT_PLAN).plan, "AL", "2019-Q1", path)
    return path.read_bytes()


@settings(max_examples=25, deadline=None)
@given(
    changes=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
    kept=st.floats(0.5, 1),
)
def test_damaged_bytes_never_escape_as_anything_but_a_rejection(plan, workbook, changes, kept):
    content = bytearray(workbook)
    for where, byte in changes:
        content[int(where * (len(content) - 1))] = byte
    with contextlib.suppress(RejectedSubmission):
        forms.read(bytes(content[: int(kept * len(content))]), "AL.xlsx", plan)
