"""Which headings name a PAPI dimension."""

import pytest

from papi_etl.plan.importing.structure import dimension_of


@pytest.mark.parametrize(
    ("heading", "number"),
    [
        ("Đối với nội dung “Tham gia của người dân ở cấp cơ sở”", 1),
        ("Nội dung 2: Công khai, minh bạch trong việc ra quyết định ở địa phương", 2),
        ("TRÁCH NHIỆM GIẢI TRÌNH VỚI NGƯỜI DÂN", 3),
        ("Chỉ số nội dung 4 - Kiểm soát tham nhũng trong khu vực công", 4),
        ("Về thủ tục hành chính công", 5),
        ("Cung ứng dịch vụ công", 6),
        ("Nội dung 7: Quản trị môi trường", 7),
        ("VIII. QUẢN TRỊ ĐIỆN TỬ", 8),
    ],
)
def test_a_heading_names_its_dimension_in_any_form(heading, number):
    assert dimension_of(heading).number == number


@pytest.mark.parametrize(
    "text",
    [
        "Nâng cao chất lượng giải quyết thủ tục hành chính cho người dân; tổ chức khảo sát.",
        "Tập trung thực hiện các tiêu chí của tất cả sáu nội dung đánh giá Chỉ số PAPI.",
        "Tổ chức thực hiện",
    ],
)
def test_a_task_that_mentions_a_dimension_is_no_heading(text):
    assert dimension_of(text) is None
