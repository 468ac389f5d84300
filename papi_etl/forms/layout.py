"""The columns of each table of the forms, and how a reader finds them again.

The template writes a row of Vietnamese headers and, hidden under it, the row of machine
keys (`papi_etl.schema`). A reader looks for the key row first; units insert title rows,
move the table down or copy it into a workbook of their own, so when the key row is gone
the Vietnamese headers are matched instead. Columns that only help the official (the task's
text, the indicator's name, unit of measure and range) are not part of a submission and
are never read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from papi_etl import schema
from papi_etl.forms import normalise
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.forms.rows import Table

SCAN_ROWS = 30
"""How far down a table's key or header row is looked for."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    read_only: bool = False
    """Filled from the plan for the reader's eyes; not a machine key of the submission."""


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The machine keys a submission's table has, in the order of the form."""
        return tuple(c.key for c in self.columns if not c.read_only)

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def position(self, key: str) -> int:
        """The 1-based column of `key` in the form as written."""
        return [c.key for c in self.columns].index(key) + 1


_UNIT = Column(schema.UNIT, "Mã đơn vị", 10)
_PERIOD = Column(schema.PERIOD, "Kỳ báo cáo", 11)
_TASK = Column(schema.TASK, "Mã nhiệm vụ", 11)
_STATUS = Column(schema.STATUS, "Tình trạng", 18)
_RESULT = Column(schema.RESULT, "Kết quả thực hiện", 45)
_EVIDENCE = Column(schema.EVIDENCE, "Văn bản minh chứng (số/ký hiệu, ngày dd/mm/yyyy)", 32)
_DIFFICULTIES = Column(schema.DIFFICULTIES, "Khó khăn, vướng mắc", 30)
_PROPOSALS = Column(schema.PROPOSALS, "Đề xuất, kiến nghị", 30)
_INDICATOR = Column(schema.INDICATOR, "Mã chỉ tiêu", 11)
_VALUE = Column(schema.VALUE, "Giá trị", 14)
_NOTE = Column(schema.NOTE, "Ghi chú", 40)

TASKS = Layout(
    schema.TASK_SHEET,
    (
        _UNIT,
        _PERIOD,
        _TASK,
        Column("text", "Nội dung nhiệm vụ", 60, read_only=True),
        _STATUS,
        _RESULT,
        _EVIDENCE,
        _DIFFICULTIES,
        _PROPOSALS,
    ),
)
INDICATORS = Layout(
    schema.INDICATOR_SHEET,
    (
        _UNIT,
        _PERIOD,
        _INDICATOR,
        Column("name", "Tên chỉ tiêu", 55, read_only=True),
        Column("unit_of_measure", "Đơn vị tính", 12, read_only=True),
        Column("range", "Giới hạn giá trị", 16, read_only=True),
        _VALUE,
        _NOTE,
    ),
)
CSV = Layout(
    "CSV",
    (_UNIT, _PERIOD, _TASK, _STATUS, _RESULT, _EVIDENCE, _DIFFICULTIES, _PROPOSALS)
    + (_INDICATOR, _VALUE, _NOTE),
)
"""The CSV form: one table, a row of tasks fills `task`, a row of indicators `indicator`."""


NumberedRow = tuple[int, Sequence[object]]
"""A row of cells with its 1-based number in the sheet or file (its line, for a CSV)."""


@dataclass(frozen=True)
class Found:
    """Where a table's columns are: the key (or header) row is `rows[index]`."""

    index: int
    columns: dict[str, int]


def _by_key(cells: Sequence[object], layout: Layout) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = normalise.text(cell).casefold()
        if key in layout.keys and key not in columns:
            columns[key] = position
    return columns


def _by_header(cells: Sequence[object], layout: Layout) -> dict[str, int]:
    # "Văn bản minh chứng (số ...)" may be shortened to its words before the parenthesis.
    stems = {normalise.fold(layout.header(k).split("(")[0]): k for k in layout.keys}
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = stems.get(normalise.fold(normalise.text(cell).split("(")[0]))
        if key is not None and key not in columns:
            columns[key] = position
    return columns


def score(cells: Sequence[object], layout: Layout) -> int:
    """How many of the layout's keys (or headers) a row names: tells a CSV's delimiter."""
    return max(len(_by_key(cells, layout)), len(_by_header(cells, layout)))


def _locate(rows: Sequence[NumberedRow], layout: Layout) -> Found | None:
    # A row counts when it names at least half of the layout's keys, so that a renamed or
    # deleted column is reported as missing rather than the whole table as unrecognised.
    enough = (len(layout.keys) + 1) // 2
    for finder in (_by_key, _by_header):
        for index, (_, cells) in enumerate(rows[:SCAN_ROWS]):
            columns = finder(cells, layout)
            if len(columns) >= enough:
                return Found(index, columns)
    return None


def find(rows: Sequence[NumberedRow], layout: Layout, table: Table) -> Found:
    """The key row among `rows` (a table's first SCAN_ROWS rows), else its header row.

    Raises RejectedSubmission(missing_columns) naming every machine key that is missing,
    or saying that neither row was found.
    """
    found = _locate(rows, layout)
    keys = ", ".join(layout.keys)
    if found is None:
        raise RejectedSubmission(
            RejectionCode.MISSING_COLUMNS,
            f"Không tìm thấy dòng mã cột ({keys}) hay dòng tiêu đề ("
            f"{', '.join(layout.header(k) for k in layout.keys)}) trong {SCAN_ROWS} dòng đầu "
            f"của {table.name_vi}. Hãy dùng mẫu báo cáo và không xóa các dòng tiêu đề.",
            f"Neither the key row ({keys}) nor the header row was found in the first "
            f"{SCAN_ROWS} rows of {table.name_en}.",
        )
    absent = [k for k in layout.keys if k not in found.columns]
    if absent:
        listed = ", ".join(f'"{layout.header(k)}" ({k})' for k in absent)
        row = rows[found.index][0]
        raise RejectedSubmission(
            RejectionCode.MISSING_COLUMNS,
            f"{normalise.sentence(table.name_vi)} thiếu cột: {listed} (dòng tiêu "
            f"đề là {table.at_vi(row)}). Có thể cột đã bị xóa hoặc đổi tên; hãy dùng mẫu "
            "báo cáo.",
            f"{normalise.sentence(table.name_en)} lacks column(s): {listed} "
            f"(header on {table.at_en(row)}).",
        )
    return found
