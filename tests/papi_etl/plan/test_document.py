import dataclasses
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from papi_etl.plan.document import DocumentItem, fold, parse, read

REPO_ROOT = Path(__file__).resolve().parents[3]
SEED = REPO_ROOT / "plans" / "documents" / "ke-hoach-461-KH-UBND-binh-tan-2018.txt"


def _doc(body: str) -> str:
    """A minimal document: a section I to skip, then `body` (section II and/or III)."""
    return "I. MỤC ĐÍCH YÊU CẦU\n1. Mục đích\n- Không phải một nhiệm vụ.\n" + body


def _texts(items: list[DocumentItem], section: str) -> list[str]:
    return [i.text for i in items if i.section == section]


@pytest.fixture(scope="module")
def seed_items() -> list[DocumentItem]:
    return read(SEED)


def test_seed_counts_per_section(seed_items):
    counts = Counter(i.section for i in seed_items)
    assert [counts[f"II.{n}"] for n in range(1, 7)] == [12, 9, 5, 7, 5, 9]
    assert [counts[f"III.{n}"] for n in range(1, 7)] == [2, 1, 3, 1, 2, 1]
    assert len(seed_items) == 57
    for section in counts:
        ordinals = [i.ordinal for i in seed_items if i.section == section]
        assert ordinals == list(range(1, counts[section] + 1))


def test_seed_continuations_are_not_bullets(seed_items):
    ii1 = _texts(seed_items, "II.1")
    assert ii1[4].endswith("theo quy định của Pháp lệnh thực hiện dân chủ ở phường - xã, thị trấn.")
    assert _texts(seed_items, "III.5")[0].startswith(
        "Chủ trì, phối hợp Trung tâm Văn hóa - Thể dục Thể thao quận tổ chức tuyên truyền"
    )


def test_seed_bullet_without_full_stop_is_followed_by_a_new_bullet(seed_items):
    ii1 = _texts(seed_items, "II.1")
    assert ii1[8].endswith("Ban Giám sát đầu tư của cộng đồng tại phường")
    assert ii1[9].startswith("Phòng Tài nguyên và Môi trường quận triển khai")


def test_seed_section_iii_shapes(seed_items):
    iii = {i.section: i.text for i in seed_items if i.ordinal == 1}
    assert iii["III.2"].startswith("Tham mưu công tác kiểm soát thủ tục hành chính")
    assert "Chánh" not in iii["III.2"]
    assert iii["III.4"].startswith("Tham mưu tuyên truyền pháp luật")
    assert iii["III.6"].startswith("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam quận chủ trì")
    assert iii["III.6"].endswith("cải thiện chỉ số PAPI của quận.")
    # The reporting rule is an unbulleted paragraph of III.1's first bullet.
    assert iii["III.1"].endswith("(qua Phòng Nội vụ) để tổng hợp, báo cáo Ủy ban nhân dân quận.")


def test_seed_closing_text_and_recipients_are_not_items(seed_items):
    every = " ".join(i.text for i in seed_items)
    assert "Trong quá trình triển khai" not in every
    assert "Nơi nhận" not in every and "Lưu: VT" not in every


def test_seed_texts_are_folded_nfc_without_markers(seed_items):
    for item in seed_items:
        assert item.text == fold(item.text)
        assert unicodedata.is_normalized("NFC", item.text)
        assert not item.text.startswith(("- ", "-"))
        assert item.text[0].isupper()


def test_dash_line_starting_lowercase_continues_the_line_before():
    items = parse(
        _doc(
            "II. NHIỆM VỤ VÀ GIẢI\nPHÁP\n1. Đối với nội\ndung “A”\n"
            "- Ủy ban nhân dân phường công khai theo Pháp lệnh thực hiện dân chủ ở phường\n"
            "- xã, thị trấn.\n"
            "- Ủy ban nhân dân phường làm việc khác.\n"
        )
    )
    assert _texts(items, "II.1") == [
        "Ủy ban nhân dân phường công khai theo Pháp lệnh thực hiện dân chủ ở phường"
        " - xã, thị trấn.",
        "Ủy ban nhân dân phường làm việc khác.",
    ]


def test_dash_line_after_a_line_ending_inside_a_name_continues_the_name():
    items = parse(
        "III. TỔ CHỨC THỰC\nHIỆN\n5. Giao Trưởng\nphòng Văn hóa và Thông tin quận\n"
        "- Chủ trì, phối hợp Trung tâm Văn hóa\n"
        "- Thể dục Thể thao quận tổ chức tuyên truyền.\n"
        "- Thông tin về kết quả.\n"
    )
    assert _texts(items, "III.5") == [
        "Chủ trì, phối hợp Trung tâm Văn hóa - Thể dục Thể thao quận tổ chức tuyên truyền.",
        "Thông tin về kết quả.",
    ]


def test_bullet_without_full_stop_before_a_capitalised_bullet_ends_there():
    items = parse(
        _doc(
            "II. NHIỆM VỤ\n1. Đối với nội\ndung “A”\n"
            "- Phòng Tài chính - Kế hoạch quận phối\nhợp giám sát đầu tư của cộng\n"
            "đồng tại phường\n"
            "- Phòng Tài nguyên và Môi trường quận\ntriển khai tham vấn.\n"
        )
    )
    assert _texts(items, "II.1") == [
        "Phòng Tài chính - Kế hoạch quận phối hợp giám sát đầu tư của cộng đồng tại phường",
        "Phòng Tài nguyên và Môi trường quận triển khai tham vấn.",
    ]


def test_heading_first_word_is_not_taken_for_a_name():
    # "Mục đích": "Mục" is capitalised as the start of the heading, so the bullet is new.
    items = parse("II. NHIỆM VỤ\n1. Mục đích\n- Lấy sự hài lòng làm thước đo.\n")
    assert _texts(items, "II.1") == ["Lấy sự hài lòng làm thước đo."]


def test_unbulleted_paragraph_belongs_to_the_bullet_above():
    items = parse(
        _doc(
            "II. NHIỆM VỤ\n6. Đối với nội\ndung “B”\n"
            "- Đầu tư xây dựng trường chuẩn\nquốc gia và đạo đức.\n"
            "Quan tâm các chế độ giáo\nviên.\n"
            "- Phân kỳ nhựa hóa đường.\n"
        )
    )
    assert _texts(items, "II.6") == [
        "Đầu tư xây dựng trường chuẩn quốc gia và đạo đức. Quan tâm các chế độ giáo viên.",
        "Phân kỳ nhựa hóa đường.",
    ]


def test_section_iii_paragraph_parts_run_in_heading_and_closing_text():
    text = (
        "III. TỔ CHỨC THỰC\nHIỆN\n"
        "2. Giao Chánh\nVăn phòng Hội đồng nhân dân và Ủy ban nhân dân quận\n"
        "Tham mưu công tác kiểm soát thủ tục\nhành chính.\n"
        "6. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam quận\n"
        "chủ trì, phối hợp với các cơ quan\nchuyên môn của quận.\n"
        "Trong quá trình triển khai thực hiện\ncó vấn đề gì vướng mắc, đề nghị phản ánh./.\n"
        "Nơi nhận:\n- UBND Thành phố;\n- Lưu: VT.\n|\nCHỦ TỊCH\n"
    )
    items = parse(text)
    assert items == [
        DocumentItem("III.2", 1, "Tham mưu công tác kiểm soát thủ tục hành chính."),
        DocumentItem(
            "III.6",
            1,
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam quận chủ trì, phối hợp với các cơ quan "
            "chuyên môn của quận.",
        ),
    ]


def test_text_is_nfc_and_whitespace_folded():
    decomposed = unicodedata.normalize(
        "NFD", "II. NHIỆM VỤ\r\n1. Đối với nội\r\ndung “Công khai”\r\n"
    )
    body = "-   Ủy ban\tnhân dân   phường\r\n   công khai,  minh bạch.  \r\n\r\n"
    items = parse(decomposed + unicodedata.normalize("NFD", body))
    assert items == [DocumentItem("II.1", 1, "Ủy ban nhân dân phường công khai, minh bạch.")]
    assert unicodedata.is_normalized("NFC", items[0].text)


def test_fold():
    assert fold("  a\n\tb  c \u00a0d ") == "a b c d"
    assert fold(unicodedata.normalize("NFD", "Hòa")) == "Hòa"


def test_items_are_frozen():
    item = DocumentItem("II.1", 1, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.text = "y"  # type: ignore[misc]


def test_read_decodes_utf8(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("II. NHIỆM VỤ\n1. Đối với nội\ndung “A”\n- Thực hiện lịch.\n".encode())
    assert read(path) == [DocumentItem("II.1", 1, "Thực hiện lịch.")]
    assert read(str(path)) == read(path)


def test_text_outside_sections_ii_and_iii_gives_no_items():
    assert parse(_doc("")) == []
    assert parse("") == []
