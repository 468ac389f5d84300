"""Numbers and dates as Vietnamese administrative documents write them.

Numbers come from `papi_etl.numbers_vi` ("1.234,5", "90,0 %", a dash for a missing value),
so that the report and `papi-etl metrics` print a figure the same way; this module adds the
formats a report's tables need, with their Excel equivalents, and dates. Dates follow the
form of Nghị định 30/2020/NĐ-CP: a day below 10 and the months January and February take a
leading zero ("ngày 05 tháng 02 năm 2019", "ngày 14 tháng 3 năm 2019").
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum

from papi_etl.numbers_vi import MISSING, format_decimal, format_percent, format_signed

NBSP = "\u00a0"  # a space no line may break at: "84,2 %" stays on one line


class Fmt(StrEnum):
    """How a number is shown; each has an Excel number format in `EXCEL_FORMATS`."""

    INTEGER = "int"
    DECIMAL = "dec"
    PERCENT = "pct"
    SCORE = "score"
    SIGNED_INTEGER = "int_signed"
    SIGNED_DECIMAL = "dec_signed"


# Excel stores the number and its own locale shows the separators (a Vietnamese Excel shows
# "1.234,5" for "#,##0.0"). Percentages are kept as 0-100 values, hence the literal sign.
EXCEL_FORMATS = {
    Fmt.INTEGER: "#,##0",
    Fmt.DECIMAL: "#,##0.0",
    Fmt.PERCENT: '0.0" %"',
    Fmt.SCORE: "0.00",
    Fmt.SIGNED_INTEGER: "+#,##0;-#,##0;0",
    Fmt.SIGNED_DECIMAL: "+#,##0.0;-#,##0.0;0.0",
}


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def formatted(value: float | None, fmt: Fmt) -> str:
    """The value in the given format: "1.234", "87,4 %", "6,85", "+12", "-0,5"."""
    if fmt is Fmt.PERCENT:
        return format_percent(value, 1)
    if fmt is Fmt.SIGNED_INTEGER:
        return format_signed(value, 0)
    if fmt is Fmt.SIGNED_DECIMAL:
        return format_signed(value, 1)
    return format_decimal(value, {Fmt.INTEGER: 0, Fmt.DECIMAL: 1, Fmt.SCORE: 2}[fmt])


def percent(value: float | None) -> str:
    return formatted(value, Fmt.PERCENT)


def score(value: float | None) -> str:
    return formatted(value, Fmt.SCORE)


def integer(value: float | None) -> str:
    return formatted(value, Fmt.INTEGER)


def _padded(value: int, pad: bool) -> str:
    return f"{value:02d}" if pad else str(value)


def date(day: dt.date) -> str:
    """`2019-03-14` -> "ngày 14 tháng 3 năm 2019"; `2019-02-05` -> "ngày 05 tháng 02 năm 2019"."""
    return (
        f"ngày {_padded(day.day, day.day < 10)} tháng {_padded(day.month, day.month < 3)} "
        f"năm {day.year}"
    )


def short_date(day: dt.date) -> str:
    """`2019-03-05` -> "05/3/2019", the form used inside tables."""
    return f"{day.day:02d}/{_padded(day.month, day.month < 3)}/{day.year}"


def moment(at: dt.datetime) -> str:
    """An aware instant in its own zone, as "09:30 05/3/2019"."""
    return f"{at:%H:%M} {short_date(at.date())}"


__all__ = [
    "EXCEL_FORMATS",
    "MISSING",
    "NBSP",
    "Fmt",
    "date",
    "formatted",
    "integer",
    "is_missing",
    "moment",
    "percent",
    "score",
    "short_date",
]
