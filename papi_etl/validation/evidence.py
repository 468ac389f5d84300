"""The document a unit cites as evidence, split into its number/symbol and its date.

Units write one field per task, "Số 12/BC-UBND ngày 05/03/2019" (or "Báo cáo số 45/BC-UBND
ngày 05/03/2019; Kế hoạch số 3/KH-UBND ngày 02/01/2019"). A Vietnamese document's number
is its register number, optionally the year, then its symbol: the kind of document and the
issuer ("12/BC-UBND", "09/2019/NĐ-CP", "123/UBND" for a công văn). Validation needs the
first reference's number and date apart: a task reported done must cite a document with
both, dated inside the period. Splitting is data preparation, not a rule: what is missing
is left empty here for the expectations to judge.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from papi_etl.forms.numbers import parse_date

# A register number, an optional year, then a symbol that starts with a letter and may
# have hyphenated parts: "12/BC-UBND", "09/2019/NĐ-CP", "123/UBND", "45/QĐ-PNV".
# Spaces around the slashes ("12 / BC-UBND") are tolerated and dropped.
_NUMBER = r"(?<![\w/])(\d{1,7}(?:\s*/\s*\d{4})?\s*/\s*[^\W\d_]\w*(?:-[^\W_]\w*)*)"
_NUMBER_RE = re.compile(_NUMBER)
# The same shape as papi_etl.forms.numbers.parse_date: dd/mm/yyyy, d/m/yyyy, '-' or '.'.
_DATE = r"(?<!\d)(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})(?!\d)"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Reference:
    """The first document an evidence text cites; a part it lacks is None."""

    number: str | None
    date: dt.date | None


def split(text: str) -> Reference:
    """'Số 12/BC-UBND ngày 05/03/2019' -> Reference('12/BC-UBND', date(2019, 3, 5))."""
    match = _NUMBER_RE.search(text)
    number = _SPACES.sub("", match.group(1)) if match else None
    return Reference(number, parse_date(text))


def numbers(texts: pd.Series) -> pd.Series:
    """The first document number/symbol in each text (NaN where there is none)."""
    found = texts.astype("str").str.extract(_NUMBER, expand=False)
    return found.str.replace(_SPACES.pattern, "", regex=True)


def dates(texts: pd.Series) -> pd.Series:
    """The first dd/mm/yyyy date in each text as datetime64 (NaT where there is none or
    the first one is not a real day, as `parse_date` has it)."""
    parts = texts.astype("str").str.extract(_DATE)
    numbers_ = parts[["year", "month", "day"]].apply(pd.to_numeric, errors="coerce")
    return pd.to_datetime(numbers_, errors="coerce").astype("datetime64[us]")
