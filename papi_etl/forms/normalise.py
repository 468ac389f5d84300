"""Text as the forms deliver it, made comparable without judging it.

A Mac types Vietnamese in NFD, Excel pads cells with spaces, officials write "Hoàn Thành",
"HOAN THANH" or "hoan_thanh" for the same status. Text is kept NFC and stripped; matching
(statuses, header labels, unit names) goes through `fold`, which also drops the diacritics,
so a label typed without them still matches. What does not match is returned as typed, for
validation to show the unit.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from papi_etl.forms.numbers import format_number
from papi_etl.schema import TaskStatus

_SEPARATORS = re.compile(r"[\s_\-–]+")


def text(value: object) -> str:
    """A cell or field as NFC text, stripped; numbers as written in Vietnamese, dates dd/mm/yyyy.

    A number typed where text belongs ("12" in Kết quả) or a date Excel converted from
    "05/03/2019" must read back as the official typed it.
    """
    if type(value) is str:  # most cells: skip the checks below
        return unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(value: str) -> str:
    """`value` for matching only: lower case, no diacritics, đ as d, one space between words."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare).strip().casefold()


_STATUSES = {fold(s.value): s for s in TaskStatus} | {fold(s.label_vi): s for s in TaskStatus}


# Memoised: every task row of every file asks, and a form's statuses are a handful of
# spellings; bounded, so that a file of distinct junk cannot grow it.
@functools.lru_cache(maxsize=1024)
def status(value: str) -> str:
    """The status key for a key or a Vietnamese label in any case or accents; else as typed."""
    found = _STATUSES.get(fold(value))
    return found.value if found is not None else value


def sentence(text: str) -> str:
    """`text` with its first letter upper-cased; unlike str.capitalize, "tệp CSV" stays CSV."""
    return text[:1].upper() + text[1:]
