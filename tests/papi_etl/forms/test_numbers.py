import datetime as dt

import pytest

from papi_etl.forms.numbers import format_number, parse_date, parse_number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.234,5", 1234.5),
        ("1,5", 1.5),
        ("1.234", 1234.0),
        ("12.500", 12500.0),
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1,234.5", 1234.5),
        ("0.234", 0.234),
        ("1.5", 1.5),
        ("1234.5", 1234.5),
        ("85%", 85.0),
        ("85 %", 85.0),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("  42 ", 42.0),
        ("-3", -3.0),
        ("\u22122,5", -2.5),
        ("0", 0.0),
    ],
)
def test_vietnamese_notation_is_read(typed, expected):
    assert parse_number(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "nhiều", "khoảng 10", "1,2,3", "1.23,4", ".5", "5.", "1e5", "nan", "inf", "%"]
)
def test_what_is_not_a_number_gives_none(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("value", [0.0, 1234.5, 1.234, 0.1, 300000.0, -0.5, 1e20, 1e-7, 2 / 3])
def test_formatted_numbers_read_back_exactly(value):
    assert parse_number(format_number(value)) == value


def test_numbers_are_formatted_as_officials_write_them():
    assert format_number(1234.5) == "1.234,5"
    assert format_number(300000) == "300.000"
    assert format_number(0.5) == "0,5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2019", dt.date(2019, 3, 5)),
        ("5/3/2019", dt.date(2019, 3, 5)),
        ("Số 12/BC-UBND ngày 05/03/2019", dt.date(2019, 3, 5)),
        ("Quyết định 7/QĐ-UBND ngày 1-2-2019; Số 9 ngày 3/4/2019", dt.date(2019, 2, 1)),
        ("05.03.2019", dt.date(2019, 3, 5)),
    ],
)
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "31/02/2019", "2019-03-05", "Số 12/BC-UBND", "05/03/19"])
def test_what_is_not_a_date_gives_none(text):
    assert parse_date(text) is None
