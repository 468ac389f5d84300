"""Who must do and report what: unit and group references resolved to units.

Tasks name units directly ("PNV") or collectively ("wards": "Ủy ban nhân dân 10 phường");
everything downstream (templates, completeness, reminders) needs the concrete units, in
the plan's order, so that the expansion has one home.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from papi_etl.plan.derived import per_plan
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


@per_plan
def _reporting(plan: Plan) -> dict[int, tuple[Task, list[Unit]]]:
    """Each task's reporting units, by the task object's id (the plan holds its tasks)."""
    return {id(t): (t, units(plan, t.reporting_units)) for t in tasks(plan)}


def reporting_units(plan: Plan, task: Task) -> list[Unit]:
    known = _reporting(plan).get(id(task))
    if known is not None and known[0] is task:
        return list(known[1])
    return units(plan, task.reporting_units)


@per_plan
def _tasks_by_code(plan: Plan) -> dict[str, Task]:
    return {t.code: t for t in tasks(plan)}


def indicator_reporting_units(plan: Plan, indicator: Indicator) -> list[Unit]:
    """Who reports a value: the indicator's own list, else its tasks' reporting units."""
    if indicator.reporting_units is not None:
        return units(plan, indicator.reporting_units)
    by_code = _tasks_by_code(plan)
    refs = [ref for code in indicator.tasks for ref in by_code[code].reporting_units]
    return units(plan, refs)


@per_plan
def _tasks_by_unit(plan: Plan) -> dict[str, list[Task]]:
    """Each unit's tasks (by upper-case unit code), in the plan's task order."""
    found: dict[str, list[Task]] = {}
    for task in tasks(plan):
        for code in {u.code.upper() for u in reporting_units(plan, task)}:
            found.setdefault(code, []).append(task)
    return found


def tasks_of_unit(plan: Plan, unit_code: str) -> list[Task]:
    """The tasks a unit's periodic report must cover."""
    return list(_tasks_by_unit(plan).get(unit_code.upper(), []))


@per_plan
def _indicators_by_unit(plan: Plan) -> dict[str, list[Indicator]]:
    """Each unit's indicators (by upper-case unit code), in the plan's order."""
    found: dict[str, list[Indicator]] = {}
    for x in plan.indicators:
        for code in {u.code.upper() for u in indicator_reporting_units(plan, x)}:
            found.setdefault(code, []).append(x)
    return found


def indicators_of_unit(plan: Plan, unit_code: str) -> list[Indicator]:
    """The indicators a unit must give a value for (computed ratios are nobody's)."""
    return list(_indicators_by_unit(plan).get(unit_code.upper(), []))
