"""Recognising administrative bodies against the dictionary, by what they stand for."""

import pytest

from papi_etl.plan.importing.bodies import Stands, Tier, find

DISTRICT = Tier("district", "Bình Tân", "quận")
PROVINCE = Tier("province", "Quảng Trị", "tỉnh")
COMMUNE = Tier("commune", "Tân Thông Hội", "xã")


def _found(text: str, plan: Tier = DISTRICT) -> list[tuple[str, Stands]]:
    return [(m.key, m.stands) for m in find(text, plan)]


@pytest.mark.parametrize(
    ("text", "plan", "expected"),
    [
        ("Phòng Nội vụ quận chủ trì", DISTRICT, [("phong_noi_vu@district", Stands.UNIT)]),
        ("Giao Trưởng phòng Nội vụ quận", DISTRICT, [("phong_noi_vu@district", Stands.UNIT)]),
        (
            "Chủ tịch Ủy ban nhân dân 10 phường căn cứ",
            DISTRICT,
            [("group:wards", Stands.LOCAL_GROUP)],
        ),
        ("Uỷ ban nhân dân phường An Lạc A", DISTRICT, [("local:an lạc a", Stands.LOCAL_UNIT)]),
        ("báo cáo Ủy ban nhân dân quận", DISTRICT, [("ubnd@district", Stands.ISSUER)]),
        ("báo cáo Sở Nội vụ Thành phố", DISTRICT, [("so_noi_vu@province", Stands.AUTHORITY)]),
        ("Sở Nội vụ", PROVINCE, [("so_noi_vu@province", Stands.UNIT)]),
        (
            "phối hợp Ủy ban Mặt trận Tổ quốc Việt Nam phường",
            DISTRICT,
            [("mttq@commune", Stands.OUTSIDE)],
        ),
        (
            "Ủy ban nhân dân các huyện, thị xã, thành phố",
            PROVINCE,
            [("group:districts", Stands.LOCAL_GROUP)],
        ),
        ("các đơn vị sự nghiệp thuộc quận", DISTRICT, [("group:service_units", Stands.GROUP)]),
        ("các cơ quan, đơn vị liên quan", DISTRICT, [("related_bodies@district", Stands.VAGUE)]),
        ("Ban Thanh tra nhân dân", DISTRICT, [("ban_thanh_tra_nhan_dan@district", Stands.OTHER)]),
        ("của Thủ tướng Chính phủ", DISTRICT, [("chinh_phu@national", Stands.AUTHORITY)]),
        ("Công chức Tư pháp - Hộ tịch", COMMUNE, [("cong_chuc_tu_phap@commune", Stands.UNIT)]),
        ("Công an xã", COMMUNE, [("cong_an@commune", Stands.UNIT)]),
    ],
)
def test_a_body_stands_for_what_its_tier_makes_it(text, plan, expected):
    assert _found(text, plan) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tăng cường công tác kiểm tra, thanh tra việc thực hiện",  # a verb, not Thanh tra
        "quy định chi tiết một số điều của Luật Thanh tra về tổ chức",  # a law's name
        "phối hợp với công an trong công tác phòng cháy",  # no level: not Công an quận
    ],
)
def test_a_name_that_is_also_a_common_word_counts_only_with_its_level(text):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Phòng Kinh tế - Kỹ thuật quận chủ trì", "Phòng Kinh tế - Kỹ thuật quận"),
        ("Phòng Nội vụ Lao động quận thực hiện", "Phòng Nội vụ Lao động quận"),
    ],
)
def test_a_longer_name_is_unknown_never_the_nearest_entry(text, surface):
    found = find(text, DISTRICT)
    assert [(m.surface, m.stands) for m in found] == [(surface, Stands.UNKNOWN)]


def test_a_level_after_the_name_is_part_of_the_mention():
    (mention,) = find("Thủ trưởng các cơ quan chuyên môn, đơn vị sự nghiệp thuộc quận", DISTRICT)[
        1:
    ]
    assert (mention.surface, mention.level_text) == ("đơn vị sự nghiệp thuộc quận", "thuộc quận")
