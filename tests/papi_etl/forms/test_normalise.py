"""Normalisation: NFD text, codes in any case and with spaces, statuses however typed."""

import unicodedata

import pytest

from papi_etl import forms
from papi_etl.forms import normalise

HEADER = "unit,period,task,status,result,evidence,difficulties,proposals,indicator,value,note\n"


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("hoan_thanh", "hoan_thanh"),
        ("Hoàn thành", "hoan_thanh"),
        ("hoàn thành", "hoan_thanh"),
        ("HOAN THANH", "hoan_thanh"),
        ("Hoàn Thành", "hoan_thanh"),
        (_nfd("Hoàn thành"), "hoan_thanh"),
        ("  Đang triển khai ", "dang_trien_khai"),
        ("dang trien khai", "dang_trien_khai"),
        ("CHƯA TRIỂN KHAI", "chua_trien_khai"),
        ("Không phát sinh", "khong_phat_sinh"),
        ("khong-phat-sinh", "khong_phat_sinh"),
        ("xong", "xong"),
        ("", ""),
    ],
)
def test_a_status_is_read_however_it_is_typed(typed, key):
    assert normalise.status(normalise.text(typed)) == key


def test_codes_and_text_come_out_in_the_plans_spelling_and_nfc(plan):
    ward = _nfd("Phường Bình Hưng Hòa")
    content = (
        HEADER
        + f"{ward},2019-q1, d1.01 ,{_nfd('Hoàn Thành')},{_nfd(' Đã tổ chức ')},,,,,,\n"
        + f'{ward},2019-q1,,,,,,, i1.01 ,"1.234,5",{_nfd("Ghi chú")}\n'
    ).encode()
    submission = forms.read(content, "BHH.csv", plan)
    assert (submission.unit, submission.period) == ("BHH", "2019-Q1")
    (task,) = submission.tasks
    assert (task.task, task.status, task.result) == ("D1.01", "hoan_thanh", "Đã tổ chức")
    assert unicodedata.is_normalized("NFC", task.result)
    (indicator,) = submission.indicators
    assert (indicator.indicator, indicator.value, indicator.note) == ("I1.01", 1234.5, "Ghi chú")
    assert (task.unit, task.period) == ("BHH", "2019-Q1")


@pytest.mark.parametrize(
    "typed",
    [
        "BHH",
        " bhh ",
        "Phường Bình Hưng Hòa",
        "phuong binh hung hoa",
        _nfd("Ủy ban nhân dân phường Bình Hưng Hòa"),
    ],
)
def test_a_unit_is_known_by_its_code_or_its_name(plan, typed):
    content = (HEADER + f"{typed},2019-Q1,D1.01,,,,,,,,\n").encode()
    assert forms.read(content, "x.csv", plan).unit == "BHH"
