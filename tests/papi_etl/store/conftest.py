"""A tiny plan for the store's tests: three units, one dimension, one task, one indicator."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from papi_etl.plan.model import Plan
from papi_etl.store import plan_sync, schema
from papi_etl.store.types import LOCAL_ZONE

PLAN: dict[str, Any] = {
    "id": "test-plan",
    "version": 1,
    "document": {
        "number": "461/KH-UBND",
        "title": "Kế hoạch nâng cao Chỉ số PAPI",
        "issuer": "Ủy ban nhân dân quận Bình Tân",
        "district": "Bình Tân",
        "city": "Thành phố Hồ Chí Minh",
        "date": "2018-10-05",
    },
    "papi_dimensions": 6,
    "units": [
        {
            "code": "P-AN-LAC",
            "name": "Ủy ban nhân dân phường An Lạc",
            "kind": "ward",
            "named_in_plan": True,
            "contact": {"email": "anlac@example.org"},
        },
        {
            "code": "P-TAN-TAO",
            "name": "Ủy ban nhân dân phường Tân Tạo",
            "kind": "ward",
            "named_in_plan": True,
        },
        {"code": "PNV", "name": "Phòng Nội vụ", "kind": "agency", "named_in_plan": True},
    ],
    "groups": [{"code": "wards", "name": "Ủy ban nhân dân 10 phường", "kinds": ["ward"]}],
    "dimensions": [
        {
            "code": "D1",
            "number": 1,
            "name_vi": "Tham gia của người dân ở cấp cơ sở",
            "name_en": "Participation at local levels",
            "tasks": [
                {
                    "code": "D1.T1",
                    "section": "II.1",
                    "text": "Tổ chức đối thoại giữa người đứng đầu chính quyền với Nhân dân.",
                    "lead_units": ["wards"],
                    "reporting_units": ["wards"],
                }
            ],
        }
    ],
    "assignments": [
        {
            "code": "III.PNV",
            "section": "III.1",
            "text": "Tổng hợp, báo cáo kết quả thực hiện.",
            "lead_units": ["PNV"],
            "reporting_units": ["PNV"],
            "inferred": True,
            "inference_note": "Văn bản giao Phòng Nội vụ tổng hợp.",
        }
    ],
    "indicators": [
        {
            "code": "I.DIALOGUES",
            "name_vi": "Số cuộc đối thoại đã tổ chức",
            "name_en": "Citizen dialogues held",
            "tasks": ["D1.T1"],
            "unit_of_measure": "cuộc",
            "value_type": "count",
            "range": {"min": 0, "max": 500},
            "aggregate_units": "sum",
            "aggregate_periods": "cumulative",
            "better": "higher",
        }
    ],
    "calendar": {
        "valid_from": "2018-10-05",
        "valid_until": "2019-12-31",
        "unit_deadline_day": 10,
        "consolidated_deadline_day": 15,
        "consolidating_unit": "PNV",
        "recipients": ["Sở Nội vụ", "Ủy ban nhân dân Thành phố"],
        "rule_text": "Báo cáo trước ngày 10 của tháng 3, tháng 6, tháng 9, tháng 11.",
        "period_kinds": [
            {
                "code": "Q1",
                "label_vi": "Quý I năm {year}",
                "label_en": "First quarter {year}",
                "deadline_month": 3,
                "span_start": {"month": 12, "day": 1, "year_offset": -1},
                "span_end": {"month": 2, "day": 28},
            },
            {
                "code": "Y",
                "label_vi": "Năm {year}",
                "label_en": "Year {year}",
                "deadline_month": 11,
                "span_start": {"month": 12, "day": 1, "year_offset": -1},
                "span_end": {"month": 10, "day": 31},
            },
        ],
    },
    "orchestration": {
        "collect_from_day": 1,
        "collect_every_hours": 2,
        "remind_days": [5, 8],
        "remind_at": "08:00",
        "overdue_at": "08:00",
        "consolidate_day": 10,
        "consolidate_at": "00:30",
        "publish_day": 14,
        "publish_at": "08:00",
    },
    "status_weights": {"chua_trien_khai": 0, "dang_trien_khai": 0.5, "hoan_thanh": 1},
}


@pytest.fixture
def plan_data() -> dict[str, Any]:
    """The plan as a plain mapping, to change before validating it."""
    return copy.deepcopy(PLAN)


@pytest.fixture
def plan(plan_data: dict[str, Any]) -> Plan:
    return Plan.model_validate(plan_data)


@pytest.fixture
def synced_plan(session: Session, plan: Plan) -> Plan:
    """The tiny plan, synced into a migrated store and committed."""
    plan_sync.sync(session, plan, file_sha256="0" * 64)
    session.commit()
    return plan


@pytest.fixture
def add_raw_file(session: Session, synced_plan: Plan) -> Callable[..., schema.RawFile]:
    """Store a raw file of the plan with distinct bytes (hash) on each call."""
    counter = itertools.count(1)

    def add(unit_code: str | None = "P-AN-LAC") -> schema.RawFile:
        number = next(counter)
        raw = schema.RawFile(
            plan_id=synced_plan.id,
            sha256=f"{number:064x}",
            size=1024 * number,
            source="inbox",
            original_name=f"bao-cao-{number}.xlsx",
            claimed_unit_code=unit_code,
            received_at=dt.datetime(2019, 3, 8, 9, 30, tzinfo=LOCAL_ZONE),
            archive_path=f"raw/{number:064x}.xlsx",
        )
        session.add(raw)
        session.flush()
        return raw

    return add
