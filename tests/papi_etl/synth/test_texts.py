"""The phrase bank and the way numbers and documents are written."""

import datetime as dt
import random
import re
import unicodedata

import pytest

from papi_etl.schema import TaskStatus
from papi_etl.synth import texts

BANKS = [texts.DONE, texts.DOING, texts.DIFFICULTIES, texts.PROPOSALS]
LISTS = [texts.NOT_STARTED, texts.NOTHING_AROSE]
ALL_PHRASES = [p for bank in BANKS for ps in bank.values() for p in ps] + [
    p for ps in LISTS for p in ps
]
FILLERS = texts.words(
    random.Random(1), is_ward=True, khu_pho=8, to_dan_pho=120, consolidator="PNV", year=2019
)


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (2, "02"), (45, "45"), (1245, "1.245"), (300000, "300.000")]
)
def test_counts_are_written_as_officials_write_them(value, shown):
    assert texts.count(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(87.4, "87,4"), (3.0, "3"), (1234.5, "1.234,5"), (0.3, "0,3")]
)
def test_measures_use_a_decimal_comma(value, shown):
    assert texts.decimal(value) == shown


def test_every_phrase_is_nfc_and_fills_with_the_placeholders_words_gives():
    for phrase in ALL_PHRASES:
        assert unicodedata.is_normalized("NFC", phrase.text), phrase
        filled = texts.fill(phrase, FILLERS)
        assert "{" not in filled and "}" not in filled, phrase


def test_the_synthetic_mark_is_vietnamese_and_nfc():
    assert texts.SYNTHETIC_MARK == "[Dữ liệu mô phỏng]"
    assert unicodedata.is_normalized("NFC", texts.SYNTHETIC_MARK)


def test_phrases_for_wards_are_not_given_to_agencies():
    draw = random.Random(3)
    for dimension in (1, 2, 3, 4, 5, 6, None):
        for _ in range(50):
            phrase = texts.pick(draw, texts.DONE, dimension, is_ward=False)
            assert not phrase.wards_only


def test_a_row_with_figures_gets_a_phrase_without_counts_of_its_own():
    draw = random.Random(5)
    for dimension in (1, 2, 3, 4, 5, 6, None):
        for _ in range(30):
            phrase = texts.pick(draw, texts.DONE, dimension, is_ward=True, figures_given=True)
            assert not phrase.quantitative


EVIDENCE = re.compile(
    r"(Kế hoạch|Báo cáo|Quyết định|Thông báo|Công văn) số (\d+)/((KH|BC|QĐ|TB)-)?UBND "
    r"ngày (\d\d/\d\d/\d{4})"
)


def test_evidence_of_a_task_done_cites_numbered_documents_dated_in_the_span():
    first, last = dt.date(2018, 12, 15), dt.date(2019, 3, 2)
    draw = random.Random(7)
    for _ in range(200):
        evidence = texts.evidence(draw, TaskStatus.HOAN_THANH, "UBND", first, last)
        parts = evidence.split("; ")
        assert 1 <= len(parts) <= 2
        days = []
        for part in parts:
            match = EVIDENCE.fullmatch(part)
            assert match, part
            days.append(dt.datetime.strptime(match.group(5), "%d/%m/%Y").date())
        assert all(first <= day <= last for day in days)
        assert days == sorted(days)


def test_later_documents_bear_higher_numbers():
    draw = random.Random(11)
    kind = ("Báo cáo", "BC", 0.9)
    early = texts.document(draw, kind, "PNV", dt.date(2019, 1, 20))
    late = texts.document(draw, kind, "PNV", dt.date(2019, 10, 20))

    def number(reference):
        return int(re.search(r"số (\d+)/", reference).group(1))

    assert early.endswith("/BC-PNV ngày 20/01/2019")
    assert number(early) < number(late)


@pytest.mark.parametrize(
    ("status", "filled"),
    [
        (TaskStatus.HOAN_THANH, 1.0),
        (TaskStatus.CHUA_TRIEN_KHAI, 0.0),
        (TaskStatus.KHONG_PHAT_SINH, 0.0),
    ],
)
def test_only_tasks_done_always_have_evidence(status, filled):
    draw = random.Random(13)
    given = [
        bool(texts.evidence(draw, status, "UBND", dt.date(2019, 1, 1), dt.date(2019, 5, 1)))
        for _ in range(100)
    ]
    assert sum(given) / len(given) == filled
