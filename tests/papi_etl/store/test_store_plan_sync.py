"""Syncing the plan is an upsert on its codes: twice changes nothing, a new version updates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from papi_etl import calendar
from papi_etl.errors import StoreError
from papi_etl.plan.model import Plan
from papi_etl.store import plan_sync, schema

PLAN_TABLES = [schema.Plan, schema.Unit, schema.Task, schema.Indicator, schema.Period]


def _snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    session.expunge_all()
    snapshot = {}
    for model in PLAN_TABLES:
        table = model.__table__
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


def test_syncing_fills_every_plan_table(session, plan):
    plan_sync.sync(session, plan, file_sha256="f" * 64)
    session.commit()

    stored = session.get_one(schema.Plan, "test-plan")
    assert (stored.version, stored.document_number, stored.file_sha256) == (
        1,
        "461/KH-UBND",
        "f" * 64,
    )
    units = {u.code: u for u in session.scalars(select(schema.Unit))}
    assert set(units) == {"P-AN-LAC", "P-TAN-TAO", "PNV"}
    assert units["P-AN-LAC"].contact == {"email": "anlac@example.org"}
    assert units["PNV"].kind == "agency"
    tasks = {t.code: t for t in session.scalars(select(schema.Task))}
    assert tasks["D1.T1"].dimension_code == "D1"
    assert (tasks["III.PNV"].dimension_code, tasks["III.PNV"].inferred) == (None, True)
    assert session.scalars(select(schema.Indicator.aggregate_periods)).all() == ["cumulative"]
    periods = session.scalars(select(schema.Period).order_by(schema.Period.unit_deadline)).all()
    expected = calendar.periods(plan)
    assert [p.code for p in periods] == [p.code for p in expected]
    assert [p.unit_deadline for p in periods] == [p.unit_deadline for p in expected]
    assert [p.starts for p in periods] == [p.starts for p in expected]


def test_syncing_twice_changes_nothing(session, plan):
    plan_sync.sync(session, plan, file_sha256="f" * 64)
    session.commit()
    first = _snapshot(session)

    plan_sync.sync(session, plan, file_sha256="f" * 64)
    session.commit()

    assert _snapshot(session) == first


def test_a_new_version_updates_in_place(session, plan_data):
    plan_sync.sync(session, Plan.model_validate(plan_data), file_sha256="1" * 64)
    session.commit()
    before = {u.code: (u.id, u.updated_at) for u in session.scalars(select(schema.Unit))}
    loaded_before = session.get_one(schema.Plan, "test-plan").loaded_at

    plan_data["version"] = 2
    plan_data["units"][1]["name"] = "UBND phường Tân Tạo"
    plan_data["units"].append(
        {
            "code": "P-TAN-TAO-A",
            "name": "UBND phường Tân Tạo A",
            "kind": "ward",
            "named_in_plan": True,
        }
    )
    plan_sync.sync(session, Plan.model_validate(plan_data), file_sha256="2" * 64)
    session.commit()
    session.expunge_all()

    stored = session.get_one(schema.Plan, "test-plan")
    assert (stored.version, stored.file_sha256) == (2, "2" * 64)
    assert stored.loaded_at > loaded_before
    units = {u.code: u for u in session.scalars(select(schema.Unit))}
    assert {code: units[code].id for code in before} == {
        code: ids for code, (ids, _) in before.items()
    }
    assert units["P-TAN-TAO"].name == "UBND phường Tân Tạo"
    assert units["P-TAN-TAO"].updated_at > before["P-TAN-TAO"][1]
    assert units["P-AN-LAC"].updated_at == before["P-AN-LAC"][1]
    assert "P-TAN-TAO-A" in units


def test_an_older_version_does_not_overwrite_a_newer_one(session, plan_data):
    plan_data["version"] = 3
    plan_sync.sync(session, Plan.model_validate(plan_data))
    session.commit()
    plan_data["version"] = 2

    with pytest.raises(StoreError, match="refusing to replace it with the older version 2"):
        plan_sync.sync(session, Plan.model_validate(plan_data))


def _other(plan_data: dict[str, Any], plan_id: str) -> Plan:
    """The plan under another id, with one unit fewer (plans of a city differ in size)."""
    data = {**plan_data, "id": plan_id, "units": plan_data["units"][:-1]}
    return Plan.model_validate(data)


def test_plans_synced_together_equal_each_synced_alone(session, plan_data, tmp_path):
    plans = [Plan.model_validate(plan_data), _other(plan_data, "other-plan")]
    for one in plans:
        plan_sync.sync(session, one, file_sha256="a" * 64)
    session.commit()
    alone = _snapshot(session)
    for model in reversed(PLAN_TABLES):
        session.execute(model.__table__.delete())
    session.commit()

    plan_sync.sync_all(session, [(one, "a" * 64) for one in plans])
    session.commit()
    together = _snapshot(session)

    def without_stamps(snapshot: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[Any]]:
        # Row ids and timestamps differ from one write to the next; the values may not.
        return {
            name: sorted(tuple(v for v in row[1:] if not hasattr(v, "tzinfo")) for row in rows)
            for name, rows in snapshot.items()
        }

    assert without_stamps(together) == without_stamps(alone)
    assert {row[0] for row in together["plans"]} == {"test-plan", "other-plan"}


def test_an_older_plan_among_several_writes_none_of_them(session, plan_data):
    plan_data["version"] = 3
    plan_sync.sync(session, Plan.model_validate(plan_data))
    session.commit()
    before = _snapshot(session)
    plan_data["version"] = 2

    with pytest.raises(StoreError, match="refusing to replace it with the older version 2"):
        plan_sync.sync_all(
            session,
            [(_other(plan_data, "other-plan"), None), (Plan.model_validate(plan_data), None)],
        )
    session.rollback()
    assert _snapshot(session) == before
