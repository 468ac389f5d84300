"""The plan as plain data for `plan show --json` and `calendar --json` (a public contract).

Unit references come out resolved to unit codes, so that a script never has to know what
the group "wards" stands for; deadlines are ISO 8601 with their offset.
"""

from __future__ import annotations

from typing import Any

from papi_etl import calendar
from papi_etl.plan import assignments
from papi_etl.plan.model import Plan, Task


def period_dict(period: calendar.Period) -> dict[str, Any]:
    return {
        "code": period.code,
        "kind": period.kind,
        "year": period.year,
        "label_vi": period.label_vi,
        "label_en": period.label_en,
        "starts": period.starts.isoformat(),
        "ends": period.ends.isoformat(),
        "unit_deadline": period.unit_deadline.isoformat(),
        "consolidated_deadline": period.consolidated_deadline.isoformat(),
    }


def _task_dict(plan: Plan, task: Task, indicators_by_task: dict[str, list[str]]) -> dict:
    def codes(refs: list[str]) -> list[str]:
        return [u.code for u in assignments.units(plan, refs)]

    return {
        "code": task.code,
        "section": task.section,
        "text": task.text,
        "title": task.title,
        "lead_units": codes(task.lead_units),
        "coordinating_units": codes(task.coordinating_units),
        "reporting_units": codes(task.reporting_units),
        "inferred": task.inferred,
        "inference_note": task.inference_note,
        "legal_references": [
            ref.model_dump(mode="json", exclude_none=True) for ref in task.legal_references
        ],
        "timeframe": task.timeframe,
        "indicators": indicators_by_task.get(task.code, []),
    }


def as_dict(plan: Plan) -> dict[str, Any]:
    """The whole plan, resolved, with its periods."""
    indicators_by_task: dict[str, list[str]] = {}
    for indicator in plan.indicators:
        for code in indicator.tasks:
            indicators_by_task.setdefault(code, []).append(indicator.code)
    return {
        "id": plan.id,
        "version": plan.version,
        "document": plan.document.model_dump(mode="json"),
        "papi_dimensions": plan.papi_dimensions,
        "dimensions": [
            {
                "code": d.code,
                "number": d.number,
                "name_vi": d.name_vi,
                "name_en": d.name_en,
                "tasks": [_task_dict(plan, t, indicators_by_task) for t in d.tasks],
            }
            for d in plan.dimensions
        ],
        "assignments": [_task_dict(plan, t, indicators_by_task) for t in plan.assignments],
        "units": [
            {
                "code": u.code,
                "name": u.name,
                "kind": u.kind.value,
                "named_in_plan": u.named_in_plan,
                "contact": u.contact.model_dump(mode="json", exclude_none=True),
            }
            for u in plan.units
        ],
        "groups": [g.model_dump(mode="json") for g in plan.groups],
        "indicators": [
            {
                **x.model_dump(mode="json", exclude={"reporting_units"}),
                "reporting_units": [u.code for u in assignments.indicator_reporting_units(plan, x)],
            }
            for x in plan.indicators
        ],
        "calendar": plan.calendar.model_dump(mode="json", exclude={"period_kinds"}),
        "orchestration": plan.orchestration.model_dump(mode="json"),
        "status_weights": plan.status_weights.model_dump(mode="json"),
        "periods": [period_dict(p) for p in calendar.periods(plan)],
    }
