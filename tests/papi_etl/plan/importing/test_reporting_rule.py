"""The reporting calendar read from "Tổ chức thực hiện"."""

from papi_etl.plan.document import SourceLine
from papi_etl.plan.importing.bodies import Tier
from papi_etl.plan.importing.reporting_rule import Source, read

PROVINCE = Tier("province", "Quảng Trị", "tỉnh")
LINE = SourceLine("", "dòng 1", "line 1")


def _read(*texts: str):
    return read([Source(text, LINE) for text in texts], PROVINCE)


def test_other_deadline_days_and_months():
    reading = _read(
        "Định kỳ 6 tháng và năm (trước ngày 05 của tháng 6 và tháng 12), báo cáo kết quả về "
        "Ủy ban nhân dân tỉnh (qua Sở Nội vụ) để tổng hợp.",
        "Tổng hợp, tham mưu Ủy ban nhân dân tỉnh báo cáo Bộ Nội vụ trước ngày 15 của tháng 6 "
        "và tháng 12.",
    )
    assert reading.unit_rule.day == 5 and reading.consolidated_rule.day == 15
    assert [(k.code, m) for k, m in reading.kinds] == [("6M", 6), ("Y", 12)]
    assert not reading.kinds_guessed
    assert reading.consolidating.key == "so_noi_vu@province"
    assert [m.surface for m in reading.recipients] == ["Bộ Nội vụ"]


def test_quarterly_alone_means_every_quarter():
    reading = _read("Định kỳ hàng quý (trước ngày 10 các tháng 3, 6, 9 và 12), báo cáo kết quả.")
    assert [(k.code, m) for k, m in reading.kinds] == [("Q1", 3), ("Q2", 6), ("Q3", 9), ("Q4", 12)]


def test_kinds_and_months_that_do_not_pair_are_guessed_and_every_month_kept():
    reading = _read("Định kỳ hàng quý và năm (trước ngày 10 của tháng 3, tháng 6, tháng 12).")
    assert reading.kinds_guessed
    assert [(k.code, m) for k, m in reading.kinds] == [("Q1", 3), ("T06", 6), ("Y", 12)]
    assert reading.kinds[1][0].label_vi == "Kỳ báo cáo tháng 6 năm {year}"


def test_a_single_date_is_no_rule():
    assert _read("Hoàn thành trước ngày 10 tháng 12 năm 2024.").unit_rule is None
