"""A roll-up plan's children: the plan files of the districts a city's plan lists.

Only the commands that run the children (`collect`, `run`) load them; rolling their
metrics up needs no more than their ids (`papi_etl.metrics.rollup` reads the store).
"""

from __future__ import annotations

from papi_etl.errors import PlanError, PlanProblem
from papi_etl.plan.loader import LoadedPlan, load


def children(parent: LoadedPlan) -> list[LoadedPlan]:
    """The child plans that have a file, loaded, in the parent's order (each file is parsed
    once per process). Raises PlanError when a file is broken or holds another plan than
    the id the parent gives it."""
    loaded = []
    for child in parent.plan.children:
        if child.file is None:
            continue
        found = load(parent.path.parent / child.file)
        if found.plan.id != child.id:
            raise PlanError(
                [
                    PlanProblem(
                        str(parent.path),
                        None,
                        f"children ({child.id})",
                        f"The file {child.file} holds plan {found.plan.id}, not {child.id}.",
                        f"Tệp {child.file} là kế hoạch {found.plan.id}, không phải {child.id}.",
                    )
                ]
            )
        loaded.append(found)
    return loaded
