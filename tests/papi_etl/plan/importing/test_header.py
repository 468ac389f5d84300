"""The header of a plan document: issuer, number, place and date, title, signer."""

import datetime as dt

from papi_etl.plan.document import lines_of_text
from papi_etl.plan.importing.header import issuer_of, read, recase

HEAD = """UBND HUYỆN CỦ CHI
ỦY BAN NHÂN DÂN
XÃ TÂN PHÚ TRUNG
Số: 15/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tân Phú Trung, ngày 03 tháng 4 năm 2024
KẾ HOẠCH
CẢI THIỆN CHỈ SỐ PAPI NĂM 2024
Căn cứ Kế hoạch của Ủy ban nhân dân huyện Củ Chi về cải thiện Chỉ số PAPI năm 2024;"""
TAIL = """Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)
Phạm Văn Bảy"""


def test_the_header_of_a_commune_plan():
    head, tail = lines_of_text(HEAD), lines_of_text(TAIL)
    header = read(head, tail, head + tail)
    assert header.issuer.name == "Ủy ban nhân dân xã Tân Phú Trung"
    assert header.issuer.tier.tier == "commune"
    assert (header.number, header.place, header.date) == (
        "15/KH-UBND",
        "Tân Phú Trung",
        dt.date(2024, 4, 3),
    )
    assert header.title == "Kế hoạch cải thiện Chỉ số PAPI năm 2024"
    assert header.years == (2024, 2024)
    assert header.signer == "Phạm Văn Bảy"


def test_the_title_takes_the_case_the_body_gives_its_words():
    title, guessed = recase(
        "NÂNG CAO CHỈ SỐ PAPI CỦA TỈNH QUẢNG TRỊ NĂM 2024 VÀ ĐỊNH HƯỚNG",
        "Kế hoạch nâng cao Chỉ số PAPI của tỉnh Quảng Trị năm 2024 như sau",
    )
    assert title == "nâng cao Chỉ số PAPI của tỉnh Quảng Trị năm 2024 và định hướng"
    assert guessed == ["và", "định", "hướng"]


def test_a_centrally_run_city_is_of_the_province_tier():
    assert issuer_of("Ủy ban nhân dân thành phố Hồ Chí Minh").tier.tier == "province"
    assert issuer_of("Ủy ban nhân dân thành phố Thủ Đức").tier.tier == "district"
