"""Who leads and who coordinates a task, from its sentence."""

import pytest

from papi_etl.plan.importing.bodies import Tier
from papi_etl.plan.importing.roles import analyse

DISTRICT = Tier("district", "Bình Tân", "quận")


@pytest.mark.parametrize(
    ("text", "lead", "coordinating"),
    [
        (
            "Thanh tra quận tiếp tục hướng dẫn các cơ quan chuyên môn, đơn vị sự nghiệp, Ủy ban "
            "nhân dân phường thực hiện Nghị định số 159/2016/NĐ-CP.",
            ["thanh_tra@district"],
            [],
        ),
        (
            "Phòng Tư pháp quận triển khai, phối hợp với các cơ quan chuyên môn hướng dẫn Ủy ban "
            "nhân dân phường thực hiện quyền tiếp cận thông tin của người dân.",
            ["phong_tu_phap@district"],
            ["group:agencies"],
        ),
        (
            "Phòng Tư pháp quận chủ trì phối hợp với Phòng Nội vụ quận hướng dẫn tập huấn; "
            "Thanh tra quận phối hợp Ủy ban Mặt trận Tổ quốc Việt Nam quận hướng dẫn, bồi dưỡng "
            "thành viên Ban thanh tra nhân dân, Phòng Tài chính - Kế hoạch quận phối hợp với Ủy "
            "ban Mặt trận Tổ quốc Việt Nam quận hướng dẫn nội dung tập huấn.",
            ["phong_tu_phap@district", "thanh_tra@district", "phong_tai_chinh_ke_hoach@district"],
            ["phong_noi_vu@district", "mttq@district"],
        ),
        (
            "Phát huy vai trò giám sát của Hội đồng nhân dân, Ủy ban Mặt trận Tổ quốc Việt Nam, "
            "tổ chức chính trị - xã hội quận, phường và nhân dân.",
            [],
            [],
        ),
    ],
)
def test_roles_follow_the_sentence(text, lead, coordinating):
    roles = analyse(text, DISTRICT)
    assert [m.key for m in roles.lead] == lead
    assert [m.key for m in roles.coordinating] == coordinating


def test_a_request_is_told_from_an_assignment():
    roles = analyse(
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam quận chủ trì, phối hợp với các cơ quan chuyên "
        "môn, Ủy ban nhân dân 10 phường triển khai thực hiện.",
        DISTRICT,
    )
    assert roles.requested and roles.opens_with_subject
    assert [m.key for m in roles.coordinating] == ["group:agencies", "group:wards"]


def test_a_lead_from_a_later_sentence_is_not_the_opening_subject():
    roles = analyse(
        "Thực hiện lịch tiếp công dân định kỳ. Ủy ban nhân dân phường tổ chức đối thoại.", DISTRICT
    )
    assert [m.key for m in roles.lead] == ["group:wards"]
    assert not roles.opens_with_subject


def test_an_unknown_subject_is_kept_for_the_report():
    roles = analyse("Phòng Xúc tiến Thương mại quận chủ trì tổ chức hội nghị.", DISTRICT)
    assert roles.lead == []
    assert [m.surface for m in roles.unknown] == ["Phòng Xúc tiến Thương mại quận"]
