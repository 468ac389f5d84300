"""Who is late, who sends nothing, whose report has errors: the mix of a realistic period.

In a real period a few units miss the deadline, one or two send nothing and some reports
have mistakes that validation must catch. Per period, a seeded draw picks about
LATE_SHARE of the reporting units to arrive late, MISSING_SHARE to send nothing and
ERRONEOUS_SHARE (among those that send) to carry one or two injected errors, each of a
kind the validator checks (ErrorKind). The draw depends on the seed and the period only,
so the same seed gives the same mix whichever periods are generated together. `clean`
skips the mix: every unit on time, complete and valid.

Arrival times stand in for when a file was dropped: on-time reports a few days before the
units' deadline in office hours, late ones from the deadline (00:00 on the 10th) to a few
days after it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from papi_etl import calendar
from papi_etl.calendar import Period
from papi_etl.plan.model import Indicator, PeriodAggregation, Plan, Unit, ValueType
from papi_etl.schema import TaskStatus
from papi_etl.submission import IndicatorRow, Submission, TaskRow
from papi_etl.synth import texts
from papi_etl.synth.generate import Synthesiser
from papi_etl.synth.seeding import rng

LATE_SHARE = 0.10
MISSING_SHARE = 0.05
ERRONEOUS_SHARE = 0.10
DEFAULT_SEED = 461
"""The plan's number, 461/KH-UBND."""

_OFFICE_OPENS = dt.timedelta(hours=7, minutes=30)
_OFFICE_HOURS = 9 * 60 + 30  # minutes, 07:30-17:00


class ErrorKind(StrEnum):
    """The mistakes injected into erroneous reports, each one a validation rule must catch."""

    MISSING_EVIDENCE = "missing_evidence"
    """A task reported "hoan_thanh" with no evidence."""
    OUT_OF_RANGE = "out_of_range"
    """An indicator value above the indicator's range."""
    NOT_A_NUMBER = "not_a_number"
    """An indicator value that is no number ("nhiều")."""
    MISSING_TASK = "missing_task"
    """A task the unit must report has no row."""
    CUMULATIVE_DECREASE = "cumulative_decrease"
    """A cumulative value lower than the unit's value of an earlier period of the year."""


@dataclass(frozen=True)
class InjectedError:
    """One injected error and where it is: a task or an indicator code, and the bad value."""

    kind: ErrorKind
    task: str | None = None
    indicator: str | None = None
    value: float | str | None = None
    previous: float | None = None
    previous_period: str | None = None

    def as_dict(self) -> dict[str, object]:
        fields = dataclasses.asdict(self)
        return {k: (str(v) if k == "kind" else v) for k, v in fields.items() if v is not None}


@dataclass(frozen=True)
class SyntheticReport:
    """One unit's report for one period and its fate; `submission` is None when missing."""

    unit: Unit
    period: Period
    submission: Submission | None
    arrival: dt.datetime | None
    late: bool
    errors: tuple[InjectedError, ...] = ()

    @property
    def missing(self) -> bool:
        return self.submission is None


@dataclass(frozen=True)
class Cast:
    """The unit codes that are late, missing and erroneous in one period."""

    late: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    erroneous: frozenset[str] = frozenset()


def cast(seed: int, period: Period, reporters: Sequence[Unit]) -> Cast:
    """Which units are late, missing or erroneous in the period (missing ones are neither)."""
    draw = rng(seed, "cast", period.code)
    codes = [u.code for u in reporters]
    order = codes.copy()
    draw.shuffle(order)
    missing = order[: round(MISSING_SHARE * len(codes))]
    late = order[len(missing) : len(missing) + round(LATE_SHARE * len(codes))]
    sending = [c for c in codes if c not in missing]
    draw.shuffle(sending)
    erroneous = sending[: round(ERRONEOUS_SHARE * len(codes))]
    return Cast(frozenset(late), frozenset(missing), frozenset(erroneous))


def arrival(seed: int, unit: Unit, period: Period, late: bool) -> dt.datetime:
    """When the unit's file arrives (aware, in the plan's time zone), in office hours."""
    draw = rng(seed, "arrival", unit.code, period.code)
    deadline = period.unit_deadline
    if late:
        day = deadline.date() + dt.timedelta(days=draw.randint(0, 4))
    else:
        day = deadline.date() - dt.timedelta(days=draw.randint(1, 6))
    at = (
        dt.datetime.combine(day, dt.time(), tzinfo=deadline.tzinfo)
        + _OFFICE_OPENS
        + dt.timedelta(minutes=draw.randint(0, _OFFICE_HOURS), seconds=draw.randint(0, 59))
    )
    return max(at, deadline) if late else min(at, deadline - dt.timedelta(minutes=1))


def build(
    plan: Plan, seed: int, periods: Sequence[Period], form: str, *, clean: bool = False
) -> list[SyntheticReport]:
    """Every reporting unit's report for each period, with the seeded mix unless `clean`."""
    synthesiser = Synthesiser(plan, seed, form)
    reporters = synthesiser.reporters()
    reports: list[SyntheticReport] = []
    for period in periods:
        roles = Cast() if clean else cast(seed, period, reporters)
        for unit in reporters:
            if unit.code in roles.missing:
                reports.append(SyntheticReport(unit, period, None, None, late=False))
                continue
            submission = synthesiser.submission(unit, period)
            errors: tuple[InjectedError, ...] = ()
            if unit.code in roles.erroneous:
                submission, errors = _Corruption(synthesiser, unit, period, reporters).apply(
                    submission
                )
            late = unit.code in roles.late
            at = arrival(seed, unit, period, late)
            reports.append(SyntheticReport(unit, period, submission, at, late, errors))
    return reports


class _Corruption:
    """Injects one or two errors of different kinds into one unit's report.

    Each kind changes `tasks` or `indicators` in place and says where, or returns None when
    the report offers it no place (no indicator to spoil, no earlier period to fall below).
    Targets are chosen so that each error breaks its one rule only.
    """

    def __init__(
        self, synthesiser: Synthesiser, unit: Unit, period: Period, reporters: Sequence[Unit]
    ) -> None:
        self._synth = synthesiser
        self._unit = unit
        self._period = period
        self._reporters = reporters
        self._draw = rng(synthesiser.seed, "errors", unit.code, period.code)
        plan = synthesiser.plan
        self._numerators = {x.ratio.numerator.upper() for x in plan.indicators if x.ratio}
        self._denominators = {x.ratio.denominator.upper() for x in plan.indicators if x.ratio}
        self._indicators = {x.code: x for x in synthesiser.indicators_of(unit)}

    def apply(self, submission: Submission) -> tuple[Submission, tuple[InjectedError, ...]]:
        """The report with its errors, rows renumbered as the file will hold them."""
        inject = {
            ErrorKind.MISSING_EVIDENCE: self._missing_evidence,
            ErrorKind.OUT_OF_RANGE: self._out_of_range,
            ErrorKind.NOT_A_NUMBER: self._not_a_number,
            ErrorKind.MISSING_TASK: self._missing_task,
            ErrorKind.CUMULATIVE_DECREASE: self._decrease,
        }
        kinds = list(ErrorKind)
        self._draw.shuffle(kinds)
        wanted = 2 if self._draw.random() < 0.3 else 1
        tasks, indicators = list(submission.tasks), list(submission.indicators)
        errors: list[InjectedError] = []
        for kind in kinds:
            if len(errors) == wanted:
                break
            error = inject[kind](tasks, indicators)
            if error is not None:
                errors.append(error)
        return (
            dataclasses.replace(
                submission,
                tasks=tuple(dataclasses.replace(t, row=i) for i, t in enumerate(tasks, 1)),
                indicators=tuple(
                    dataclasses.replace(x, row=i) for i, x in enumerate(indicators, 1)
                ),
            ),
            tuple(errors),
        )

    @staticmethod
    def _untouched(tasks: list[TaskRow]) -> list[int]:
        """Rows no error has used yet (a clean row done always has evidence)."""
        return [
            i
            for i, r in enumerate(tasks)
            if not (r.status == TaskStatus.HOAN_THANH and not r.evidence)
        ]

    @staticmethod
    def _numbers(indicators: list[IndicatorRow]) -> list[int]:
        return [i for i, x in enumerate(indicators) if x.value is not None]

    def _missing_task(
        self, tasks: list[TaskRow], indicators: list[IndicatorRow]
    ) -> InjectedError | None:
        untouched = self._untouched(tasks)
        # The file must keep a row, or it is rejected as empty instead of found incomplete.
        if not untouched or len(tasks) + len(indicators) < 2:
            return None
        dropped = tasks.pop(self._draw.choice(untouched))
        return InjectedError(ErrorKind.MISSING_TASK, task=dropped.task)

    def _missing_evidence(
        self, tasks: list[TaskRow], indicators: list[IndicatorRow]
    ) -> InjectedError | None:
        untouched = self._untouched(tasks)
        if not untouched:
            return None
        done = [i for i in untouched if tasks[i].status == TaskStatus.HOAN_THANH]
        at = self._draw.choice(done or untouched)
        row = tasks[at]
        if row.status != TaskStatus.HOAN_THANH:
            task = next(t for t in self._synth.tasks_of(self._unit) if t.code == row.task)
            row = self._synth.task_row(
                self._unit, task, self._period, row.row, TaskStatus.HOAN_THANH
            )
        tasks[at] = dataclasses.replace(row, evidence="")
        return InjectedError(ErrorKind.MISSING_EVIDENCE, task=row.task)

    def _not_a_number(
        self, tasks: list[TaskRow], indicators: list[IndicatorRow]
    ) -> InjectedError | None:
        numbers = self._numbers(indicators)
        if not numbers:
            return None
        at = self._draw.choice(numbers)
        typed = self._draw.choice(texts.NOT_A_NUMBER)
        indicators[at] = dataclasses.replace(indicators[at], value=None, value_text=typed)
        return InjectedError(
            ErrorKind.NOT_A_NUMBER, indicator=indicators[at].indicator, value=typed
        )

    def _out_of_range(
        self, tasks: list[TaskRow], indicators: list[IndicatorRow]
    ) -> InjectedError | None:
        # Not a ratio's numerator: above its denominator it would break a second rule.
        fits = [
            i
            for i in self._numbers(indicators)
            if indicators[i].indicator.upper() not in self._numerators
        ]
        if not fits:
            return None
        at = self._draw.choice(fits)
        indicator = self._indicators[indicators[at].indicator]
        high = indicator.range.max
        if indicator.value_type is ValueType.COUNT:
            value = float(high + self._draw.randint(1, max(1, int(high * 0.5))))
        else:
            value = round(high + self._draw.uniform(0.5, max(1.0, high * 0.5)), 1)
        indicators[at] = dataclasses.replace(indicators[at], value=value)
        return InjectedError(ErrorKind.OUT_OF_RANGE, indicator=indicator.code, value=value)

    def _decrease(
        self, tasks: list[TaskRow], indicators: list[IndicatorRow]
    ) -> InjectedError | None:
        """A cumulative value below the one of every earlier period of the year that the
        unit reported, so that validation finds it whichever earlier report it compares with.

        Not a ratio's denominator: below its numerator it would break a second rule.
        """
        earlier = [
            p
            for p in calendar.periods(self._synth.plan, self._period.year)
            if p.ends < self._period.ends
            and self._unit.code not in cast(self._synth.seed, p, self._reporters).missing
        ]
        if not earlier:
            return None
        values = self._synth.values
        candidates = []
        for i in self._numbers(indicators):
            indicator = self._indicators[indicators[i].indicator]
            if (
                indicator.aggregate_periods is not PeriodAggregation.CUMULATIVE
                or indicator.code.upper() in self._denominators
            ):
                continue
            lowest = min(values.of(self._unit, indicator, p) for p in earlier)
            room = lowest - indicator.range.min
            if room >= 1 or (indicator.value_type is not ValueType.COUNT and room >= 0.2):
                candidates.append((i, indicator, lowest, room))
        if not candidates:
            return None
        at, indicator, lowest, room = self._draw.choice(candidates)
        value = round(lowest - _cut(self._draw, indicator, room), 1)
        indicators[at] = dataclasses.replace(indicators[at], value=value)
        previous = earlier[-1]
        return InjectedError(
            ErrorKind.CUMULATIVE_DECREASE,
            indicator=indicator.code,
            value=value,
            previous=values.of(self._unit, indicator, previous),
            previous_period=previous.code,
        )


def _cut(draw: random.Random, indicator: Indicator, room: float) -> float:
    """How far below an earlier value a wrong cumulative value falls (whole for counts)."""
    if indicator.value_type is ValueType.COUNT:
        return float(draw.randint(1, max(1, int(room * 0.4))))
    return round(draw.uniform(0.1, max(0.1, room * 0.4)), 1)
