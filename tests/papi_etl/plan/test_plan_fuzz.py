"""Fuzzing the plan loader: whatever a plan file holds, `load` returns a plan or raises
PlanError listing the faults, never anything else, and never hangs (fixed seed; scale with
PAPI_FUZZ_SCALE)."""

from __future__ import annotations

import os
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_ledger import record

from papi_etl.errors import PlanError
from papi_etl.plan import load
from papi_etl.plan.source import MAX_NODES
from papi_etl.settings import DEFAULT_PLAN

pytestmark = pytest.mark.reliability
SCALE = max(int(os.environ.get("PAPI_FUZZ_SCALE", "1")), 1)
REAL = DEFAULT_PLAN.read_text(encoding="utf-8")


def _bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (_bomb(), f"{MAX_NODES:,}"),  # 9**10 values from 11 lines: was a hang
        ("[" * 50_000, "too deeply"),  # was a RecursionError
        ("? [a, b]\n: 1\n", "plain word"),
        ("!!python/object/apply:os.system ['true']\n", "YAML"),
    ],
)
def test_hostile_plan_files_are_plan_errors(tmp_path, text, words):
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(PlanError) as raised:
        load(path)
    assert time.perf_counter() - started < 10
    assert words in str(raised.value)


def _try(path, text: str, outcomes: dict[str, int]) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load(path)
        outcomes["loaded"] = outcomes.get("loaded", 0) + 1
    except PlanError as error:
        assert error.problems and all(p.message_en and p.message_vi for p in error.problems)
        outcomes["refused"] = outcomes.get("refused", 0) + 1


def test_fuzzed_plan_files_load_or_are_refused_with_their_faults(tmp_path):
    path = tmp_path / "plan.yaml"
    outcomes: dict[str, int] = {}
    lines = REAL.splitlines()
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    )

    @settings(
        max_examples=200 * SCALE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        kind=st.sampled_from(["bytes", "yaml", "real"]),
        noise=st.text(max_size=200),
        document=values,
        cut=st.tuples(st.integers(0, len(lines)), st.integers(0, 40)),
        inserted=st.text(max_size=30),
    )
    def run(kind, noise, document, cut, inserted):
        if kind == "bytes":
            text = noise
        elif kind == "yaml":
            text = yaml.safe_dump(document, allow_unicode=True)
        else:  # the real plan with lines cut out and a line of noise put in
            start, length = cut
            text = "\n".join([*lines[:start], inserted, *lines[start + length :]])
        _try(path, text, outcomes)

    run()
    tried = sum(outcomes.values())
    assert tried >= 200 * SCALE * 0.8
    record(
        "fuzzed inputs",
        "plan loader: random text, random YAML documents, the real plan "
        "with lines cut and noise put in",
        tried,
        f"{outcomes.get('loaded', 0):,} loaded, {outcomes.get('refused', 0):,} refused with "
        "their faults; 0 uncaught",
    )
