"""Column widths: no word wider than its column, short cells on one line, the room to text."""

from __future__ import annotations

from papi_etl.report import fonts, widths
from papi_etl.report.model import Num, Table
from papi_etl.report.notation import Fmt

TABLE = Table(
    key="t",
    title="Bảng",
    columns=("Chỉ tiêu", "Tăng/giảm"),
    rows=(
        (
            "Số phản ánh, kiến nghị của người dân tiếp nhận qua ứng dụng trực tuyến",
            Num(12282, Fmt.SIGNED_INTEGER),
        ),
        ("Tỷ lệ phản ánh đã giải quyết", Num(-0.4, Fmt.SIGNED_DECIMAL)),
    ),
    widths=(9.0, 0.2),  # the number's column asks for far too little
)


def test_every_word_and_number_fits_its_column():
    size, found = widths.fit(TABLE, 200.0, 2.5)
    assert abs(sum(found) - 200.0) < 0.01
    assert found[1] >= fonts.width("+12.282", size) + 5
    assert found[1] >= fonts.width("Tăng/giảm", size, bold=True) + 5


def test_short_cells_get_one_line_and_the_text_the_rest():
    size, found = widths.fit(TABLE, 200.0, 2.5)
    assert found[1] < fonts.width("Tăng/giảm", size, bold=True) + 12  # no more than it needs
    assert found[0] > 140  # the rest goes to the text


def test_a_smaller_size_when_the_words_do_not_fit():
    size, found = widths.fit(TABLE, 75.0, 2.5)
    assert size < widths.SIZES[0]
    assert widths.widths(TABLE, 75.0, size, 2.5) == found
