"""Acceptance test of the plan file against the plan document it transcribes."""

from pathlib import Path

import pytest
import yaml

from papi_etl.plan.document import fold, read
from papi_etl.plan.model import Plan, Task, UnitKind

REPO_ROOT = Path(__file__).resolve().parents[3]
PLAN_FILE = REPO_ROOT / "plans" / "461-KH-UBND-binh-tan.yaml"
SEED = REPO_ROOT / "plans" / "documents" / "ke-hoach-461-KH-UBND-binh-tan-2018.txt"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Plan.model_validate(yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8")))


def _tasks(plan: Plan) -> list[Task]:
    return [t for d in plan.dimensions for t in d.tasks] + list(plan.assignments)


def test_plan_shape(plan):
    assert plan.document.number == "461/KH-UBND"
    assert len(plan.dimensions) == 6
    assert [d.number for d in plan.dimensions] == [1, 2, 3, 4, 5, 6]
    assert sum(len(d.tasks) for d in plan.dimensions) == 47
    assert [len(d.tasks) for d in plan.dimensions] == [12, 9, 5, 7, 5, 9]
    assert len(plan.assignments) == 10
    assert len([u for u in plan.units if u.kind is UnitKind.WARD]) == 10


def test_task_codes_follow_the_document(plan):
    for d in plan.dimensions:
        expected = [f"D{d.number}.{n:02d}" for n in range(1, len(d.tasks) + 1)]
        assert [t.code for t in d.tasks] == expected
        assert {t.section for t in d.tasks} == {f"II.{d.number}"}
    assert [t.code for t in plan.assignments] == [f"T3.{n:02d}" for n in range(1, 11)]


def test_every_task_text_is_the_document_text(plan):
    document = read(SEED)
    by_place: dict[str, list[str]] = {}
    for item in document:
        by_place.setdefault(item.section, []).append(item.text)
    seen: dict[str, int] = {}
    for task in _tasks(plan):
        ordinal = seen.get(task.section, 0)
        seen[task.section] = ordinal + 1
        expected = by_place[task.section][ordinal]
        where = f"{task.section} #{ordinal + 1}"
        assert fold(task.text) == expected, f"{task.code} differs from the document's {where}"
    assert seen == {section: len(texts) for section, texts in by_place.items()}, (
        "every document item has its task"
    )


def test_rule_text_is_verbatim_from_iii_1(plan):
    first = next(i for i in read(SEED) if i.section == "III.1")
    assert fold(plan.calendar.rule_text) in first.text


def test_indicators_cover_every_dimension_and_tie_to_tasks(plan):
    codes = {t.code for t in _tasks(plan)}
    assert len(plan.indicators) >= 30
    for indicator in plan.indicators:
        assert indicator.tasks and all(code in codes for code in indicator.tasks), indicator.code
    for d in plan.dimensions:
        own = [x for x in plan.indicators if x.code.startswith(f"I{d.number}.")]
        assert len(own) >= 4, f"dimension {d.code} has {len(own)} indicators"


def test_ratio_indicators_are_computed_from_counts(plan):
    by_code = {x.code: x for x in plan.indicators}
    ratios = [x for x in plan.indicators if x.ratio is not None]
    assert ratios
    for x in ratios:
        assert x.reporting_units == [], x.code
        assert by_code[x.ratio.numerator].value_type == "count"
        assert by_code[x.ratio.denominator].value_type == "count"


def test_unit_references_resolve(plan):
    known = {u.code for u in plan.units} | {g.code for g in plan.groups}
    for task in _tasks(plan):
        for ref in task.lead_units + task.coordinating_units + task.reporting_units:
            assert ref in known, (task.code, ref)
    for x in plan.indicators:
        assert set(x.reporting_units or []) <= known, x.code


def test_every_inferred_task_says_why(plan):
    inferred = [t for t in _tasks(plan) if t.inferred]
    assert inferred
    for task in inferred:
        assert task.inference_note and len(task.inference_note) > 40, task.code
    for task in _tasks(plan):
        if not task.inferred:
            assert task.inference_note is None, task.code


def test_unit_codes_and_placeholder_contacts(plan):
    for unit in plan.units:
        assert unit.code.isascii() and unit.code.isupper(), unit.code
        assert unit.contact.email == f"{unit.code.lower()}@binhtan.example"
