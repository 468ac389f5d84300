"""The legal documents a task cites, as structured data, and the doubts about them."""

import datetime as dt

from papi_etl.plan.importing.bodies import Tier
from papi_etl.plan.importing.citations import read

DISTRICT = Tier("district", "Bình Tân", "quận")


def test_a_full_citation():
    (reference,), doubts = read(
        "thực hiện Quyết định số 619/QĐ-TTg ngày 08 tháng 05 năm 2017 của Thủ tướng Chính phủ "
        "ban hành quy định",
        DISTRICT,
    )
    assert reference.model_dump(exclude_none=True) == {
        "kind": "Quyết định",
        "number": "619/QĐ-TTg",
        "date": dt.date(2017, 5, 8),
        "issuer": "Thủ tướng Chính phủ",
    }
    assert doubts == []


def test_a_list_of_citations_and_a_law_by_name():
    references, _ = read(
        "Thực hiện Nghị định số 158/2007/NĐ-CP ngày 27 tháng 10 năm 2007, Nghị định số "
        "150/2013/NĐ-CP ngày 01 tháng 11 năm 2013 của Chính phủ; Điều 125 Luật Tổ chức chính "
        "quyền địa phương.",
        DISTRICT,
    )
    assert [(r.kind, r.number or r.name, r.issuer, r.article) for r in references] == [
        ("Nghị định", "158/2007/NĐ-CP", None, None),
        ("Nghị định", "150/2013/NĐ-CP", "Chính phủ", None),
        ("Luật", "Luật Tổ chức chính quyền địa phương", None, "Điều 125"),
    ]


def test_a_kind_that_its_symbol_contradicts_is_doubted():
    (reference,), (doubt,) = read(
        "theo Chỉ thị số 12/2020/NĐ-CP ngày 02 tháng 3 năm 2020", DISTRICT
    )
    assert reference.kind == "Chỉ thị"
    assert "không khớp" in doubt.message_vi


def test_an_impossible_date_and_an_unlisted_law_are_reported():
    references, doubts = read(
        "theo Thông tư số 01/2021/TT-BNV ngày 31 tháng 02 năm 2021 và Luật Hải quan.", DISTRICT
    )
    assert [(r.number, r.date) for r in references] == [("01/2021/TT-BNV", None)]
    assert len(doubts) == 2
    assert "Luật Hải quan" in doubts[1].citation
