"""One unit's synthetic report for one period, as a Submission a form writer can write.

Everything comes from the plan: the units that report, the tasks and indicators each must
cover (`papi_etl.plan.assignments`), the dimension a task belongs to (which picks its
phrases), the indicators tied to a task (whose figures its result quotes). A task's status
follows the year: drawn once per (unit, task, year) as the moments it starts and is done,
so most tasks are under way in the first quarter and done by the yearly report, and a task
never goes back from done to under way within a year. A task is "không phát sinh" where
the plan makes that plausible: it answers events the plan wants fewer of (complaints,
harassment, fires) and none of the unit's figures for it has arisen yet.
"""

from __future__ import annotations

import datetime as dt
import random

from papi_etl.calendar import Period
from papi_etl.plan.assignments import indicators_of_unit, tasks_of_unit, units
from papi_etl.plan.model import Better, Indicator, PeriodAggregation, Plan, Task, Unit, UnitKind
from papi_etl.schema import TaskStatus
from papi_etl.submission import IndicatorRow, Submission, TaskRow
from papi_etl.synth import texts
from papi_etl.synth.seeding import rng
from papi_etl.synth.values import Values

EVIDENCE_MARGIN = dt.timedelta(days=7)
"""Evidence is dated at least this long before the span ends: a report cannot cite a document
issued after it was sent, and on-time reports arrive in the last days before the deadline."""

_DIFFICULTY_CHANCE = {
    TaskStatus.CHUA_TRIEN_KHAI: 0.6,
    TaskStatus.DANG_TRIEN_KHAI: 0.35,
    TaskStatus.HOAN_THANH: 0.1,
    TaskStatus.KHONG_PHAT_SINH: 0.0,
}


class Synthesiser:
    """Makes the clean (on time, complete, valid) reports of one plan under one seed."""

    def __init__(self, plan: Plan, seed: int, form: str) -> None:
        self.plan = plan
        self.seed = seed
        self.form = form
        self.values = Values(plan, seed)
        self._dimension = {t.code: d.number for d in plan.dimensions for t in d.tasks}
        self._tasks = {u.code: tasks_of_unit(plan, u.code) for u in plan.units}
        self._indicators = {u.code: indicators_of_unit(plan, u.code) for u in plan.units}
        self._ratios = [x for x in plan.indicators if x.ratio is not None]
        self._by_code = {x.code.upper(): x for x in plan.indicators}
        consolidating = units(plan, [plan.calendar.consolidating_unit])
        self._consolidator = (
            (consolidating[0].short_name or consolidating[0].name) if consolidating else ""
        )

    def reporters(self) -> list[Unit]:
        """The units that have something to report, in the plan's order."""
        return [u for u in self.plan.units if self._tasks[u.code] or self._indicators[u.code]]

    def tasks_of(self, unit: Unit) -> list[Task]:
        """The tasks the unit must report on, in the plan's order."""
        return self._tasks[unit.code]

    def indicators_of(self, unit: Unit) -> list[Indicator]:
        """The indicators the unit must give values for, in the plan's order."""
        return self._indicators[unit.code]

    def submission(self, unit: Unit, period: Period) -> Submission:
        """The unit's clean report for the period: every task and indicator it must report."""
        tasks = tuple(
            self.task_row(unit, task, period, row)
            for row, task in enumerate(self._tasks[unit.code], start=1)
        )
        indicators = tuple(
            self._indicator_row(unit, indicator, period, row)
            for row, indicator in enumerate(self._indicators[unit.code], start=1)
        )
        return Submission(unit.code, period.code, tasks, indicators, self.form)

    def status(self, unit: Unit, task: Task, period: Period) -> TaskStatus:
        """Where the task stands at the end of the period (see the module's docstring)."""
        reported = self._reported(unit, task, period)
        if (
            reported
            and all(x.aggregate_periods is not PeriodAggregation.SNAPSHOT for x, _ in reported)
            and all(value == x.range.min for x, value in reported)
            and any(x.better is Better.LOWER for x, _ in reported)
        ):
            return TaskStatus.KHONG_PHAT_SINH
        draw = rng(self.seed, "status", unit.code, task.code, period.year)
        starts = draw.uniform(-0.4, 0.35)
        done = max(draw.uniform(0.15, 1.25), starts + 0.05)
        elapsed = self.values.fraction(period)
        if elapsed < starts:
            return TaskStatus.CHUA_TRIEN_KHAI
        if elapsed < done:
            return TaskStatus.DANG_TRIEN_KHAI
        return TaskStatus.HOAN_THANH

    def task_row(
        self, unit: Unit, task: Task, period: Period, row: int, status: TaskStatus | None = None
    ) -> TaskRow:
        """The row of one task; `status` forces a status (to build an erroneous row)."""
        status = status or self.status(unit, task, period)
        draw = rng(self.seed, "task", unit.code, task.code, period.code, status.value)
        is_ward = unit.kind is UnitKind.WARD
        dimension = self._dimension.get(task.code)
        figures = ""
        if status in (TaskStatus.HOAN_THANH, TaskStatus.DANG_TRIEN_KHAI):
            figures = texts.figures(
                self._reported(unit, task, period), self._shares(unit, task, period), period.ends
            )
            bank = texts.DONE if status is TaskStatus.HOAN_THANH else texts.DOING
            phrase = texts.pick(draw, bank, dimension, is_ward=is_ward, figures_given=bool(figures))
        elif status is TaskStatus.CHUA_TRIEN_KHAI:
            phrase = texts.pick_from(draw, texts.NOT_STARTED, is_ward=is_ward)
        else:
            phrase = texts.pick_from(draw, texts.NOTHING_AROSE, is_ward=is_ward)
        words = self._words(unit, period, draw)
        opening = texts.fill(phrase, words)
        detail = ""
        if status in (TaskStatus.HOAN_THANH, TaskStatus.DANG_TRIEN_KHAI):
            if draw.random() < 0.3:
                opening = texts.since_new_year(opening, period.year)
            if draw.random() < 0.5:
                detail = texts.fill(
                    texts.pick_from(
                        draw, texts.DETAILS, is_ward=is_ward, figures_given=bool(figures)
                    ),
                    words,
                )
        result = " ".join(filter(None, (texts.SYNTHETIC_MARK, opening, detail, figures)))
        difficulties = proposals = ""
        if draw.random() < _DIFFICULTY_CHANCE[status]:
            difficulties = texts.fill(
                texts.pick(draw, texts.DIFFICULTIES, dimension, is_ward=is_ward), words
            )
            if draw.random() < 0.7:
                proposals = texts.fill(
                    texts.pick(draw, texts.PROPOSALS, dimension, is_ward=is_ward), words
                )
        last = max(period.starts, period.ends - EVIDENCE_MARGIN)
        evidence = texts.evidence(draw, status, _issuer(unit), period.starts, last)
        return TaskRow(
            row=row,
            task=task.code,
            status=status.value,
            result=result,
            evidence=evidence,
            difficulties=difficulties,
            proposals=proposals,
            unit=unit.code,
            period=period.code,
        )

    def _indicator_row(
        self, unit: Unit, indicator: Indicator, period: Period, row: int
    ) -> IndicatorRow:
        draw = rng(self.seed, "note", unit.code, indicator.code, period.code)
        return IndicatorRow(
            row=row,
            indicator=indicator.code,
            value=self.values.of(unit, indicator, period),
            note=texts.note(draw, indicator, period.starts, period.ends),
            unit=unit.code,
            period=period.code,
        )

    def _reported(self, unit: Unit, task: Task, period: Period) -> list[tuple[Indicator, float]]:
        """The unit's own indicators tied to the task, with their values."""
        return [
            (x, self.values.of(unit, x, period))
            for x in self._indicators[unit.code]
            if task.code in x.tasks
        ]

    def _shares(self, unit: Unit, task: Task, period: Period) -> list[tuple[Indicator, float]]:
        """Ratios tied to the task that the unit's own figures give, in percent."""
        own = {x.code.upper() for x in self._indicators[unit.code]}
        found = []
        for ratio in self._ratios:
            if ratio.ratio is None or task.code not in ratio.tasks:
                continue
            parts = (ratio.ratio.numerator.upper(), ratio.ratio.denominator.upper())
            if not set(parts) <= own:
                continue
            numerator, denominator = (self.values.of(unit, self._by_code[c], period) for c in parts)
            if denominator > 0:
                found.append((ratio, round(100 * numerator / denominator, 1)))
        return found

    def _words(self, unit: Unit, period: Period, draw: random.Random) -> dict[str, str]:
        # A ward's number of khu phố and tổ dân phố is its own, the same in every row.
        ward = rng(self.seed, "ward", unit.code)
        khu_pho = ward.randint(5, 12)
        return texts.words(
            draw,
            is_ward=unit.kind is UnitKind.WARD,
            khu_pho=khu_pho,
            to_dan_pho=khu_pho * ward.randint(10, 18),
            consolidator=self._consolidator,
            year=period.year,
        )


def _issuer(unit: Unit) -> str:
    """The issuing body's abbreviation in a document number: "UBND" for a ward's People's
    Committee, the unit's code (PNV, TTR, ...) for the district's own bodies."""
    return "UBND" if unit.kind is UnitKind.WARD else unit.code
