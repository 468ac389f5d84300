"""Numbers and dates as Vietnamese officials write them.

Vietnamese notation swaps the English separators: "1.234,5" is one thousand two hundred
and thirty-four and a half, "1,5" is one and a half and "1.234" is one thousand two hundred
and thirty-four. Officials also type "85%" into a percent cell, and Excel in a Vietnamese
locale hands us the same numbers as text when a cell is formatted as text. English notation
is read too when it cannot be mistaken ("1,234.5": both separators, the last one decimal).
A percent stays on the 0-100 scale ("85%" is 85.0): that is how percent indicators are kept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

# Spaces officials (and Excel) put between digit groups: space, no-break, narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
_SHAPE = re.compile(r"[+-]?\d[\d.,]*")
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+|\d{1,3}(,\d{3})+")
_DATE = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")


def _plain(number: str) -> str | None:
    """`number` (digits, dots, commas) as Python float syntax, or None when it is ambiguous."""
    if "." in number and "," in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = number.rpartition(decimal_mark)
        if not _GROUPED.fullmatch(whole) or grouping not in whole or not fraction:
            return None
        return f"{whole.replace(grouping, '')}.{fraction}"
    if number.count(",") == 1:
        whole, fraction = number.split(",")
        return f"{whole}.{fraction}" if whole and fraction else None
    if number.count(".") == 1:
        whole, fraction = number.split(".")
        if not whole or not fraction:
            return None
        # "1.234" is a thousand in Vietnamese; "0.234" and "1.5" can only be decimals.
        thousands = len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0")
        return whole + fraction if thousands else f"{whole}.{fraction}"
    if "," in number or "." in number:
        return number.replace(",", "").replace(".", "") if _GROUPED.fullmatch(number) else None
    return number


def parse_number(text: str) -> float | None:
    """The number `text` holds in Vietnamese (or unambiguous English) notation, else None.

    "1.234,5" -> 1234.5, "1,5" -> 1.5, "1.234" -> 1234.0, "85%" and "85 %" -> 85.0,
    "1 234" -> 1234.0; "", "nhiều", "1,2,3" -> None (the caller keeps the text as typed).
    """
    compact = _SPACES.sub("", unicodedata.normalize("NFC", text)).replace("\u2212", "-")
    compact = compact.removesuffix("%")
    if not _SHAPE.fullmatch(compact):
        return None
    sign = "-" if compact.startswith("-") else ""
    plain = _plain(compact.lstrip("+-"))
    if plain is None:
        return None
    value = float(sign + plain)
    return value if math.isfinite(value) else None


def format_number(value: float) -> str:
    """`value` in Vietnamese notation, exactly ("1.234,5"), so that `parse_number` gives it back.

    Used where officials read numbers (ranges in the template) and in the CSV form, whose
    cells are all text.
    """
    exact = format(Decimal(repr(float(value))), "f")
    sign = "-" if exact.startswith("-") else ""
    whole, _, fraction = exact.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + (f",{fraction}" if fraction else "")


def parse_date(text: str) -> dt.date | None:
    """The first date written dd/mm/yyyy or d/m/yyyy in `text` (also with '-' or '.'), else None.

    Evidence is written "Số 12/BC-UBND ngày 05/03/2019": the date in it is what validation
    compares with the period. A day that does not exist (31/02/2019) gives None.
    """
    match = _DATE.search(unicodedata.normalize("NFC", text))
    if match is None:
        return None
    day, _, month, year = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
