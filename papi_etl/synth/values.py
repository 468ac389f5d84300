"""Indicator values for synthetic reports: plausible for each indicator, coherent over time.

A value depends only on (seed, unit, indicator, year) and where the period ends in its
year, never on which other periods are generated, so one period alone comes out as it does
in a whole run. The shape follows the plan's description of the indicator:

- cumulative (`aggregate_periods: cumulative`): a yearly total drawn once per (unit,
  indicator, year), reached along a monotone curve `total * fraction ** gamma`, rounded
  down; so a year-to-date figure never falls from one period of a year to the next;
- snapshot: a level drawn once per (unit, indicator) that drifts slowly and linearly with
  time, in the direction the plan calls better;
- per period: a share of the yearly total proportional to the period's span;
- the numerator of a ratio (late dossiers of dossiers received, resolved of received) is
  a share of its denominator, drawn once per (unit, ratio, year) and rounded down: never
  above the denominator and, being a fixed share of a monotone count, monotone too. The
  share is small where the plan wants the ratio low (late dossiers); high where it wants it
  high and the numerator comes of the same task as the denominator (complaints resolved of
  those received); modest where another task drives the numerator (dossiers received
  online, pushed up by an e-government task, of all dossiers received): an uptake.

Magnitudes come from the indicator's range and direction only (no code is looked at): a
count of events a unit wants more of runs at a few percent of its range per year, events it
wants fewer of (complaints, fires) at a fraction of a percent, small ranges (a handful of
disclosures a year) at a third of it; counts are scaled by the unit's size, a ward (~60,000
people) doing most of the counted work and an agency a smaller share. Levels (services
online, schools up to standard) sit at a few percent of their range, percentages in the
seventies to nineties.
"""

from __future__ import annotations

import datetime as dt
import math

from papi_etl import calendar
from papi_etl.calendar import Period
from papi_etl.plan.model import (
    Better,
    Indicator,
    PeriodAggregation,
    Plan,
    Unit,
    UnitKind,
    ValueType,
)
from papi_etl.synth.seeding import rng

SMALL_RANGE = 20
"""A range this narrow (0-1 recognised, 0-5 yearly reports) holds a handful, not a share."""

_DAYS_IN_YEAR = 365


class Values:
    """Every indicator value of every unit and period of one plan, under one seed."""

    def __init__(self, plan: Plan, seed: int) -> None:
        self._plan = plan
        self._seed = seed
        self._year_starts: dict[int, dt.date] = {}
        for p in calendar.periods(plan):
            start = self._year_starts.get(p.year, p.starts)
            self._year_starts[p.year] = min(start, p.starts)
        by_code = {x.code.upper(): x for x in plan.indicators}
        # numerator code -> (ratio, its denominator, uptake?) for every ratio it is part of
        self._shares: dict[str, list[tuple[Indicator, Indicator, bool]]] = {}
        for x in plan.indicators:
            if x.ratio is None:
                continue
            numerator = by_code.get(x.ratio.numerator.upper())
            denominator = by_code.get(x.ratio.denominator.upper())
            if numerator is not None and denominator is not None:
                uptake = not set(numerator.tasks) & set(denominator.tasks)
                self._shares.setdefault(numerator.code, []).append((x, denominator, uptake))
        self._memo: dict[tuple[str, str, str], float] = {}

    def fraction(self, period: Period) -> float:
        """How much of its year the period's span covers (0-1]: Q1 about 0.23, Y about 0.9."""
        start = self._year_starts.get(period.year, period.starts)
        return min(max(((period.ends - start).days + 1) / _DAYS_IN_YEAR, 1e-3), 1.0)

    def of(self, unit: Unit, indicator: Indicator, period: Period) -> float:
        """The unit's value of the indicator in the period (a whole number for a count)."""
        return self._value(unit, indicator, period, frozenset())

    def _value(
        self, unit: Unit, indicator: Indicator, period: Period, chain: frozenset[str]
    ) -> float:
        key = (unit.code, indicator.code, period.code)
        if key not in self._memo:
            below = chain | {indicator.code}
            parts = [
                part for part in self._shares.get(indicator.code, []) if part[1].code not in below
            ]
            if parts:
                raw = min(
                    self._value(unit, den, period, below) * self._share(unit, ratio, period, uptake)
                    for ratio, den, uptake in parts
                )
            elif indicator.aggregate_periods is PeriodAggregation.SNAPSHOT:
                raw = self._level(unit, indicator, period)
            else:
                raw = self._count(unit, indicator, period)
            low, high = indicator.range.min, indicator.range.max
            self._memo[key] = min(max(_round_down(indicator, raw), low), high)
        return self._memo[key]

    def _size(self, unit: Unit) -> float:
        # A ward (~60,000 people) does most of the counted work; an agency or a service
        # unit reports a smaller share of the same kinds of events.
        kind_scale = 1.0 if unit.kind is UnitKind.WARD else 0.4
        return kind_scale * rng(self._seed, "size", unit.code).uniform(0.7, 1.3)

    def _count(self, unit: Unit, indicator: Indicator, period: Period) -> float:
        draw = rng(self._seed, "annual", unit.code, indicator.code, period.year)
        width = indicator.range.max - indicator.range.min
        if width <= SMALL_RANGE:
            share = draw.uniform(0.2, 0.35)
        elif indicator.better is Better.LOWER:
            share = draw.uniform(0.005, 0.02)
        else:
            share = draw.uniform(0.03, 0.08)
        total = width * share * self._size(unit)
        gamma = draw.uniform(0.8, 1.25)
        if indicator.aggregate_periods is PeriodAggregation.PER_PERIOD:
            span = ((period.ends - period.starts).days + 1) / _DAYS_IN_YEAR
            wobble = rng(self._seed, "period", unit.code, indicator.code, period.code)
            return indicator.range.min + total * span * wobble.uniform(0.8, 1.2)
        return indicator.range.min + total * self.fraction(period) ** gamma

    def _level(self, unit: Unit, indicator: Indicator, period: Period) -> float:
        draw = rng(self._seed, "level", unit.code, indicator.code)
        low, width = indicator.range.min, indicator.range.max - indicator.range.min
        if indicator.value_type is ValueType.PERCENT:
            start = low + width * draw.uniform(0.72, 0.94)
            slope = width * draw.uniform(0.005, 0.03)
        elif width <= SMALL_RANGE:
            start = low + width * draw.uniform(0.3, 0.7)
            slope = width * draw.uniform(0.0, 0.25)
        else:
            # A level is the unit's stock (services online, schools up to standard), which
            # is as large for an agency that holds it as for a ward: no size scaling.
            start = low + width * draw.uniform(0.03, 0.1)
            slope = (start - low) * draw.uniform(0.02, 0.1)
        years = (period.ends - self._plan.calendar.valid_from).days / 365.25
        direction = 1.0 if indicator.better is Better.HIGHER else -1.0
        return start + direction * slope * years

    def _share(self, unit: Unit, ratio: Indicator, period: Period, uptake: bool) -> float:
        draw = rng(self._seed, "share", unit.code, ratio.code, period.year)
        if ratio.better is Better.LOWER:
            return draw.uniform(0.005, 0.03)
        if uptake:
            return draw.uniform(0.05, 0.35)
        return draw.uniform(0.7, 0.99)


def _round_down(indicator: Indicator, raw: float) -> float:
    """Whole for counts, one decimal otherwise; down, so that rounding keeps order and shares."""
    if indicator.value_type is ValueType.COUNT:
        return float(math.floor(raw + 1e-9))
    return math.floor(raw * 10 + 1e-9) / 10
