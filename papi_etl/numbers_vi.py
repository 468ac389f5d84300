"""Numbers as the district's reports print them: Vietnamese notation with fixed decimals.

Vietnamese swaps the English separators: "1.234,5" is one thousand two hundred and
thirty-four and a half. `papi_etl.forms.numbers.format_number` writes a number exactly (as
many decimals as it has, so that it reads back the same); reports want a fixed number of
decimals instead ("90,0 %", "4,42"), which is what this module does. A missing value (None,
NaN) prints as an em dash.
"""

from __future__ import annotations

import math

MISSING = "—"


def format_decimal(value: float | None, decimals: int = 1) -> str:
    """`value` rounded to `decimals` places, thousands with dots, decimal comma: 1.234,5."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, pandas.NA
        return MISSING
    if not math.isfinite(number):
        return MISSING
    english = f"{number:,.{decimals}f}"
    if english.lstrip("-").strip("0.,") == "":
        english = english.lstrip("-")  # no "-0,0"
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A percentage (0-100 scale) as "90,0 %" (Vietnamese puts a space before the sign)."""
    text = format_decimal(value, decimals)
    return text if text == MISSING else f"{text} %"


def format_signed(value: float | None, decimals: int = 1) -> str:
    """A change, with its sign: "+1.234,5", "-2,0", "0,0"."""
    text = format_decimal(value, decimals)
    if text == MISSING or text.startswith("-") or text.strip("0,.") == "":
        return text
    return f"+{text}"
