"""Synthetic districts of one city, for load tests: copies of a plan, each with its own id,
district and wards, and the city's plan that lists them as children.

`papi-etl synth --districts N -o DIR` writes each district's plan (`DIR/district-001.yaml`,
...), its inbox (`DIR/district-001/<UNIT>/...`: the layout of an inbox shared by plans,
a folder per plan id) and the city's plan (`DIR/city.yaml`), so that
`papi-etl run --plan DIR/city.yaml --inbox DIR` runs every district and rolls them up. The
plans are data: YAML files a person could have written, read back by the plan loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from papi_etl.plan.model import Plan, Unit, UnitKind
from papi_etl.synth.texts import SYNTHETIC_MARK

CITY_ID = "city"
CITY_FILE = f"{CITY_ID}.yaml"
CITY_UNIT = "SNV"  # Sở Nội vụ, who consolidates the districts' reports for the city

_HEADER = (
    f"# {SYNTHETIC_MARK} Kế hoạch mô phỏng do papi-etl synth --districts tạo ra từ kế hoạch "
    "{base} để kiểm thử tải; không phải kế hoạch thật.\n"
    "# Synthetic plan made by papi-etl synth --districts from plan {base}, for load tests.\n"
)
_UNIT_REFERENCES = ("lead_units", "coordinating_units", "reporting_units")


def district_id(number: int) -> str:
    return f"district-{number:03d}"


def _renamed(codes: list[str] | None, renames: dict[str, str]) -> list[str] | None:
    return None if codes is None else [renames.get(code, code) for code in codes]


def district_plan(base: Plan, number: int, wards: int | None = None) -> Plan:
    """District `number`'s copy of `base`: its own id, district name, numbered wards
    (`P01`, "Phường 1", ...) and placeholder addresses; the same tasks, indicators and
    calendar, so that its reports have the same shape as the base district's.

    `wards`: how many wards the copy has (default: as many as `base`). Districts differ in
    size (a country's ~10,000 communes in ~700 districts: 14 on average, some over 20);
    wards added are copies of the base's first ward, which the plan's tasks and indicators
    reach through their groups, as they reach every ward; fewer wards drop the last ones.
    """
    plan_id = district_id(number)
    name = f"Mô phỏng {number:03d}"
    old = base.document.district
    data = base.model_dump(mode="json")
    data["id"] = plan_id
    document = data["document"]
    document.update(
        district=name,
        title=document["title"].replace(old, name),
        issuer=document["issuer"].replace(old, name),
        signer=None,
    )
    base_wards = [u for u in base.units if u.kind is UnitKind.WARD]
    count = len(base_wards) if wards is None else wards
    if count < 1 or not base_wards:
        raise ValueError(f"a district needs at least one ward, not {count}")
    _resize_wards(data, base_wards, count)
    renames = {u.code: f"P{i:02d}" for i, u in enumerate(base_wards, start=1)}
    renames.update({f"P{i:02d}": f"P{i:02d}" for i in range(len(base_wards) + 1, count + 1)})
    for unit in data["units"]:
        if unit["code"] in renames:
            number_of_ward = int(renames[unit["code"]][1:])
            unit["name"] = f"Ủy ban nhân dân Phường {number_of_ward}"
            unit["short_name"] = f"Phường {number_of_ward}"
        else:
            unit["name"] = unit["name"].replace(old, name)
            if unit.get("short_name"):
                unit["short_name"] = unit["short_name"].replace(old, name)
        unit["code"] = renames.get(unit["code"], unit["code"])
        unit["contact"] = {"email": f"{unit['code'].lower()}@{plan_id}.example"}
    tasks = [t for d in data["dimensions"] for t in d["tasks"]] + data["assignments"]
    for task in tasks:
        for field in _UNIT_REFERENCES:
            task[field] = _renamed(task[field], renames)
    for indicator in data["indicators"]:
        indicator["reporting_units"] = _renamed(indicator["reporting_units"], renames)
    calendar = data["calendar"]
    calendar["consolidating_unit"] = renames.get(
        calendar["consolidating_unit"], calendar["consolidating_unit"]
    )
    return Plan.model_validate(data)


def _resize_wards(data: dict[str, Any], base_wards: list[Unit], count: int) -> None:
    """`count` wards in the plan's data: the base's first ones, then copies of its first
    ward coded P<n>; named references to a dropped ward are dropped with it."""
    kept = {u.code for u in base_wards[:count]}
    dropped = {u.code for u in base_wards} - kept
    first = next(u for u in data["units"] if u["code"] == base_wards[0].code)
    units = [u for u in data["units"] if u["code"] not in dropped]
    at = max(i for i, u in enumerate(units) if u["kind"] == UnitKind.WARD.value) + 1
    added = [{**first, "code": f"P{i:02d}"} for i in range(len(base_wards) + 1, count + 1)]
    data["units"] = units[:at] + added + units[at:]
    for group in data["groups"]:
        if UnitKind.WARD.value in group["kinds"]:
            group["name"] = group["name"].replace(f"{len(base_wards)} phường", f"{count} phường")
    if not dropped:
        return
    for task in [t for d in data["dimensions"] for t in d["tasks"]] + data["assignments"]:
        for field in _UNIT_REFERENCES:
            if task[field] is not None:
                task[field] = [code for code in task[field] if code not in dropped]
    for indicator in data["indicators"]:
        if indicator["reporting_units"] is not None:
            indicator["reporting_units"] = [
                code for code in indicator["reporting_units"] if code not in dropped
            ]


def city_plan(base: Plan, children: list[str]) -> Plan:
    """The city's plan over the districts `children` (plan ids, files `<id>.yaml` beside
    it): the base plan's dimensions and calendar, no task of its own, the city's Sở Nội vụ
    as the unit that consolidates, and its roll-up after the districts have published."""
    data = base.model_dump(mode="json")
    city = base.document.city
    data.update(
        id=CITY_ID,
        document={
            **data["document"],
            "number": "Mô phỏng",
            "title": f"{SYNTHETIC_MARK} Tổng hợp kết quả thực hiện kế hoạch cải thiện Chỉ số "
            f"PAPI của {len(children)} quận",
            "issuer": f"Ủy ban nhân dân {city}",
            "district": city,
            "signer": None,
        },
        units=[
            {
                "code": CITY_UNIT,
                "name": f"Sở Nội vụ {city}",
                "kind": UnitKind.AGENCY.value,
                "named_in_plan": False,
                "contact": {"email": f"{CITY_UNIT.lower()}@{CITY_ID}.example"},
            }
        ],
        groups=[],
        dimensions=[{**d, "tasks": []} for d in data["dimensions"]],
        assignments=[],
        indicators=[],
        calendar={**data["calendar"], "consolidating_unit": CITY_UNIT},
        # The roll-up runs once the districts have published their final reports.
        orchestration={
            **data["orchestration"],
            "consolidate_day": base.orchestration.publish_day,
            "consolidate_at": "12:00",
            "publish_day": base.orchestration.publish_day,
            "publish_at": "12:00",
        },
        children=[{"id": child, "file": f"{child}.yaml"} for child in children],
    )
    return Plan.model_validate(data)


def write_plan(plan: Plan, base: Plan, path: Path) -> Path:
    """The plan as a YAML plan file (with a header saying it is synthetic); OSError when
    the file cannot be written."""
    data: dict[str, Any] = plan.model_dump(mode="json", exclude_defaults=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when it is there
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_HEADER.format(base=base.id) + text, encoding="utf-8")
    return path
