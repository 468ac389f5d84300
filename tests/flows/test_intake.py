"""The intake flow that a dropped file sets off: take in, validate the periods that got
something new, write the feedback, tell each unit; a second run finds nothing to do."""

from __future__ import annotations

from flows.intake import intake
from papi_etl import calendar, synth
from papi_etl.plan import load
from papi_etl.settings import DEFAULT_PLAN


def test_dropped_reports_are_validated_and_answered_once(data_dir, mailbox, monkeypatch):
    monkeypatch.setenv("PAPI_SMTP_URL", mailbox.url())
    plan = load(DEFAULT_PLAN).plan
    period = calendar.period(plan, "2019-Q1")
    reports = synth.build(plan, synth.DEFAULT_SEED, [period], "json")
    synth.write(plan, reports, data_dir / "inbox", "json", seed=synth.DEFAULT_SEED, clean=False)
    sent = [r for r in reports if r.submission is not None]

    first = intake(dropped="test")
    checked = first["validated"]["2019-Q1"]
    assert first["collect"]["new"] == len(sent)
    assert checked["valid"] + checked["invalid"] == len(sent) and checked["invalid"] >= 1
    assert first["told"] == len(sent) == len(mailbox.messages)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert sum("lỗi cần sửa" in s for s in subjects) == checked["invalid"]
    assert len(list((data_dir / "feedback" / plan.id / "2019-Q1").iterdir())) == checked["invalid"]

    again = intake(dropped="test")
    assert again["validated"] == {} and again["collect"]["duplicate"] == len(sent)
    assert again["told"] == 0 and len(mailbox.messages) == len(sent)
