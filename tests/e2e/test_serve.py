"""`papi-etl serve` for real: it starts its own Prefect server, registers the deployments,
and a file dropped in a unit's folder is validated and answered by e-mail (a real SMTP
server on loopback) with no one starting anything; a corrected file gets its own answer; a
run that fails alerts the operators through the automation; SIGTERM pauses the schedules.

The bundled plan's validity ended in 2019, so the test serves a copy valid from this year
on (a live plan is what `serve` is for). How long a drop takes to be answered is measured
by `python -m benchmarks.intake`, not here; its harness (the plan copy, `serve` in a child
process) is the one used here.
"""

from __future__ import annotations

import shutil
import time

import pytest
import requests
from sqlalchemy import select

from benchmarks.intake import Served, plan_valid_now, serve_env
from deployments.server_process import free_port
from papi_etl import calendar, forms, synth
from papi_etl.plan import load
from papi_etl.settings import Settings
from papi_etl.store import schema
from papi_etl.workspace import open_workspace

pytestmark = pytest.mark.e2e

WAIT = 240  # seconds before the test gives up on something that should take seconds


def wait_until(condition, what: str, served: Served):
    deadline = time.monotonic() + WAIT
    while not (found := condition()):
        assert time.monotonic() < deadline, (
            f"{what}: nothing after {WAIT} s\n{served.output()[-4000:]}"
        )
        time.sleep(1)
    return found


def mails_to(mailbox, address: str, subject: str) -> list:
    return [m for m in mailbox.messages if address in m["To"] and subject in m["Subject"]]


def test_serve_answers_a_dropped_file_and_alerts_on_a_failed_run(tmp_path, mailbox):
    plan_path = plan_valid_now(tmp_path)
    plan = load(plan_path).plan
    period = calendar.periods(plan)[0]
    reports = synth.build(plan, synth.DEFAULT_SEED, [period], "json")
    faulty = next(r for r in reports if r.errors and not r.missing)
    clean = next(
        r
        for r in synth.build(plan, synth.DEFAULT_SEED, [period], "json", clean=True)
        if r.unit.code == faulty.unit.code
    )
    data_dir = tmp_path / "data"
    env = serve_env(data_dir, plan_path, mailbox.url(), PAPI_OPERATOR_EMAILS="it@binhtan.example")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    served = Served(env, port, wait=WAIT)
    try:
        served.wait_for("serving:")
        unit_dir = data_dir / "inbox" / faulty.unit.code
        assert unit_dir.is_dir(), "serve makes every unit's folder"
        address = faulty.unit.contact.email

        staged = tmp_path / "staged" / f"{faulty.unit.code}_{period.code}.json"
        forms.write(faulty.submission, "json", staged, plan)
        shutil.copy(staged, unit_dir / staged.name)
        [answer] = wait_until(
            lambda: mails_to(mailbox, address, "lỗi cần sửa"), "the unit's answer", served
        )
        [attached] = list(answer.iter_attachments())
        assert attached.get_filename() == f"{faulty.unit.code}_{period.code}_v1_phan-hoi.xlsx"
        assert (data_dir / "feedback" / plan.id / period.code / attached.get_filename()).is_file()

        corrected = tmp_path / "staged" / f"{faulty.unit.code}_{period.code}_sua.json"
        forms.write(clean.submission, "json", corrected, plan)
        shutil.copy(corrected, unit_dir / corrected.name)
        wait_until(lambda: mails_to(mailbox, address, "hợp lệ"), "the corrected answer", served)
        workspace = open_workspace(Settings(data_dir=data_dir), load(plan_path))
        with workspace.sessions() as session:
            versions = session.execute(
                select(schema.Submission.version, schema.Submission.status)
                .where(schema.Submission.unit_code == faulty.unit.code)
                .order_by(schema.Submission.version)
            ).all()
        assert [(v, s.value) for v, s in versions] == [(1, "superseded"), (2, "valid")]

        collect = requests.get(f"{api}/deployments/name/collect/{plan.id}", timeout=10).json()
        requests.post(
            f"{api}/deployments/{collect['id']}/create_flow_run",
            json={"parameters": {"period": "2099-Q9"}},
            timeout=10,
        ).raise_for_status()
        [alert] = wait_until(
            lambda: mails_to(mailbox, "it@binhtan.example", "[papi-etl]"),
            "the operators' alert",
            served,
        )
        assert "collect" in alert["Subject"] and "Failed" in alert["Subject"]
        assert "2099-Q9" in alert.get_content()

        runs = requests.post(
            f"{api}/flow_runs/filter",
            json={"flows": {"name": {"any_": ["intake", "alert-operators"]}}},
            timeout=10,
        ).json()
        assert len(runs) >= 3 and {r["state_type"] for r in runs} == {"COMPLETED"}
    finally:
        returncode = served.stop()
    assert returncode == 0, served.output()[-4000:]
    assert "stopped; schedules paused" in served.output()
