"""Synthetic reports on disk: the drop-folder layout, arrival times, manifest, round trip."""

import dataclasses
import datetime as dt
import json
import time

import pytest

from papi_etl import forms
from papi_etl.sources.inbox import InboxSource
from papi_etl.synth import MANIFEST_NAME, SYNTHETIC_MARK, build, write


def _comparable(submission):
    """A submission without where its rows stand in a file (each form numbers them its own way)."""
    return (
        submission.unit,
        submission.period,
        tuple(dataclasses.replace(t, row=0) for t in submission.tasks),
        tuple(dataclasses.replace(x, row=0) for x in submission.indicators),
        submission.form,
    )


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, plan, periods):
    """The default mix of every period written as JSON, with its reports."""
    folder = tmp_path_factory.mktemp("inbox")
    reports = build(plan, 461, periods, "json")
    summaries = write(plan, reports, folder, "json", seed=461, clean=False)
    return folder, reports, summaries


def test_files_lie_in_the_inbox_layout_and_missing_units_have_none(inbox):
    folder, reports, _ = inbox
    for report in reports:
        path = folder / report.unit.code / f"{report.unit.code}_{report.period.code}.json"
        assert path.is_file() != report.missing
    written = [p for p in folder.glob("*/*") if p.is_file()]
    assert len(written) == sum(not r.missing for r in reports)
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [MANIFEST_NAME]


def test_a_file_s_modification_time_is_its_arrival(inbox):
    folder, _, _ = inbox
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    for units in (p["units"] for p in manifest["periods"].values()):
        for entry in units.values():
            if entry["missing"]:
                assert entry["file"] is None and entry["arrival"] is None
                continue
            mtime = (folder / entry["file"]).stat().st_mtime
            assert mtime == dt.datetime.fromisoformat(entry["arrival"]).timestamp()


def test_the_manifest_lists_every_unit_of_every_period_as_built(inbox, periods):
    folder, reports, summaries = inbox
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and SYNTHETIC_MARK in manifest["note"]
    assert list(manifest["periods"]) == [p.code for p in periods]
    for report in reports:
        period = manifest["periods"][report.period.code]
        assert (period["seed"], period["clean"], period["format"]) == (461, False, "json")
        entry = period["units"][report.unit.code]
        assert entry["late"] == report.late and entry["missing"] == report.missing
        assert entry["errors"] == [e.as_dict() for e in report.errors]
        if not report.missing:
            assert dt.datetime.fromisoformat(entry["arrival"]) == report.arrival
    for summary in summaries:
        units = manifest["periods"][summary.period]["units"].values()
        assert summary.late == sum(u["late"] for u in units)
        assert summary.missing == sum(u["missing"] for u in units)
        assert summary.erroneous == sum(bool(u["errors"]) for u in units)
        assert summary.files == sum(u["file"] is not None for u in units)


def test_the_errors_in_the_manifest_name_kind_and_place(inbox):
    folder, _, _ = inbox
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    errors = [
        e for p in manifest["periods"].values() for u in p["units"].values() for e in u["errors"]
    ]
    assert errors
    for error in errors:
        assert error["kind"] in {
            "missing_evidence",
            "out_of_range",
            "not_a_number",
            "missing_task",
            "cumulative_decrease",
        }
        assert ("task" in error) != ("indicator" in error)


def test_the_drop_folder_source_sees_the_files_at_their_arrival_and_not_the_manifest(inbox):
    folder, reports, _ = inbox
    received = {item.original_name: item for item in InboxSource(folder).fetch()}
    expected = {
        f"{r.unit.code}/{r.unit.code}_{r.period.code}.json": r for r in reports if not r.missing
    }
    assert set(received) == set(expected)
    for name, item in received.items():
        assert item.received_at == expected[name].arrival
        assert item.claimed_unit == expected[name].unit.code


def test_json_files_read_back_as_the_submissions_generated(inbox, plan):
    folder, reports, _ = inbox
    for report in reports:
        if report.missing:
            continue
        path = folder / report.unit.code / f"{report.unit.code}_{report.period.code}.json"
        back = forms.read(path.read_bytes(), path.name, plan)
        assert _comparable(back) == _comparable(report.submission)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_other_forms_read_back_as_the_submissions_generated(tmp_path, plan, periods, form):
    reports = build(plan, 461, periods[2:3], form)
    write(plan, reports, tmp_path, form, seed=461, clean=False)
    assert any(r.errors for r in reports)
    for report in reports:
        if report.missing:
            continue
        path = tmp_path / report.unit.code / f"{report.unit.code}_{report.period.code}.{form}"
        back = forms.read(path.read_bytes(), path.name, plan)
        assert _comparable(back) == _comparable(report.submission)


def test_writing_a_period_again_replaces_its_files_and_keeps_other_periods(tmp_path, plan, periods):
    first, second = periods[1], periods[2]
    write(
        plan,
        build(plan, 461, [first, second], "csv", clean=True),
        tmp_path,
        "csv",
        seed=461,
        clean=True,
    )
    again = build(plan, 461, [second], "json")
    write(plan, again, tmp_path, "json", seed=461, clean=False)
    assert not list(tmp_path.rglob(f"*_{second.code}.csv"))
    missing = next(r for r in again if r.missing).unit.code
    assert not list((tmp_path / missing).glob(f"*_{second.code}.*"))
    assert len(list(tmp_path.rglob(f"*_{first.code}.csv"))) == 26
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["periods"][first.code]["format"] == "csv"
    assert manifest["periods"][second.code]["format"] == "json"
    assert list(manifest["periods"]) == [first.code, second.code]


def test_the_same_seed_writes_the_same_bytes(tmp_path, plan, periods):
    for name in ("a", "b"):
        write(
            plan,
            build(plan, 461, periods[1:2], "json"),
            tmp_path / name,
            "json",
            seed=461,
            clean=False,
        )
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert path.read_bytes() == twin.read_bytes()


def test_every_period_of_every_unit_is_generated_in_a_few_seconds(tmp_path, plan, periods):
    started = time.perf_counter()
    write(plan, build(plan, 461, periods, "csv"), tmp_path, "csv", seed=461, clean=False)
    assert time.perf_counter() - started < 5
