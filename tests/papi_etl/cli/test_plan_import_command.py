"""`papi-etl plan import`: the command, as a user and a script run it."""

import json
import re
from pathlib import Path

import pytest
from reliability_ledger import record

from papi_etl.plan import load

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "plans" / "documents" / "ke-hoach-461-KH-UBND-binh-tan-2018.txt"
REFERENCE = ROOT / "plans" / "461-KH-UBND-binh-tan.yaml"
PROVINCE = ROOT / "tests/papi_etl/plan/documents/ke-hoach-58-KH-UBND-tinh-quang-tri-2024.txt"


def test_import_the_seed_and_score_it_against_the_hand_made_plan(papi, tmp_path):
    output = tmp_path / "plans" / "binh-tan.yaml"
    result = papi("plan", "import", str(SEED), "-o", str(output), "--compare", str(REFERENCE))
    assert result.code == 0, result.err
    assert "Đã ghi bản nháp / Draft written" in result.out
    assert "lead units, tasks naming them" in result.out
    assert re.search(r"periods with their deadlines +5/5 +100\.0%", result.out)
    assert output.read_text(encoding="utf-8").startswith("# BẢN NHÁP")
    review = (tmp_path / "plans" / "binh-tan.review.md").read_text(encoding="utf-8")
    assert "| SUY LUẬN / inferred | D2.04 | dòng 148 |" in review
    assert load(output).plan.id == "binh-tan-461-2018"  # what `plan check` runs
    # The draft is there: a second import does not overwrite it unless told to.
    again = papi("plan", "import", str(SEED), "-o", str(output))
    assert again.code == 2 and "--force" in again.err


def test_import_json_for_scripts(papi, tmp_path):
    result = papi("plan", "import", str(PROVINCE), "-o", str(tmp_path / "p.yaml"), "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    assert shown["exit_code"] == 0 and shown["output"].endswith("p.yaml")
    assert shown["counts"]["problem"] == 0
    inferred = [item for item in shown["review"] if item["severity"] == "inferred"]
    assert {"subject": "D7.02", "where_vi": "dòng 63"}.items() <= inferred[0].items()


@pytest.mark.reliability
def test_a_file_that_is_no_plan_exits_2_with_the_review_and_no_traceback(papi, tmp_path):
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    result = papi("plan", "import", str(empty), "-o", str(tmp_path / "x.yaml"))
    assert result.code == 2
    assert "[VẤN ĐỀ] document" in result.out and "Traceback" not in result.err
    assert not (tmp_path / "x.yaml").exists()
    record("plan import", "an empty file on the command line", 1, "exit 2, review printed")
