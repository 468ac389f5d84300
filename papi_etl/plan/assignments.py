"""Who must do and report what: unit and group references resolved to units.

Tasks name units directly ("PNV") or collectively ("wards": "Ủy ban nhân dân 10 phường");
everything downstream (templates, completeness, reminders) needs the concrete units, in
the plan's order, so that the expansion has one home.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from papi_etl.plan.model import Indicator, Plan, Task, Unit


def units(plan: Plan, refs: Iterable[str]) -> list[Unit]:
    """The units that unit or group codes stand for, each once, in the plan's unit order."""
    wanted = {ref.upper() for ref in refs}
    kinds = {kind for group in plan.groups if group.code.upper() in wanted for kind in group.kinds}
    return [u for u in plan.units if u.code.upper() in wanted or u.kind in kinds]


def tasks(plan: Plan) -> Iterator[Task]:
    """Every task: the bullets of section II by dimension, then the assignments."""
    for dimension in plan.dimensions:
        yield from dimension.tasks
    yield from plan.assignments


def reporting_units(plan: Plan, task: Task) -> list[Unit]:
    return units(plan, task.reporting_units)


def indicator_reporting_units(plan: Plan, indicator: Indicator) -> list[Unit]:
    """Who reports a value: the indicator's own list, else its tasks' reporting units."""
    if indicator.reporting_units is not None:
        return units(plan, indicator.reporting_units)
    by_code = {t.code: t for t in tasks(plan)}
    refs = [ref for code in indicator.tasks for ref in by_code[code].reporting_units]
    return units(plan, refs)


def tasks_of_unit(plan: Plan, unit_code: str) -> list[Task]:
    """The tasks a unit's periodic report must cover."""
    code = unit_code.upper()
    return [t for t in tasks(plan) if any(u.code.upper() == code for u in reporting_units(plan, t))]


def indicators_of_unit(plan: Plan, unit_code: str) -> list[Indicator]:
    """The indicators a unit must give a value for (computed ratios are nobody's)."""
    code = unit_code.upper()
    return [
        x
        for x in plan.indicators
        if any(u.code.upper() == code for u in indicator_reporting_units(plan, x))
    ]
