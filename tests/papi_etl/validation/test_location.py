"""A finding's place in the clerk's words, for each form a unit can send."""

import pytest

from papi_etl.validation.location import describe


@pytest.mark.parametrize(
    ("form", "sheet", "row", "field", "code", "said"),
    [
        ("xlsx", "NhiemVu", 12, "status", "D1.02", "Sheet NhiemVu, dòng 12, cột “Tình trạng”"),
        ("xlsx", "NhiemVu", 7, "evidence", "", "Sheet NhiemVu, dòng 7, cột “Văn bản minh chứng”"),
        ("xlsx", "ChiSo", 10, "", "I1.01", "Sheet ChiSo, dòng 10"),
        ("xlsx", "NhiemVu", 0, "D1.01", "", "Sheet NhiemVu, thiếu dòng"),
        ("csv", "ChiSo", 31, "value", "I1.01", "Tệp CSV, dòng 31, cột value (Giá trị)"),
        ("csv", "NhiemVu", 0, "D1.01", "", "Tệp CSV, thiếu dòng"),
        (
            "json",
            "NhiemVu",
            7,
            "result",
            "D1.02",
            "Báo cáo JSON, nhiệm vụ thứ 7 (D1.02), trường result",
        ),
        ("json", "ChiSo", 3, "value", "", "Báo cáo JSON, chỉ tiêu thứ 3, trường value"),
        ("json", "NhiemVu", 0, "D1.01", "", "Báo cáo JSON, thiếu nhiệm vụ"),
        ("json", "", 0, "", "", "Cả báo cáo"),
    ],
)
def test_a_place_is_said_as_the_file_shows_it(form, sheet, row, field, code, said):
    assert describe(form, sheet, row, field, code) == said
