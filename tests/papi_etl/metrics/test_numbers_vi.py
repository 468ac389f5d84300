"""Vietnamese number notation with fixed decimals, as the reports print numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from papi_etl.forms.numbers import parse_number
from papi_etl.numbers_vi import format_decimal, format_percent, format_signed


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (90, 1, "90,0"),
        (1234.5, 1, "1.234,5"),
        (1234567.891, 2, "1.234.567,89"),
        (4.4219, 2, "4,42"),
        (5, 0, "5"),
        (-0.01, 1, "0,0"),
        (-2.25, 1, "-2,2"),
        (None, 1, "—"),
        (float("nan"), 1, "—"),
        (pd.NA, 1, "—"),
    ],
)
def test_format_decimal(value, decimals, text):
    assert format_decimal(value, decimals) == text


def test_percent_and_signed():
    assert format_percent(90) == "90,0 %"
    assert format_percent(24 / 26 * 100) == "92,3 %"
    assert format_percent(None) == "—"
    assert (format_signed(3), format_signed(-2), format_signed(0)) == ("+3,0", "-2,0", "0,0")


def test_what_is_printed_reads_back():
    assert parse_number(format_decimal(1234.5)) == 1234.5
