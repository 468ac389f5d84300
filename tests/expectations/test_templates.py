"""End to end on the unit's own workbook: a filled template of every unit passes, and the
same file with one input cell emptied fails with exactly one finding naming that cell.

Files are written with the template writer and read back with the reader units' files go
through; all of them are validated in one run, each under its own submission id.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

import expectations
from papi_etl import forms
from papi_etl.forms.template import FIRST_ROW, KEY_ROW
from papi_etl.plan import load
from papi_etl.schema import (
    EVIDENCE,
    INDICATOR_SHEET,
    RESULT,
    STATUS,
    TASK_SHEET,
    VALUE,
)
from papi_etl.settings import DEFAULT_PLAN
from papi_etl.validation import frames

UNITS = [u.code for u in load(DEFAULT_PLAN).plan.units]

# Each input cell emptied once, in the first row, across one unit of each kind: a ward, an
# agency, a public service unit, the Fatherland Front (one task, no indicator).
EMPTIED = [
    ("AL", TASK_SHEET, STATUS, "status_required"),
    ("AL", INDICATOR_SHEET, VALUE, "value_required"),
    ("PNV", TASK_SHEET, RESULT, "result_required"),
    ("PNV", INDICATOR_SHEET, VALUE, "value_required"),
    ("TTYT", TASK_SHEET, EVIDENCE, "evidence_required"),
    ("MTTQ", TASK_SHEET, STATUS, "status_required"),
]


def _empty_cell(source: Path, target: Path, sheet: str, key: str) -> None:
    book = load_workbook(source)
    table = book[sheet]
    column = next(c.column for c in table[KEY_ROW] if c.value == key)
    table.cell(row=FIRST_ROW, column=column).value = None
    book.save(target)


def _read(path: Path, plan):
    return forms.read(path.read_bytes(), path.name, plan)


@pytest.fixture(scope="module")
def workbooks(plan, make_submission, tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    written = {}
    for unit in plan.units:
        path = folder / f"{unit.code}_2019-Q1.xlsx"
        forms.write(make_submission(unit.code), "xlsx", path, plan)
        written[unit.code] = path
    return written


@pytest.fixture(scope="module")
def outcome(plan, workbooks, tmp_path_factory, q1):
    folder = tmp_path_factory.mktemp("emptied")
    units = {code: number for number, code in enumerate(workbooks, start=1)}
    read = {units[code]: _read(path, plan) for code, path in workbooks.items()}
    emptied = {}
    for number, (unit, sheet, key, _) in enumerate(EMPTIED, start=1000):
        target = folder / f"{unit}_{sheet}_{key}.xlsx"
        _empty_cell(workbooks[unit], target, sheet, key)
        read[number] = _read(target, plan)
        emptied[(unit, sheet, key)] = number
    findings = expectations.validate(frames.of_submissions(plan, read), q1)
    return units, emptied, findings


def test_every_unit_has_a_template(plan, workbooks):
    assert list(workbooks) == [u.code for u in plan.units]


@pytest.mark.parametrize("unit", UNITS)
def test_a_filled_template_passes(outcome, places, unit):
    units, _, findings = outcome
    assert places(findings, units[unit]) == []


@pytest.mark.parametrize(("unit", "sheet", "key", "rule"), EMPTIED)
def test_one_emptied_cell_gives_one_finding_on_that_cell(outcome, places, unit, sheet, key, rule):
    _, emptied, findings = outcome
    assert places(findings, emptied[(unit, sheet, key)]) == [(sheet, FIRST_ROW, key, rule)]
