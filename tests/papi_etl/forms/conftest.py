"""Fixtures for the forms: the real plan, templates as bytes, and ways to change them.

Helpers are fixtures (not importable functions) because the test folders are not packages.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from papi_etl.forms import template
from papi_etl.forms.template import KEY_ROW
from papi_etl.plan import load
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load(DEFAULT_PLAN).plan


@pytest.fixture
def template_bytes(plan: Plan, tmp_path: Path) -> Callable[..., bytes]:
    """The blank template of a unit for a period, as the bytes a unit would send back."""

    def make(unit: str = "AL", period: str = "2019-Q1") -> bytes:
        path = tmp_path / f"{unit}_{period}.xlsx"
        template.write(plan, unit, period, path)
        return path.read_bytes()

    return make


def _rezip(content: bytes, replace: dict[str, bytes] | None = None, drop: tuple = ()) -> bytes:
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if entry.filename not in drop and entry.filename not in replace:
                target.writestr(entry.filename, source.read(entry))
        for name, data in replace.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def rezip() -> Callable[..., bytes]:
    """The same workbook with some zip entries replaced, added or dropped."""
    return _rezip


def _edit(content: bytes, change: Callable[[openpyxl.Workbook], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def edit() -> Callable[..., bytes]:
    """The workbook after `change(book)`, saved again (as a unit editing it in Excel would)."""
    return _edit


def _keys(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[KEY_ROW] if cell.value}


@pytest.fixture
def keys_of() -> Callable[..., dict[str, int]]:
    """Machine key -> column number of a template sheet, read from its hidden key row."""
    return _keys
