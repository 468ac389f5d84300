"""Importing plan documents: the seed against the hand-made plan, a province's plan (eight
dimensions, a table of tasks, text and DOCX), a commune's (numbered tasks), odd documents."""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from pathlib import Path

import pytest
from plan_documents import (
    COMMUNE,
    NEWS,
    NO_TASKS,
    PROVINCE,
    REFERENCE,
    SEED,
    docx_from_text,
    docx_not_a_plan,
)
from reliability_ledger import record

from papi_etl import calendar
from papi_etl.plan import load
from papi_etl.plan.importing import draft
from papi_etl.plan.importing.comparison import compare
from papi_etl.plan.importing.importer import ImportResult, import_document
from papi_etl.plan.importing.review import Severity
from papi_etl.plan.model import Plan


def _written(result: ImportResult, folder: Path, name: str = "draft.yaml") -> Plan:
    """The draft as `plan import` writes it, loaded by the loader of `plan check`."""
    assert result.plan is not None
    path = folder / name
    path.write_text(draft.render(result.plan, "test", None), encoding="utf-8")
    return load(path).plan


def _tasks(plan: dict) -> list[dict]:
    return [t for d in plan["dimensions"] for t in d["tasks"]] + plan["assignments"]


@pytest.fixture(scope="module")
def seed() -> ImportResult:
    return import_document(SEED)


@pytest.fixture(scope="module")
def seed_draft(seed, tmp_path_factory) -> Plan:
    return _written(seed, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="module")
def scores(seed_draft) -> dict:
    return {s.field: s for s in compare(seed_draft, load(REFERENCE).plan)}


def test_the_seed_imports_into_a_plan_that_passes_the_check(seed, seed_draft):
    assert seed.exit_code == 0
    assert draft.check(draft.render(seed.plan, "seed", None)) == []
    assert seed_draft.id == "binh-tan-461-2018"


def test_the_seed_agrees_with_the_hand_made_plan(scores):
    """The acceptance of issue 12: 6 dimensions, 47 bullets verbatim, >= 90 % of lead
    units, the 5 periods with their deadlines."""
    assert (scores["dimensions"].agree, scores["dimensions"].total) == (6, 6)
    bullets = scores["tasks (dimensions), text verbatim"]
    assert (bullets.agree, bullets.total) == (47, 47)
    assert scores["assignments, text verbatim"].agree == 10
    assert scores["lead units, tasks naming them"].share >= 0.9
    periods = scores["periods with their deadlines"]
    assert (periods.agree, periods.total) == (5, 5)
    for field in ("document.number", "document.issuer", "document.date", "document.title"):
        assert scores[field].agree == 1, field
    for field in ("unit_deadline_day", "consolidated_deadline_day", "consolidating_unit"):
        assert scores[f"calendar.{field}"].agree == 1, field


def test_the_comparison_sees_a_wrong_lead_and_a_changed_text(seed_draft):
    data = seed_draft.model_dump(mode="json")
    data["dimensions"][0]["tasks"][7]["lead_units"] = ["PNV"]  # D1.08 is Thanh tra's
    data["assignments"][0]["text"] += " (sửa)"
    changed = {s.field: s for s in compare(Plan.model_validate(data), load(REFERENCE).plan)}
    assert changed["lead units, tasks naming them"].agree == 32
    assert changed["assignments, text verbatim"].agree == 9


def test_every_guess_is_marked_inferred_and_reported_where_it_stands(seed):
    reported = {i.subject: i for i in seed.review.items if i.severity is Severity.INFERRED}
    inferred = [t for t in _tasks(seed.plan) if t.get("inferred")]
    assert len(inferred) == 24
    for task in inferred:
        assert task["inference_note"]
        assert reported[task["code"]].where_vi.startswith("dòng "), task["code"]
    # D2.04 names no unit: given to the bodies of III.1, and said so.
    d204 = next(t for t in inferred if t["code"] == "D2.04")
    assert d204["lead_units"] == ["agencies", "service_units", "wards"]
    assert "không nêu đơn vị" in d204["inference_note"]
    # A body named where a coordinator stands but reporting to no district plan is left
    # out, and the report says so.
    d104 = next(t for t in _tasks(seed.plan) if t["code"] == "D1.04")
    assert d104["coordinating_units"] == []
    assert any(
        i.subject == "D1.04" and "Mặt trận Tổ quốc Việt Nam phường" in i.message_vi
        for i in seed.review.items
    )


def test_the_seed_tasks_cite_their_legal_documents(seed):
    by_code = {t["code"]: t for t in _tasks(seed.plan)}
    assert by_code["D1.08"]["legal_references"] == [
        {
            "kind": "Nghị định",
            "number": "159/2016/NĐ-CP",
            "date": "2016-11-29",
            "issuer": "Chính phủ",
        },
        {"kind": "Luật", "name": "Luật Thanh tra"},
    ]
    assert by_code["D2.02"]["legal_references"][0]["article"] == "Chương V"
    assert "legal_references" not in by_code["D6.01"]


@pytest.fixture(scope="module", params=["text", "docx"])
def province(request, tmp_path_factory) -> tuple[ImportResult, Plan]:
    folder = tmp_path_factory.mktemp("province")
    source = PROVINCE
    if request.param == "docx":
        source = docx_from_text(PROVINCE.read_text(encoding="utf-8"), folder / "ke-hoach.docx")
    result = import_document(source)
    return result, _written(result, folder)


def test_a_province_plan_with_eight_dimensions_in_a_table(province):
    result, plan = province
    assert result.exit_code == 0
    assert plan.papi_dimensions == 8
    assert [d.number for d in plan.dimensions] == list(range(1, 9))
    assert plan.dimensions[7].name_vi == "Quản trị điện tử"
    assert sum(len(d.tasks) for d in plan.dimensions) == 19
    first = plan.dimensions[0].tasks[0]
    assert (first.lead_units, first.coordinating_units) == (["SNV"], ["STP", "districts"])
    assert first.timeframe == "Năm 2024"
    assert [ref.number for ref in first.legal_references] == ["10/2022/QH15", "59/2023/NĐ-CP"]
    unnamed = plan.dimensions[6].tasks[1]  # the row with empty unit cells
    assert unnamed.inferred and unnamed.lead_units == ["agencies", "districts"]
    assert plan.document.issuer == "Ủy ban nhân dân tỉnh Quảng Trị"
    assert plan.document.signer == "Trần Minh Khoa"
    assert plan.document.title == (
        "Kế hoạch nâng cao Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) "
        "tỉnh Quảng Trị năm 2024 - 2025"
    )


def test_a_province_plan_has_its_own_calendar(province):
    _, plan = province
    rule = plan.calendar
    assert (rule.unit_deadline_day, rule.consolidated_deadline_day) == (5, 15)
    assert [(k.code, k.deadline_month) for k in rule.period_kinds] == [("6M", 6), ("Y", 12)]
    assert rule.consolidating_unit == "SNV"
    assert rule.recipients == ["Bộ Nội vụ"]
    periods = calendar.periods(plan)
    assert [p.code for p in periods] == ["2024-6M", "2024-Y", "2025-6M", "2025-Y"]
    assert periods[0].unit_deadline.isoformat() == "2024-06-05T00:00:00+07:00"
    assert periods[-1].consolidated_deadline.date() == dt.date(2025, 12, 15)
    assert plan.orchestration.remind_days == [3]


def test_the_docx_and_the_text_of_a_plan_import_alike(tmp_path):
    def comparable(result: ImportResult) -> dict:
        data = json.loads(json.dumps(result.plan))
        for task in _tasks(data):
            task.pop("inference_note", None)  # it names a line, or a paragraph
        return data

    docx = docx_from_text(PROVINCE.read_text(encoding="utf-8"), tmp_path / "ke-hoach.docx")
    assert comparable(import_document(docx)) == comparable(import_document(PROVINCE))


def test_a_commune_plan_with_numbered_tasks(tmp_path):
    result = import_document(COMMUNE)
    assert result.exit_code == 0
    plan = _written(result, tmp_path)
    # The document puts "Quản trị điện tử" fifth: the dimension keeps its PAPI number.
    assert [d.number for d in plan.dimensions] == [1, 2, 3, 4, 8, 5, 6, 7]
    assert plan.dimensions[4].tasks[0].section == "II.5"
    first = plan.dimensions[0].tasks[0]
    assert first.text.startswith("Công chức Văn hóa - Xã hội chủ trì, phối hợp với Ủy ban")
    assert (first.lead_units, first.coordinating_units) == (["CCVHXH"], ["MTTQ"])
    law = first.legal_references[0]
    assert (law.name, law.number, law.date) == (
        "Luật Thực hiện dân chủ ở cơ sở",
        "10/2022/QH15",
        dt.date(2022, 11, 10),
    )
    assert plan.assignments[0].text.startswith("Căn cứ nhiệm vụ được giao")
    assert plan.assignments[0].lead_units == ["agencies", "CA", "TYT"]
    rule = plan.calendar
    assert [k.code for k in rule.period_kinds] == ["Q1", "Q2", "Q3", "Q4"]
    assert (rule.unit_deadline_day, rule.consolidated_deadline_day) == (15, 20)
    assert rule.consolidating_unit == "CCVP"
    assert rule.recipients == ["Ủy ban nhân dân huyện Củ Chi", "Phòng Nội vụ huyện Củ Chi"]
    assert plan.document.city == "Thành phố Hồ Chí Minh"


def test_an_unknown_body_is_reported_never_mapped_to_the_nearest_name():
    text = SEED.read_text(encoding="utf-8")
    text = text.replace(
        "- Phòng Tài chính - Kế hoạch quận phối", "- Phòng Tài chính - Kế hoạch - Đầu tư quận phối"
    ).replace("- Phòng Tài nguyên và Môi trường quận", "- Phòng Quản lý chất lượng quận")
    result = _import_text(text)
    assert result.exit_code == 1
    problems = {i.subject: i for i in result.review.items if i.severity is Severity.PROBLEM}
    assert "Phòng Tài chính - Kế hoạch - Đầu tư quận" in problems["D1.09"].message_vi
    assert "Phòng Quản lý chất lượng quận" in problems["D1.10"].message_vi
    by_code = {t["code"]: t for t in _tasks(result.plan)}
    assert "PTCKH" not in by_code["D1.09"]["lead_units"]
    assert by_code["D1.09"]["inferred"] and by_code["D1.10"]["inferred"]


def _import_text(text: str) -> ImportResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ke-hoach.txt"
        path.write_text(text, encoding="utf-8")
        return import_document(path)


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


_ODD = {
    "a news summary": (lambda tmp: NEWS, 2, "dimensions"),
    "a plan with no task list": (lambda tmp: NO_TASKS, 1, "D1"),
    "an empty file": (lambda tmp: _write(tmp, "rong.txt", b""), 2, "document"),
    "blank lines only": (lambda tmp: _write(tmp, "trang.txt", b"\n \n\t\n"), 2, "document"),
    "a binary file": (
        lambda tmp: _write(tmp, "anh.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        2,
        "document",
    ),
    "text in Windows-1258": (
        # "Kế hoạch số 1" as Windows-1258 writes it: a base letter and a combining tone byte.
        lambda tmp: _write(tmp, "cp1258.txt", b"K\xea\xec ho\xd2ach s\xf4\xec 1\n"),
        2,
        "document",
    ),
    "a DOCX that is not a plan": (lambda tmp: docx_not_a_plan(tmp / "giay-moi.docx"), 2, None),
    "a zip that is not a DOCX": (
        lambda tmp: _write(tmp, "so-lieu.docx", b"PK\x03\x04" + b"\x00" * 100),
        2,
        "document",
    ),
    "a legacy .doc": (
        lambda tmp: _write(tmp, "cu.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512),
        2,
        "document",
    ),
    "a PDF": (lambda tmp: _write(tmp, "ke-hoach.pdf", b"%PDF-1.7\n%\xe2\xe3\n"), 2, "document"),
    "a file that does not exist": (lambda tmp: tmp / "khong-co.txt", 2, "document"),
}


@pytest.mark.reliability
@pytest.mark.parametrize("kind", list(_ODD))
def test_odd_documents_end_with_a_review_report_and_an_exit_code(kind, tmp_path):
    make, exit_code, subject = _ODD[kind]
    result = import_document(make(tmp_path))
    assert result.exit_code == exit_code
    problems = [i for i in result.review.items if i.severity is Severity.PROBLEM]
    assert problems and all(i.message_vi and i.message_en for i in problems)
    if subject is not None:
        assert any(i.subject == subject for i in problems), [i.subject for i in problems]
    record(
        "plan import",
        f"{kind} given to `plan import`",
        1,
        f"exit {exit_code}, {len(problems)} problem(s) in the review report, no traceback",
    )


def test_a_utf16_copy_of_the_seed_imports_like_the_seed(tmp_path, seed):
    path = _write(tmp_path, "utf16.txt", SEED.read_text(encoding="utf-8").encode("utf-16"))
    assert import_document(path).plan == seed.plan


@pytest.mark.reliability
def test_mutilated_documents_never_break_the_importer(tmp_path):
    """Lines dropped, swapped, repeated or cut anywhere: an exit code and a review report,
    and any draft written passes the plan check."""
    rng = random.Random(12)
    sources = [SEED, PROVINCE, COMMUNE, NO_TASKS]
    codes: list[int] = []
    for attempt in range(12):
        lines = rng.choice(sources).read_text(encoding="utf-8").splitlines()
        cut = rng.randrange(len(lines))
        match attempt % 4:
            case 0:
                del lines[cut : cut + rng.randint(1, 25)]
            case 1:
                other = rng.randrange(len(lines))
                lines[cut], lines[other] = lines[other], lines[cut]
            case 2:
                lines[cut:cut] = lines[cut : cut + rng.randint(1, 15)]
            case 3:
                text = "\n".join(lines)
                at = rng.randrange(len(text))
                lines = (text[:at] + text[at + rng.randint(1, 400) :]).splitlines()
        result = _import_text("\n".join(lines))
        codes.append(result.exit_code)
        assert result.review.items
        if result.plan is not None:
            assert draft.check(draft.render(result.plan, "fuzz", None)) == []
    record(
        "plan import",
        "12 mutilated copies of 4 plan documents (lines dropped, swapped, repeated, cut)",
        12,
        "no exception; exit codes "
        + ", ".join(f"{c}: {codes.count(c)}" for c in sorted(set(codes)))
        + "; every draft passes the plan check",
    )


def test_a_unit_cell_with_an_unknown_body_is_reported():
    text = PROVINCE.read_text(encoding="utf-8").replace(
        "| Sở Nội vụ | Các sở, ban, ngành tỉnh | Hằng năm |",
        "| Sở Nội vụ; Ban Thi đua - Khen thưởng | Các sở, ban, ngành tỉnh | Hằng năm |",
    )
    result = _import_text(text)
    assert result.exit_code == 1
    (problem,) = [i for i in result.review.items if i.severity is Severity.PROBLEM]
    assert "“Ban Thi đua - Khen thưởng”" in problem.message_vi
    row = next(n for n, line in enumerate(text.splitlines(), 1) if "Ban Thi đua" in line)
    assert problem.where_vi == f"dòng {row}"
    task = next(t for t in _tasks(result.plan) if t["code"] == "D4.02")
    assert task["lead_units"] == ["SNV"]
