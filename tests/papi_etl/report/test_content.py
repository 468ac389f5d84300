"""The report's content: official header from the plan, Vietnamese wording and notation,
what the hash covers, and what a supplementary report says changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata

import pytest
from report_store import HELD_BACK, ISSUED_ON

from papi_etl.report import changes_since, content, notation, wording
from papi_etl.report.model import SYNTHETIC_NOTICE, Bullets, Edition, Num, Paragraph, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.results import CONTEXT_TABLE
from papi_etl.report.wording import INDEX_NAME


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (1234.5, Fmt.DECIMAL, "1.234,5"),
        (1234567, Fmt.INTEGER, "1.234.567"),
        (90, Fmt.PERCENT, "90,0 %"),
        (96.1538, Fmt.PERCENT, "96,2 %"),
        (6.849, Fmt.SCORE, "6,85"),
        (12, Fmt.SIGNED_INTEGER, "+12"),
        (-0.54, Fmt.SIGNED_DECIMAL, "-0,5"),
        (0.0, Fmt.SIGNED_DECIMAL, "0,0"),
        (None, Fmt.PERCENT, notation.MISSING),
        (float("nan"), Fmt.SCORE, notation.MISSING),
    ],
)
def test_numbers_are_written_in_vietnamese_notation(value, fmt, text):
    assert notation.formatted(value, fmt) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2019, 3, 14), "ngày 14 tháng 3 năm 2019"),
        (dt.date(2019, 2, 5), "ngày 05 tháng 02 năm 2019"),
        (dt.date(2018, 10, 5), "ngày 05 tháng 10 năm 2018"),
    ],
)
def test_dates_follow_the_administrative_form(day, text):
    assert notation.date(day) == text


def test_the_header_comes_from_the_plan(built):
    report = built.report
    header = report.header
    assert (header.authority, header.authority_area) == ("ỦY BAN NHÂN DÂN", "QUẬN BÌNH TÂN")
    assert header.nation == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert header.motto == "Độc lập - Tự do - Hạnh phúc"
    assert header.number == "Số: .../BC-UBND"
    # The office fills in the day it signs and issues the report, not the day it was made.
    assert report.place_date == "Bình Tân, ngày ... tháng ... năm ..."
    assert report.heading == "BÁO CÁO"
    assert report.subject == "Kết quả thực hiện Kế hoạch cải thiện Chỉ số PAPI Quý I năm 2019"
    # The full "Nơi nhận" of the plan, from the plan file.
    assert report.recipients[:2] == ("UBND Thành phố;", "Sở Nội vụ TP: VP, P.CCHC;")
    assert len(report.recipients) == 11 and report.recipients[-1] == "Lưu: VT, NV (T)."
    signature = report.signature
    assert (signature.on_behalf, signature.title, signature.name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Thinh",
    )


def test_another_plan_gets_its_own_header(loaded, built):
    plan = loaded.plan
    document = plan.document.model_copy(
        update={
            "issuer": "Ủy ban nhân dân huyện Cần Giờ",
            "district": "Cần Giờ",
            "number": "12/KH-UBND",
        }
    )
    other = plan.model_copy(update={"document": document})
    report = content.build(other, built.metrics, 1, False, (), issued_on=ISSUED_ON)
    assert (report.header.authority, report.header.authority_area) == (
        "ỦY BAN NHÂN DÂN",
        "HUYỆN CẦN GIỜ",
    )
    assert report.place_date.startswith("Cần Giờ, ngày")
    assert "Ủy ban nhân dân huyện Cần Giờ" in report.preamble


def test_synthetic_data_is_announced(loaded, built):
    assert built.report.notice == SYNTHETIC_NOTICE == "DỮ LIỆU MÔ PHỎNG – không phải số liệu thật"
    real = content.build(loaded.plan, built.metrics, 1, False, (), synthetic=False)
    assert real.notice is None


def test_one_section_per_dimension_then_the_assignments(loaded, built):
    headings = [s.heading for s in built.report.sections if s.level == 2]
    names = [d.name_vi for d in loaded.plan.dimensions]
    assert len(headings) == len(names) + 1
    for heading, name in zip(headings, names, strict=False):
        assert f"“{name}”" in heading


def test_the_index_is_never_called_a_papi_score(built):
    context = built.report.table(CONTEXT_TABLE)
    assert context.columns[-1] == "Chỉ số thực hiện kế hoạch Quý I năm 2019"
    assert INDEX_NAME == "Chỉ số thực hiện kế hoạch (0–10), không phải điểm PAPI"
    assert INDEX_NAME in context.note
    assert "Điểm PAPI năm 2017" in context.columns[1]  # the latest published by March 2019
    assert "ước lượng không trọng số" in context.note


def test_table_2_and_chart_2_list_the_same_groups(built):
    rows = [row[0] for row in built.report.table(CONTEXT_TABLE).rows]
    chart = next(c for c in built.report.charts if c.key == "chi-so-thuc-hien")
    assert list(chart.categories) == rows
    assert "Tổ chức thực hiện" in rows and rows[-1] == "Chung"


def test_no_task_text_is_cut_mid_sentence(loaded, built):
    titles = {t.code: t.title for d in loaded.plan.dimensions for t in d.tasks}
    titles |= {t.code: t.title for t in loaded.plan.assignments}
    tasks = [
        row
        for s in built.report.sections
        for b in s.blocks
        if isinstance(b, Table) and b.columns[:2] == ("Mã", "Nhiệm vụ")
        for row in b.rows
    ]
    assert len(tasks) == len(titles)
    for code, title, *_ in tasks:
        assert title == titles[code] and "…" not in title


def test_figures_in_the_text_use_vietnamese_notation(built):
    metrics, report = built.metrics, built.report
    text = " ".join(report.summary)
    assert notation.percent(metrics.reporting_rate) in text
    assert re.search(r"\d,\d %", text)
    assert not re.search(r"\d\.\d+ ?%", text)  # no English decimal point before a percent
    reporting = next(
        b
        for s in report.sections
        for b in s.blocks
        if isinstance(b, Table) and "loại đơn vị" in b.title
    )
    whole = reporting.rows[-1]
    assert isinstance(whole[-2], Num) and whole[-2].text == notation.percent(metrics.reporting_rate)


def test_the_unit_not_yet_validated_is_listed_as_left_out(built):
    assert any(
        "Phường An Lạc (báo cáo chưa được kiểm tra)" in line for line in built.report.attention
    )
    assert built.metrics.units.set_index("unit").at[HELD_BACK, "short_name"] == "Phường An Lạc"
    assert "Phường An Lạc" not in built.report.facts.counted_units


def test_every_text_is_nfc(built):
    data = content.canonical(built.report)
    assert unicodedata.is_normalized("NFC", data)


def test_the_fingerprint_ignores_the_edition(built):
    report = built.report
    reissued = dataclasses.replace(
        report, edition=Edition(3, True, ("Một thay đổi.",), dt.date(2019, 6, 1), 2)
    )
    assert content.fingerprint(reissued) == content.fingerprint(report)
    changed = dataclasses.replace(report, summary=(*report.summary, "Thêm một câu."))
    assert content.fingerprint(changed) != content.fingerprint(report)


def test_the_canonical_json_holds_the_facts_a_later_version_compares_with(built):
    data = json.loads(content.canonical(built.report))
    assert data["facts"]["received"] == built.metrics.received
    assert data["edition"]["issued_on"] == "2019-03-14"


def test_changes_name_units_newly_counted_and_figures_that_moved(built):
    current = built.report.facts
    previous = json.loads(content.canonical(built.report))["facts"]
    previous["counted_units"] = [u for u in previous["counted_units"] if u != "Phòng Nội vụ"]
    previous["index_overall"] = 1.0
    previous["indicators"][0]["value"] = -1.0
    lines = changes_since.describe(previous, current)
    assert lines[0] == "Được tổng hợp thêm báo cáo của 1 đơn vị: Phòng Nội vụ."
    assert any(line.startswith("Chỉ số thực hiện kế hoạch chung (0–10): 1,00 → ") for line in lines)
    assert any(current.indicators[0].name in line for line in lines)


def test_no_change_in_figures_still_says_why_there_is_a_new_version(built):
    same = json.loads(content.canonical(built.report))["facts"]
    assert changes_since.describe(same, built.report.facts) == (
        "Các số liệu tổng hợp không thay đổi; báo cáo cập nhật nội dung chi tiết của các đơn vị "
        "(kết quả, khó khăn, đề xuất).",
    )


def test_a_supplementary_report_opens_with_its_changes(built):
    report = dataclasses.replace(
        built.report, edition=Edition(2, True, ("Thay đổi A.",), ISSUED_ON, 1)
    )
    assert report.heading == "BÁO CÁO BỔ SUNG"
    first = report.document_sections()[0]
    assert first.heading == "NỘI DUNG BỔ SUNG, ĐIỀU CHỈNH"
    assert isinstance(first.blocks[0], Paragraph) and "phiên bản 1" in first.blocks[0].text
    assert first.blocks[1] == Bullets(("Thay đổi A.",))


def test_long_unit_lists_are_cut(built):
    assert wording.listed(["A", "B", "C", "D", "E", "F"]) == "A, B, C, D và 2 đơn vị khác"
    assert wording.listed(["A", "B", "C", "D", "E"]) == "A, B, C, D, E"
