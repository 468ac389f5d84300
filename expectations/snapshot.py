"""The reviewable JSON snapshot of a plan's suites: expectations/suites/<plan-id>/<suite>.json.

The suites are built from the plan by `expectations.suites`; the JSON in the repository is
what they were when last regenerated, so that a change of a rule (or of the plan) shows in
review as a diff. Never edit it by hand: regenerate it with

    python -m expectations.snapshot [--plan FILE]

and a test checks that regenerating it changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from expectations import suites
from papi_etl.plan import load
from papi_etl.plan.model import Plan
from papi_etl.settings import DEFAULT_PLAN

ROOT = Path(__file__).resolve().parent / "suites"


def render(plan: Plan) -> dict[str, str]:
    """File name -> JSON text of each suite of the plan."""
    rendered = {}
    for suite in suites.build(plan):
        text = json.dumps(suite.to_json_dict(), ensure_ascii=False, indent=2)
        rendered[f"{suite.meta['frame']}.json"] = text + "\n"
    return rendered


def folder(plan: Plan, root: Path = ROOT) -> Path:
    return root / plan.id


def write(plan: Plan, root: Path = ROOT) -> list[Path]:
    """Regenerate the plan's snapshot under `root`; returns the files written."""
    target = folder(plan, root)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render(plan).items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m expectations.snapshot", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--plan", type=Path, default=DEFAULT_PLAN, help="plan file")
    parser.add_argument("--root", type=Path, default=ROOT, help="snapshot folder")
    args = parser.parse_args(argv)
    for path in write(load(args.plan).plan, args.root):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
