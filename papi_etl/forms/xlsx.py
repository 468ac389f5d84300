"""Reading the XLSX form: sheets NhiemVu and ChiSo of the unit's report workbook.

openpyxl reads in read-only mode (rows are streamed, not held) with cached values only (a
formula is never evaluated here), and only after `safety.check_workbook` has bounded the
bytes. The tables are found by their hidden key row, or by their Vietnamese headers, not by
fixed positions: units insert title rows, move tables down, copy them elsewhere.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from itertools import chain, islice

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from papi_etl.forms import layout, rows, safety
from papi_etl.forms.layout import Layout
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.forms.rows import Record, Table
from papi_etl.plan.model import Plan
from papi_etl.submission import Submission

MAX_COLUMNS = 100
"""Columns read per row: a cell in column XFD must not make every row 16,384 cells wide."""


def _comparable(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def _records(book: Workbook, table_layout: Layout) -> tuple[Table, list[Record]]:
    sheet = next(
        (s for s in book.worksheets if _comparable(s.title) == _comparable(table_layout.name)),
        None,
    )
    if sheet is None:
        found = ", ".join(f"'{name}'" for name in book.sheetnames) or "(không có)"
        raise RejectedSubmission(
            RejectionCode.MISSING_SHEET,
            f"Không tìm thấy sheet '{table_layout.name}'; các sheet có trong tệp: {found}. "
            "Hãy dùng mẫu báo cáo và không đổi tên sheet.",
            f"Sheet '{table_layout.name}' not found; the workbook has: {found}.",
        )
    table = Table(f"sheet {sheet.title}", f"sheet {sheet.title}")
    # A sheet's declared size may be wrong (written by other tools); read what is there.
    sheet.reset_dimensions()
    numbered = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    head = list(islice(numbered, layout.SCAN_ROWS))
    found = layout.find(head, table_layout, table)
    records: list[Record] = []
    for number, cells in chain(head[found.index + 1 :], numbered):
        picked = {k: cells[i] if i < len(cells) else None for k, i in found.columns.items()}
        if not rows.is_blank(picked):
            records.append(Record(number, picked))
            rows.check_count(len(records), table)
    return table, records


def _tables(content: bytes) -> tuple[tuple[Table, list[Record]], tuple[Table, list[Record]]]:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (slicers, rich validation): harmless.
            warnings.simplefilter("ignore")
            book = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
            try:
                return _records(book, layout.TASKS), _records(book, layout.INDICATORS)
            finally:
                book.close()
    except RejectedSubmission:
        raise
    except Exception as error:  # hostile bytes: whatever openpyxl raises means "unreadable"
        raise _unreadable(error) from None


def _unreadable(error: BaseException) -> RejectedSubmission:
    # openpyxl wraps what its XML parser raised ("could not read worksheets"): the cause
    # says what is wrong.
    while error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, DefusedXmlException):
        return RejectedSubmission(
            RejectionCode.XML_BOMB,
            "Tệp chứa khai báo thực thể XML, điều mà tệp Excel không bao giờ có (dấu hiệu của "
            "bom XML). Tệp bị từ chối.",
            f"The workbook's XML declares entities (the mark of an XML bomb): {error!r}.",
        )
    detail = f"{type(error).__name__}: {error}"
    return RejectedSubmission(
        RejectionCode.CORRUPT_WORKBOOK,
        f"Tệp Excel bị hỏng, không đọc được (chi tiết: {detail}). Hãy mở bằng Excel, lưu lại "
        "rồi gửi lại.",
        f"The workbook is damaged: {detail}.",
    )


def read(content: bytes, plan: Plan) -> Submission:
    """The submission in an XLSX file. Raises RejectedSubmission (see `papi_etl.forms`)."""
    safety.check_workbook(content)
    tasks, indicators = _tables(content)
    return rows.assemble(plan, "xlsx", tasks, indicators)
