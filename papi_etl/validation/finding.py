"""A finding: one failure of one rule, located in a unit's file, in the unit's language.

Findings are what validation produces and what a data steward works through; GX's results
are turned into these (in `expectations/`), so that nothing downstream depends on GX.
`sheet`, `field` are '' and `row` 0 when a finding concerns a whole submission, sheet or
row (a task that is missing has no row): (submission, sheet, row, field, rule) is a key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    submission_id: int
    unit: str
    period: str
    sheet: str
    row: int
    field: str
    rule: str
    value: str | None
    message_vi: str
    message_en: str
    hint: str
