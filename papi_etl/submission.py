"""A unit's report for one period, as read from any of its forms (XLSX, CSV, JSON, HTTP).

Reading normalises what can be normalised without judging it: Vietnamese text to NFC,
codes trimmed and upper-cased, numbers in Vietnamese notation ("1.234,5", "85%") to
floats, status labels ("Hoàn thành") to their keys. What cannot be read is kept as typed
(`status` stays "xong", `value` stays None with `value_text` "nhiều"), because judging it is
validation's job: it must be able to show the steward the bad value as the unit wrote it.
A submission too broken to read at all is not a Submission but a rejection.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# What a unit writes in an indicator's note when nothing arose in the period, compared
# without case or diacritics ("Không phát sinh", "KHONG PHAT SINH", "kps").
_NOT_APPLICABLE = {"khong phat sinh", "kps", "n/a", "not applicable"}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split()).strip(" .")


@dataclass(frozen=True)
class TaskRow:
    """One row of sheet NhiemVu. `row` is where it stands in the file (1-based, for findings)."""

    row: int
    task: str
    status: str
    result: str = ""
    evidence: str = ""
    difficulties: str = ""
    proposals: str = ""
    unit: str = ""
    period: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    """One row of sheet ChiSo: `value` is None when blank or unreadable (see `value_text`)."""

    row: int
    indicator: str
    value: float | None
    value_text: str = ""
    note: str = ""
    unit: str = ""
    period: str = ""

    @property
    def not_applicable(self) -> bool:
        """Blank on purpose: the unit wrote "không phát sinh" (nothing arose) in the note."""
        return self.value is None and _plain(self.note) in _NOT_APPLICABLE


@dataclass(frozen=True)
class Submission:
    """One unit's periodic report. `unit` and `period` are the codes the file declares."""

    unit: str
    period: str
    tasks: tuple[TaskRow, ...]
    indicators: tuple[IndicatorRow, ...]
    form: str
