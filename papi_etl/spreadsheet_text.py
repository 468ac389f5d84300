"""Text from outside written into a spreadsheet as text, never as a formula.

A unit's free text ("Khó khăn, vướng mắc", a result, a note) travels into files that other
people open in Excel or LibreOffice: the report's annexes, the feedback workbooks, the
templates, the CSV form. Text that starts like a formula would run as one when the file is
opened (formula injection, CWE-1236): `=HYPERLINK("http://evil.example","bấm vào")` sends a
click elsewhere, `+cmd|' /C calc'!A0` starts a program through DDE. This module is the one
home of the rule; every writer of the project goes through it:

- XLSX (`put`): a string is stored as a string cell (openpyxl `data_type` 's'), whatever it
  starts with, so no spreadsheet evaluates it; one that starts like a formula is also marked
  `quotePrefix` (what Excel records for text typed after an apostrophe), so that editing the
  cell in Excel does not turn it into a formula either. The text itself is not changed: the
  project's own workbooks read back exactly what was written. Numbers stay numbers (-2 is a
  number, not text that starts with '-'). Characters XML cannot hold are dropped and a text
  longer than a cell can hold (32,767 characters) is cut, rather than making a file Excel
  must repair.
- CSV (`csv_field`, `csv_value`): a field that starts like a formula gets a leading
  apostrophe, OWASP's rule for CSV injection; so does one that already starts with an
  apostrophe, so that `csv_value` (applied by the CSV reader) undoes exactly what
  `csv_field` did and a value round-trips.

"Starts like a formula": after any leading spaces, one of = + - @ (or their full-width forms
＝ ＋ － ＠, which some spreadsheets take for formulas too), or a tab, carriage return or line
feed, which OWASP lists because spreadsheets skip them before a formula.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
"""Characters that make a spreadsheet read a cell as a formula when the text starts with one."""
QUOTE = "'"
MAX_CELL_CHARS = 32_767
"""Excel's limit on the text of one cell."""


def is_formula_like(text: str) -> bool:
    """True when `text` would be taken for a formula by a spreadsheet that opened it."""
    stripped = text.lstrip(" ")
    return bool(stripped) and stripped[0] in TRIGGERS


def cell_text(text: str) -> str:
    """`text` as an XLSX cell can hold it: no XML-illegal characters, at most 32,767 long."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_CHARS]


def put(cell: Cell, value: object) -> Cell:
    """Write `value` into an openpyxl cell as data: a string as text (never a formula),
    anything else (a number, a date, None) as openpyxl stores it. Returns the cell.

    Set the cell's named style, if any, before: assigning a named style resets quotePrefix.
    """
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def csv_field(value: object) -> object:
    """A value for a CSV writer: a string that starts like a formula, or with an apostrophe,
    gets a leading apostrophe; anything else is returned as it is."""
    if isinstance(value, str) and (is_formula_like(value) or value.startswith(QUOTE)):
        return QUOTE + value
    return value


def csv_value(text: str) -> str:
    """What a CSV field read back says: `csv_field` undone (its apostrophe removed)."""
    rest = text[1:]
    if text.startswith(QUOTE) and (is_formula_like(rest) or rest.startswith(QUOTE)):
        return rest
    return text
