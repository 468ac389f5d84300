"""From the rows a reader found to a Submission: codes resolved against the plan.

Every form (XLSX, CSV, JSON) hands over its rows as `Record`s keyed by the machine keys of
`papi_etl.schema`; this module is the one place that decides what is a rejection (a unit,
period, task or indicator the plan does not know, several units in one file) and what is
only normalised for validation to judge (statuses, numbers, free text).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from papi_etl import calendar, schema
from papi_etl.forms import normalise
from papi_etl.forms.numbers import parse_number
from papi_etl.forms.rejection import RejectedSubmission, RejectionCode
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan
from papi_etl.submission import IndicatorRow, Submission, TaskRow

MAX_ROWS = 5000
"""Rows per table; a unit's report has a few dozen, so more is a broken or hostile file."""


@dataclass(frozen=True)
class Record:
    """One row as found: `row` is its 1-based place in the table, `cells` its raw values."""

    row: int
    cells: Mapping[str, object]
    # Each cell's text, normalised once: the unit, period and code cells are asked for by
    # several checks, and a city's collect reads tens of thousands of rows.
    _texts: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def get(self, key: str) -> str:
        try:
            return self._texts[key]
        except KeyError:
            text = self._texts[key] = normalise.text(self.cells.get(key))
            return text


@dataclass(frozen=True)
class Table:
    """Where a form's rows stand, named for messages in the clerk's words: 'dòng 12 của
    sheet NhiemVu', 'nhiệm vụ thứ 7 của báo cáo JSON'."""

    name_vi: str
    name_en: str
    row_vi: str = "dòng {row} của {name}"
    row_en: str = "row {row} of {name}"

    def at_vi(self, row: int) -> str:
        return self.row_vi.format(row=row, name=self.name_vi)

    def at_en(self, row: int) -> str:
        return self.row_en.format(row=row, name=self.name_en)


def is_blank(cells: Mapping[str, object]) -> bool:
    """True for a row with nothing but its unit and period: it reports nothing."""
    return all(
        normalise.text(value) == ""
        for key, value in cells.items()
        if key not in (schema.UNIT, schema.PERIOD)
    )


def check_count(count: int, table: Table) -> None:
    """Raises too_many_rows once a table passes MAX_ROWS (called while reading, to stop early)."""
    if count > MAX_ROWS:
        raise RejectedSubmission(
            RejectionCode.TOO_MANY_ROWS,
            f"{normalise.sentence(table.name_vi)} có hơn {MAX_ROWS} dòng số liệu; một báo cáo "
            "chỉ có vài chục dòng.",
            f"{normalise.sentence(table.name_en)} has more than {MAX_ROWS} data rows; a report "
            "has a few dozen.",
        )


def _plan_name(plan: Plan) -> str:
    return f"kế hoạch {plan.document.number}"


@functools.lru_cache(maxsize=64)
def _unit_names(names: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Folded code, name or short name -> unit code; the first unit in the plan's order
    wins a name two units share. Cached on the names themselves (a plan is not hashable):
    every file of a collect folds the same few hundred names otherwise."""
    found: dict[str, str] = {}
    for code, *spellings in names:
        for name in (code, *spellings):
            found.setdefault(normalise.fold(name), code)
    return found


def _unit_resolver(plan: Plan) -> Callable[[str], str | None]:
    """Typed unit -> its code: by code, name or short name, in any case or accents."""
    names = _unit_names(tuple((u.code, u.name, u.short_name or u.code) for u in plan.units))
    return lambda typed: names.get(normalise.fold(typed))


def _period_resolver(plan: Plan) -> Callable[[str], str | None]:
    """Typed period -> its code, in any case."""
    codes = {p.code.upper(): p.code for p in calendar.periods(plan)}
    return lambda typed: codes.get(typed.upper())


def _valid(plan: Plan, is_unit: bool) -> str:
    """The valid unit (or period) codes, for a rejection's message."""
    return ", ".join(
        [u.code for u in plan.units] if is_unit else [p.code for p in calendar.periods(plan)]
    )


@dataclass(frozen=True)
class _Mention:
    """A value the file gives for a key, where it first gives it (for messages)."""

    typed: str
    place_vi: str
    place_en: str


def _mentions(
    key: str, declared: str, tables: Sequence[tuple[Table, Sequence[Record]]]
) -> list[_Mention]:
    found: dict[str, _Mention] = {}
    if declared:
        found[declared] = _Mention(declared, "khai báo đầu tệp", "the file's header")
    for table, records in tables:
        for record in records:
            typed = record.get(key)
            if typed and typed not in found:
                found[typed] = _Mention(typed, table.at_vi(record.row), table.at_en(record.row))
    return list(found.values())


def _one(
    plan: Plan, key: str, declared: str, tables: Sequence[tuple[Table, Sequence[Record]]]
) -> str:
    """The one unit (or period) a file is about; rejects unknown, missing or mixed values."""
    is_unit = key == schema.UNIT
    resolve = _unit_resolver(plan) if is_unit else _period_resolver(plan)
    what_vi, what_en = ("mã đơn vị", "unit code") if is_unit else ("kỳ báo cáo", "period code")
    unknown_code = RejectionCode.UNKNOWN_UNIT if is_unit else RejectionCode.UNKNOWN_PERIOD
    mentions = _mentions(key, declared, tables)
    if not mentions:
        valid = _valid(plan, is_unit)
        raise RejectedSubmission(
            unknown_code,
            f"Tệp không ghi {what_vi} (cột '{key}'); các giá trị hợp lệ: {valid}.",
            f"The file gives no {what_en} (column '{key}'); valid values: {valid}.",
        )
    resolved = [(mention, resolve(mention.typed)) for mention in mentions]
    unknown = [mention for mention, code in resolved if code is None]
    if unknown:
        valid = _valid(plan, is_unit)
        raise RejectedSubmission(
            unknown_code,
            f"{normalise.sentence(what_vi)} không có trong {_plan_name(plan)}: "
            + ", ".join(f"'{m.typed}' ({m.place_vi})" for m in unknown)
            + f"; các giá trị hợp lệ: {valid}.",
            f"{normalise.sentence(what_en)} not in plan {plan.id}: "
            + ", ".join(f"'{m.typed}' ({m.place_en})" for m in unknown)
            + f"; valid values: {valid}.",
        )
    by_code: dict[str, list[_Mention]] = {}
    for mention, code in resolved:
        by_code.setdefault(str(code), []).append(mention)
    if len(by_code) > 1:
        vi = "; ".join(f"{c} ({', '.join(m.place_vi for m in ms)})" for c, ms in by_code.items())
        en = "; ".join(f"{c} ({', '.join(m.place_en for m in ms)})" for c, ms in by_code.items())
        raise RejectedSubmission(
            RejectionCode.MIXED_UNITS if is_unit else RejectionCode.MIXED_PERIODS,
            f"Một tệp chỉ chứa báo cáo của một đơn vị cho một kỳ, nhưng tệp này ghi nhiều "
            f"{what_vi}: {vi}.",
            f"A file holds one unit's report for one period, but this one gives several "
            f"{what_en}s: {en}.",
        )
    return next(iter(by_code))


def _codes(plan: Plan, key: str, table: Table, records: Sequence[Record]) -> dict[str, str]:
    """Typed task (or indicator) code -> the plan's spelling; rejects codes the plan lacks."""
    is_task = key == schema.TASK
    things = assignments.tasks(plan) if is_task else plan.indicators
    known = {thing.code.upper(): thing.code for thing in things}
    typed_codes = {record.get(key) for record in records}
    unknown: dict[str, int] = {}
    if not all(typed.upper() in known for typed in typed_codes):
        for record in records:
            typed = record.get(key)
            if typed.upper() not in known:
                unknown.setdefault(typed or "(trống)", record.row)
    if unknown:
        shown = list(unknown.items())[:10]
        listed_vi = ", ".join(f"'{code}' ({table.at_vi(row)})" for code, row in shown)
        listed_en = ", ".join(f"'{code}' ({table.at_en(row)})" for code, row in shown)
        if len(unknown) > len(shown):
            listed_vi += f" và {len(unknown) - len(shown)} mã khác"
            listed_en += f" and {len(unknown) - len(shown)} more"
        raise RejectedSubmission(
            RejectionCode.UNKNOWN_TASK if is_task else RejectionCode.UNKNOWN_INDICATOR,
            f"{'Mã nhiệm vụ' if is_task else 'Mã chỉ tiêu'} không có trong {_plan_name(plan)}: "
            f"{listed_vi}. Hãy dùng mẫu báo cáo của kỳ này và không sửa cột mã.",
            f"{'Task' if is_task else 'Indicator'} code(s) not in plan {plan.id}: {listed_en}. "
            "Use this period's template and leave the code column as it is.",
        )
    return {typed: known[typed.upper()] for typed in typed_codes}


def _value(raw: object) -> tuple[float | None, str]:
    """An indicator's value and, when it is not a number, the text as typed."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
        return (number, "") if math.isfinite(number) else (None, str(raw))
    typed = normalise.text(raw)
    number = parse_number(typed) if isinstance(raw, str) else None
    return (number, "") if number is not None else (None, typed)


def assemble(
    plan: Plan,
    form: str,
    tasks: tuple[Table, Sequence[Record]],
    indicators: tuple[Table, Sequence[Record]],
    declared_unit: str = "",
    declared_period: str = "",
) -> Submission:
    """The Submission these rows make, with the plan's spelling of every code.

    `declared_unit` and `declared_period` are what the file says once for all its rows (the
    JSON form); a row's own blank unit or period takes the file's. Raises RejectedSubmission:
    no_rows, unknown_unit, unknown_period, mixed_units, mixed_periods, unknown_task,
    unknown_indicator.
    """
    (task_table, task_records), (indicator_table, indicator_records) = tasks, indicators
    if not task_records and not indicator_records:
        # The CSV form has one table for both: name it once.
        tables = dict.fromkeys([task_table, indicator_table])
        raise RejectedSubmission(
            RejectionCode.NO_ROWS,
            "Tệp không có dòng số liệu nào (" + " và ".join(t.name_vi for t in tables) + " trống).",
            "The file has no data rows (" + " and ".join(t.name_en for t in tables) + " empty).",
        )
    both = (tasks, indicators)
    unit = _one(plan, schema.UNIT, declared_unit, both)
    period = _one(plan, schema.PERIOD, declared_period, both)
    task_codes = _codes(plan, schema.TASK, task_table, task_records)
    indicator_codes = _codes(plan, schema.INDICATOR, indicator_table, indicator_records)
    task_rows = tuple(
        TaskRow(
            row=r.row,
            task=task_codes[r.get(schema.TASK)],
            status=normalise.status(r.get(schema.STATUS)),
            result=r.get(schema.RESULT),
            evidence=r.get(schema.EVIDENCE),
            difficulties=r.get(schema.DIFFICULTIES),
            proposals=r.get(schema.PROPOSALS),
            unit=unit,
            period=period,
        )
        for r in task_records
    )
    indicator_rows = tuple(
        IndicatorRow(
            r.row,
            indicator_codes[r.get(schema.INDICATOR)],
            *_value(r.cells.get(schema.VALUE)),
            note=r.get(schema.NOTE),
            unit=unit,
            period=period,
        )
        for r in indicator_records
    )
    return Submission(unit, period, task_rows, indicator_rows, form)
