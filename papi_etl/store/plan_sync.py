"""Copying the plan file into the store, so that SQL can join what was sent to what was due.

The plan file stays the source of truth; the store holds a copy of its units, tasks,
indicators and periods, keyed on the plan's codes. Syncing is an upsert: syncing the same
plan again changes nothing, and a new version of the file updates the rows in place. A unit,
task, indicator or period that a new version no longer lists keeps its row, since received
submissions and computed metrics may refer to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import calendar
from papi_etl.errors import StoreError
from papi_etl.plan.model import Plan
from papi_etl.store import schema
from papi_etl.store.upsert import upsert

_PLAN_KEY = ("plan_id", "code")


def _tasks(plan: Plan) -> list[dict[str, object]]:
    dimension_tasks = [(d.code, t) for d in plan.dimensions for t in d.tasks]
    assignments = [(None, t) for t in plan.assignments]
    return [
        {
            "plan_id": plan.id,
            "code": task.code,
            "dimension_code": dimension,
            "section": task.section,
            "text": task.text,
            "inferred": task.inferred,
            "inference_note": task.inference_note,
        }
        for dimension, task in dimension_tasks + assignments
    ]


def sync(session: Session, plan: Plan, *, file_sha256: str | None = None) -> None:
    """Upsert `plan` and its units, tasks, indicators and periods into the store.

    `file_sha256` is the fingerprint of the plan file (`LoadedPlan.sha256`); None for a plan
    that did not come from a file. Raises StoreError when the store already holds a later
    version of the plan, which an older file must not overwrite. Runs in the session's
    transaction and does not commit.
    """
    sync_all(session, [(plan, file_sha256)])


def sync_all(session: Session, plans: Sequence[tuple[Plan, str | None]]) -> None:
    """`sync(...)` of each (plan, file fingerprint), with one statement per table for all
    of them: a city opens its districts' plans at once, and an upsert's fixed cost is a
    small plan's whole cost (a country's 700 plans were 3,500 statements). Nothing is
    written when any of them is older than the store's copy."""
    if not plans:
        return
    ids = [plan.id for plan, _ in plans]
    stored = dict(
        session.execute(
            select(schema.Plan.id, schema.Plan.version).where(schema.Plan.id.in_(ids))
        ).all()
    )
    for plan, _ in plans:
        if plan.id in stored and stored[plan.id] > plan.version:
            raise StoreError(
                f"The store holds version {stored[plan.id]} of plan {plan.id}; refusing to "
                f"replace it with the older version {plan.version}.",
                f"Cơ sở dữ liệu đang có phiên bản {stored[plan.id]} của kế hoạch "
                f"{plan.document.number}; không thay bằng phiên bản cũ hơn ({plan.version}).",
            )
    plan_rows = [
        {
            "id": plan.id,
            "version": plan.version,
            "document_number": plan.document.number,
            "district": plan.document.district,
            "file_sha256": file_sha256,
        }
        for plan, file_sha256 in plans
    ]
    upsert(session, schema.Plan, plan_rows, ("id",), stamp="loaded_at")
    members = [plan for plan, _ in plans]
    upsert(session, schema.Unit, [row for p in members for row in _units(p)], _PLAN_KEY)
    upsert(session, schema.Task, [row for p in members for row in _tasks(p)], _PLAN_KEY)
    indicators = [row for p in members for row in _indicators(p)]
    upsert(session, schema.Indicator, indicators, _PLAN_KEY)
    upsert(session, schema.Period, [row for p in members for row in _periods(p)], _PLAN_KEY)


def _units(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "plan_id": plan.id,
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind.value,
            "contact": unit.contact.model_dump(mode="json", exclude_none=True),
        }
        for unit in plan.units
    ]


def _indicators(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "plan_id": plan.id,
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "unit_of_measure": indicator.unit_of_measure,
            "value_type": indicator.value_type.value,
            "range_min": indicator.range.min,
            "range_max": indicator.range.max,
            "aggregate_units": indicator.aggregate_units.value,
            "aggregate_periods": indicator.aggregate_periods.value,
            "better": indicator.better.value,
        }
        for indicator in plan.indicators
    ]


def _periods(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "plan_id": plan.id,
            "code": period.code,
            "kind": period.kind,
            "year": period.year,
            "label_vi": period.label_vi,
            "starts": period.starts,
            "ends": period.ends,
            "unit_deadline": period.unit_deadline,
            "consolidated_deadline": period.consolidated_deadline,
        }
        for period in calendar.periods(plan)
    ]
