"""`papi-etl synth` through the real command line."""

import datetime as dt
import json
from pathlib import Path

from papi_etl.plan import load
from papi_etl.plan.model import UnitKind


def test_synth_writes_the_inbox_layout_and_says_what_it_wrote(papi, tmp_path):
    inbox = tmp_path / "inbox"
    result = papi("synth", "-o", str(inbox), "--format", "json", "--period", "2019-Q1")
    assert result.code == 0, result.err
    assert "2019-Q1" in result.out and "Quý I năm 2019" in result.out
    assert "25 tệp, 3 trễ hạn, 1 không nộp, 3 có lỗi" in result.out
    files = sorted(p.relative_to(inbox).as_posix() for p in inbox.glob("*/*.json"))
    assert len(files) == 25
    assert all(f == f"{f.split('/')[0]}/{f.split('/')[0]}_2019-Q1.json" for f in files)
    manifest = json.loads((inbox / ".synth-manifest.json").read_text(encoding="utf-8"))
    units = manifest["periods"]["2019-Q1"]["units"]
    for entry in units.values():
        if entry["file"]:
            arrival = dt.datetime.fromisoformat(entry["arrival"]).timestamp()
            assert (inbox / entry["file"]).stat().st_mtime == arrival


def test_synth_json_summary_matches_the_manifest(papi, tmp_path):
    inbox = tmp_path / "inbox"
    result = papi("synth", "-o", str(inbox), "--format", "csv", "--seed", "7", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    manifest = json.loads((inbox / ".synth-manifest.json").read_text(encoding="utf-8"))
    assert [p["period"] for p in summary["periods"]] == list(manifest["periods"])
    assert [p["period"] for p in summary["periods"]] == [
        "2018-Y",
        "2019-Q1",
        "2019-6M",
        "2019-9M",
        "2019-Y",
    ]
    for period in summary["periods"]:
        units = manifest["periods"][period["period"]]["units"].values()
        assert period["late"] == sum(u["late"] for u in units) > 0
        assert period["missing"] == sum(u["missing"] for u in units) > 0
        assert period["erroneous"] == sum(bool(u["errors"]) for u in units) > 0
    assert summary["files"] == len(list(inbox.glob("*/*.csv")))
    assert (summary["seed"], summary["format"], summary["clean"]) == (7, "csv", False)


def test_synth_clean_gives_every_unit_an_on_time_workbook(papi, tmp_path):
    inbox = tmp_path / "inbox"
    result = papi("synth", "-o", str(inbox), "--clean", "--period", "2019-6m")
    assert result.code == 0, result.err
    assert len(list(inbox.glob("*/*_2019-6M.xlsx"))) == 26
    manifest = json.loads((inbox / ".synth-manifest.json").read_text(encoding="utf-8"))
    units = manifest["periods"]["2019-6M"]["units"].values()
    assert not any(u["late"] or u["missing"] or u["errors"] for u in units)


def test_synth_refuses_an_unknown_period_and_writes_nothing(papi, tmp_path):
    inbox = tmp_path / "inbox"
    result = papi("synth", "-o", str(inbox), "--period", "2019-Q1", "--period", "2019-Q5")
    assert result.code == 2
    assert "2019-Q5" in result.err and "2019-Q1, 2019-6M" in result.err
    assert "Traceback" not in result.err
    assert not inbox.exists()


def test_synth_needs_an_output_folder(papi):
    result = papi("synth", "--period", "2019-Q1")
    assert result.code == 2
    assert "--out" in result.err


def test_synth_says_so_when_the_folder_cannot_be_written(papi, tmp_path):
    blocker = tmp_path / "inbox"
    blocker.write_text("not a folder", encoding="utf-8")
    result = papi("synth", "-o", str(blocker), "--format", "json", "--period", "2019-Q1")
    assert result.code == 2
    assert "cannot write to" in result.err and "Traceback" not in result.err


def test_several_districts_get_their_own_inbox_and_seed(papi, tmp_path):
    out = tmp_path / "load"
    result = papi(
        "synth", "-o", str(out), "--format", "json", "--period", "2019-Q1",
        "--districts", "3", "--seed", "10", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    made = json.loads(result.out)["districts"]
    assert [d["folder"] for d in made] == [str(out / f"district-00{n}") for n in (1, 2, 3)]
    assert [d["seed"] for d in made] == [10, 11, 12]
    folders = [Path(d["folder"]) for d in made]
    manifests = [json.loads((f / ".synth-manifest.json").read_text()) for f in folders]
    fates = [
        {u: (e["late"], e["missing"]) for u, e in m["periods"]["2019-Q1"]["units"].items()}
        for m in manifests
    ]
    assert fates[0] != fates[1] != fates[2], "each district has its own mix"
    assert [len(list(f.glob("*/*.json"))) for f in folders] == [d["files"] for d in made]


def test_districts_of_any_size(papi, tmp_path):
    out = tmp_path / "load"
    result = papi(
        "synth", "-o", str(out), "--format", "json", "--period", "2019-Q1",
        "--districts", "2", "--wards", "13", "--clean", "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    district = load(out / "district-002.yaml").plan
    wards = [u.code for u in district.units if u.kind is UnitKind.WARD]
    assert wards == [f"P{n:02d}" for n in range(1, 14)]
    assert district.groups[0].name == "Ủy ban nhân dân 13 phường"
    # Every ward owes its report, the ones added too, and the clean inbox has them all.
    assert {p.parent.name for p in (out / "district-002").glob("*/*.json")} >= set(wards)


def test_wards_without_districts_is_refused(papi, tmp_path):
    result = papi("synth", "-o", str(tmp_path / "x"), "--wards", "12")
    assert result.code == 2 and "--wards" in result.err and "--districts" in result.err
    assert not (tmp_path / "x").exists()


def test_zero_districts_is_refused(papi, tmp_path):
    result = papi("synth", "-o", str(tmp_path / "x"), "--districts", "0")
    assert result.code == 2 and "--districts" in result.err
    assert not (tmp_path / "x").exists()
