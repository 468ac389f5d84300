"""The checked-in JSON of the suites is exactly what the plan's suites build today."""

from __future__ import annotations

import json

import great_expectations as gx

from expectations import snapshot


def test_regenerating_the_suites_changes_nothing(plan):
    folder = snapshot.folder(plan)
    rendered = snapshot.render(plan)
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.json"))}
    assert on_disk == rendered, "run `python -m expectations.snapshot` and review the diff"


def test_the_snapshot_loads_back_as_runnable_suites(plan):
    for name, text in snapshot.render(plan).items():
        data = json.loads(text)
        suite = gx.ExpectationSuite(**data)
        assert suite.name == f"{plan.id}.{name.removesuffix('.json')}"
        assert [e.meta["rule"] for e in suite.expectations] == [
            e["meta"]["rule"] for e in data["expectations"]
        ]


def test_the_command_writes_one_file_per_suite(plan, tmp_path):
    assert snapshot.main(["--root", str(tmp_path)]) == 0
    written = sorted(p.name for p in (tmp_path / plan.id).iterdir())
    assert written == ["indicators.json", "tasks.json"]
    assert (tmp_path / plan.id / "tasks.json").read_text(encoding="utf-8") == snapshot.render(plan)[
        "tasks.json"
    ]
