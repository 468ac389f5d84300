"""The Vietnamese phrase bank of synthetic reports, and how numbers and documents are written.

Phrases are keyed by PAPI dimension number (None: the plan's section III assignments, and
dimensions without a bank of their own) and by task status, never by task code, so that any
plan following the PAPI dimensions gets fitting text. A phrase marked for wards speaks of
khu phố and tổ dân phố, which only a ward has. Numbers are written as Vietnamese officials
write them: "02" for a count under ten, "1.245" with a dot between thousands, "87,4" with a
decimal comma. Every result opens with SYNTHETIC_MARK, so that no reader takes the data for
a unit's real report.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from papi_etl.plan.model import Indicator, PeriodAggregation, ValueType
from papi_etl.schema import TaskStatus

SYNTHETIC_MARK = "[Dữ liệu mô phỏng]"


@dataclass(frozen=True)
class Phrase:
    text: str
    wards_only: bool = False

    @property
    def quantitative(self) -> bool:
        """True when the phrase states counts of its own, which may not sit beside real figures."""
        fields = {name for _, name, _, _ in string.Formatter().parse(self.text) if name}
        return bool(fields & QUANTITIES)


def _ward(text: str) -> Phrase:
    return Phrase(text, wards_only=True)


QUANTITIES = frozenset(
    {
        "n",
        "n2",
        "people",
        "received",
        "resolved",
        "pending",
        "docs",
        "few",
        "officials",
        "trainees",
        "households",
        "poor",
        "visitors",
        "procedures",
        "money",
        "part",
        "progress",
    }
)
"""Placeholders that are counts: a phrase with one is not used where indicator figures are."""

DONE: Mapping[int | None, Sequence[Phrase]] = {
    1: (
        Phrase(
            "Đã tổ chức {n} hội nghị phổ biến Pháp lệnh thực hiện dân chủ ở xã, phường, thị trấn "
            "với {people} lượt cán bộ và người dân tham dự."
        ),
        _ward(
            "Đã ban hành kế hoạch thực hiện và triển khai đến {kp} khu phố, {tdp} tổ dân phố; "
            "phương châm “Dân biết, dân bàn, dân làm, dân kiểm tra” được niêm yết tại {place}."
        ),
        Phrase(
            "Đã kiện toàn, bổ sung {few} thành viên Ban Thanh tra nhân dân, Ban Giám sát đầu tư "
            "của cộng đồng; danh sách được công khai tại {place}."
        ),
        Phrase(
            "Đã tổ chức {n} buổi sinh hoạt chuyên đề về công tác dân vận chính quyền cho "
            "{trainees} lượt cán bộ, công chức, viên chức."
        ),
        Phrase(
            "Đã công khai số điện thoại đường dây nóng, địa chỉ thư điện tử và ứng dụng trực "
            "tuyến tiếp nhận phản ánh tại {place}; mọi phản ánh đều được phân công xử lý và theo "
            "dõi đến khi có kết quả."
        ),
        _ward(
            "Đã vận động nhân dân đóng góp sửa chữa {few} tuyến hẻm với tổng kinh phí {money} "
            "triệu đồng; kết quả thu, chi được công khai tại {kp} khu phố."
        ),
    ),
    2: (
        Phrase(
            "Đã niêm yết công khai tại {place} và đăng tải trên trang thông tin điện tử của đơn "
            "vị; thời gian niêm yết 30 ngày theo quy định."
        ),
        _ward(
            "Đã công khai danh sách {poor} hộ nghèo, hộ cận nghèo và kết quả bình xét tại {place}; "
            "không nhận được ý kiến thắc mắc, khiếu nại."
        ),
        Phrase(
            "Đã rà soát {docs} văn bản quy phạm pháp luật, đề xuất bãi bỏ, thay thế {few} văn bản "
            "không còn phù hợp."
        ),
        Phrase(
            "Đã tổ chức {n} cuộc lấy ý kiến người dân với {people} lượt người tham gia; tiếp thu, "
            "giải trình {few} ý kiến góp ý."
        ),
        _ward(
            "Đã công khai dự toán, tình hình thực hiện dự toán ngân sách quý và quyết toán ngân "
            "sách năm {prev_year} tại {place}."
        ),
    ),
    3: (
        Phrase(
            "Đã tổ chức {n} hội nghị đối thoại với {people} lượt người dân tham dự; tiếp nhận "
            "{received} ý kiến, đã giải quyết {resolved} ý kiến."
        ),
        Phrase(
            "Lãnh đạo đơn vị tiếp công dân định kỳ theo lịch; đã tiếp {visitors} lượt công dân, "
            "hướng dẫn, giải quyết kịp thời các kiến nghị thuộc thẩm quyền."
        ),
        Phrase(
            "Đã tổ chức {n} lớp tập huấn kỹ năng giao tiếp, ứng xử cho {trainees} lượt cán bộ, "
            "công chức, viên chức."
        ),
        Phrase(
            "Đã ban hành quy chế thực hiện trách nhiệm giải trình tại đơn vị và niêm yết công "
            "khai tại {place}."
        ),
        _ward(
            "Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng đã thông báo kết quả hoạt "
            "động tại {n2} buổi sinh hoạt khu phố, tổ dân phố."
        ),
    ),
    4: (
        Phrase(
            "Đã ban hành kế hoạch phòng, chống tham nhũng năm {year}; tổ chức {n} cuộc kiểm tra "
            "nội bộ, chưa phát hiện trường hợp vi phạm."
        ),
        Phrase(
            "Đã chuyển đổi vị trí công tác đối với {officials} công chức, viên chức theo kế "
            "hoạch, bảo đảm đúng quy định."
        ),
        Phrase(
            "Đã công khai đường dây nóng, hộp thư góp ý tại {place}; các phản ánh tiếp nhận đều "
            "được xác minh, xử lý kịp thời."
        ),
        Phrase(
            "Đã rà soát chức năng, nhiệm vụ và phân công lại công việc cho {officials} bộ phận, "
            "khắc phục tình trạng chồng chéo."
        ),
        Phrase(
            "Đã công khai báo cáo kết quả công tác phòng, chống tham nhũng năm {prev_year} trên "
            "bảng tin và trang thông tin điện tử."
        ),
    ),
    5: (
        Phrase(
            "Bộ phận tiếp nhận và trả kết quả thực hiện đúng quy trình một cửa, một cửa liên "
            "thông; đã gửi thư xin lỗi đối với các hồ sơ giải quyết trễ hạn."
        ),
        Phrase(
            "Đã tổ chức khảo sát mức độ hài lòng của người dân, tổ chức bằng phiếu khảo sát và "
            "thiết bị đánh giá điện tử tại bộ phận một cửa."
        ),
        Phrase(
            "Đã rà soát {procedures} thủ tục hành chính, kiến nghị cắt giảm, đơn giản hóa {few} "
            "thủ tục."
        ),
        Phrase(
            "Đã niêm yết công khai đầy đủ thủ tục hành chính, phí, lệ phí và thời hạn trả kết quả "
            "tại {place}."
        ),
        Phrase(
            "Đã kiện toàn {officials} công chức làm việc tại bộ phận một cửa, bảo đảm đủ năng lực "
            "và tinh thông nghiệp vụ."
        ),
    ),
    6: (
        _ward(
            "Đã vận động {households} hộ gia đình tham gia bảo hiểm y tế hộ gia đình; phối hợp cấp "
            "thẻ bảo hiểm y tế cho hộ nghèo, cận nghèo đúng thời hạn."
        ),
        Phrase(
            "Đã phối hợp tổ chức {n} đợt ra quân tổng vệ sinh, thu gom rác tại các tuyến hẻm; vận "
            "động người dân phân loại rác tại nguồn."
        ),
        _ward(
            "Đã duy trì {n2} tổ dân phòng, tổ chức {n} buổi diễn tập phòng cháy, chữa cháy theo "
            "phương châm 4 tại chỗ."
        ),
        _ward(
            "Đã phối hợp tuần tra, kiểm soát, giữ vững an ninh, trật tự trên địa bàn; vận động "
            "người dân tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc."
        ),
        Phrase(
            "Đã triển khai các chương trình phối hợp trong công tác xây dựng nền quốc phòng toàn "
            "dân, an ninh nhân dân theo kế hoạch năm {year}."
        ),
        Phrase(
            "Đã cập nhật thông tin và trả lời câu hỏi, góp ý của người dân trên trang thông tin "
            "điện tử, bảo đảm đúng thời hạn."
        ),
    ),
    None: (
        Phrase(
            "Đã xây dựng kế hoạch thực hiện tại đơn vị và triển khai đến toàn thể cán bộ, công "
            "chức, viên chức."
        ),
        Phrase(
            "Đã lồng ghép nội dung vào chương trình công tác năm {year} của đơn vị và phân công cụ "
            "thể cho từng bộ phận."
        ),
        Phrase(
            "Đã báo cáo kết quả thực hiện định kỳ về Ủy ban nhân dân quận (qua {consolidator})."
        ),
        Phrase(
            "Đã tổ chức {n} hội nghị quán triệt, triển khai với {people} lượt cán bộ, công chức, "
            "viên chức tham dự."
        ),
        Phrase(
            "Đã tuyên truyền trên bảng tin và trang thông tin điện tử của đơn vị; đăng tải {n2} "
            "tin, bài."
        ),
        Phrase(
            "Đã triển khai đầy đủ các nội dung theo kế hoạch; kết quả được đăng tải trên trang "
            "thông tin điện tử của đơn vị."
        ),
        Phrase(
            "Đã quán triệt nội dung tại cuộc họp giao ban và phân công {officials} công chức theo "
            "dõi, tham mưu thực hiện."
        ),
        Phrase(
            "Đã hoàn thành các nội dung đề ra trong kỳ; tổ chức tự kiểm tra, đánh giá kết quả thực "
            "hiện."
        ),
    ),
}

DOING: Mapping[int | None, Sequence[Phrase]] = {
    1: (
        _ward(
            "Đang triển khai; đã tổ chức {n} buổi sinh hoạt tại các khu phố với {people} lượt "
            "người dân tham dự, tiếp tục tổ chức trong thời gian tới."
        ),
        Phrase(
            "Đang tiếp tục tuyên truyền qua bảng tin, hệ thống loa truyền thanh và trang thông "
            "tin điện tử của đơn vị; đã đăng tải {n2} tin, bài."
        ),
        _ward("Đang rà soát, kiện toàn nhân sự; đã hoàn thành tại {part} trên {kp} khu phố."),
    ),
    2: (
        Phrase(
            "Đang thực hiện công khai định kỳ; đã cập nhật {n2} nội dung trên bảng tin và trang "
            "thông tin điện tử của đơn vị."
        ),
        Phrase(
            "Đang rà soát văn bản; đã rà soát {docs} văn bản, chưa phát hiện văn bản trái quy định."
        ),
        Phrase("Đang tổng hợp ý kiến góp ý của người dân để tiếp thu, giải trình theo quy định."),
    ),
    3: (
        Phrase(
            "Đang tiếp tục thực hiện; còn {pending} đơn, kiến nghị đang được xem xét, giải quyết "
            "trong thời hạn luật định."
        ),
        Phrase("Đang duy trì lịch tiếp công dân định kỳ; đã tiếp {visitors} lượt công dân."),
        Phrase("Đang xây dựng kế hoạch tập huấn; dự kiến tổ chức trong quý tới."),
    ),
    4: (
        Phrase(
            "Đang triển khai kế hoạch kiểm tra công vụ; đã kiểm tra đột xuất {n} lượt tại bộ phận "
            "tiếp nhận và trả kết quả."
        ),
        Phrase(
            "Đang rà soát danh mục vị trí công tác phải định kỳ chuyển đổi để xây dựng kế hoạch "
            "năm {year}."
        ),
    ),
    5: (
        Phrase(
            "Đang đẩy mạnh hướng dẫn người dân nộp hồ sơ trực tuyến; bố trí cán bộ hỗ trợ tại bộ "
            "phận một cửa."
        ),
        Phrase("Đang tổng hợp kết quả khảo sát mức độ hài lòng để báo cáo trong kỳ tiếp theo."),
    ),
    6: (
        _ward(
            "Đang triển khai; tiếp tục vận động người dân tham gia bảo hiểm y tế và phân loại rác "
            "tại nguồn."
        ),
        Phrase("Đang phối hợp các đơn vị liên quan thực hiện theo kế hoạch năm {year}."),
    ),
    None: (
        Phrase(
            "Đang tiếp tục triển khai theo kế hoạch; kết quả sẽ được cập nhật trong kỳ báo cáo "
            "tiếp theo."
        ),
        Phrase(
            "Đang triển khai thực hiện; đã hoàn thành khoảng {progress}% khối lượng công việc theo "
            "kế hoạch."
        ),
        Phrase("Đang phối hợp với các đơn vị liên quan để thực hiện, bảo đảm tiến độ đề ra."),
        Phrase(
            "Đang triển khai các nội dung theo kế hoạch năm {year}; đã giao {officials} công chức "
            "theo dõi, tham mưu thực hiện."
        ),
        Phrase(
            "Đang triển khai; đã lồng ghép nội dung vào các cuộc họp giao ban định kỳ của đơn vị."
        ),
        Phrase("Đang thực hiện thường xuyên, liên tục theo chức năng, nhiệm vụ của đơn vị."),
    ),
}

DETAILS: Sequence[Phrase] = (
    Phrase(
        "Định kỳ hàng tháng, lãnh đạo đơn vị nghe báo cáo tiến độ và chỉ đạo tháo gỡ vướng mắc."
    ),
    Phrase("Đã tổ chức {n} cuộc họp giao ban để đôn đốc, kiểm tra tiến độ thực hiện."),
    _ward(
        "Lồng ghép tuyên truyền tại {n2} buổi sinh hoạt khu phố, tổ dân phố với {people} lượt "
        "người dân tham dự."
    ),
    Phrase("Kết quả được đăng tải trên trang thông tin điện tử và bảng tin của đơn vị."),
    Phrase("Đơn vị tiếp tục theo dõi, đôn đốc thực hiện trong kỳ tiếp theo."),
    Phrase("Đã đăng {n2} tin, bài tuyên truyền qua trang mạng xã hội và nhóm Zalo của đơn vị."),
    Phrase("Việc thực hiện được đưa vào tiêu chí đánh giá, xếp loại công chức cuối năm."),
)
"""A second sentence a result may carry after its opening phrase."""

NOT_STARTED: Sequence[Phrase] = (
    Phrase("Chưa triển khai do đang chờ hướng dẫn của cơ quan cấp trên."),
    Phrase("Chưa triển khai; dự kiến thực hiện trong quý tới."),
    Phrase("Chưa triển khai do chưa bố trí được kinh phí thực hiện."),
    Phrase(
        "Chưa triển khai do tập trung nhân lực cho các nhiệm vụ trọng tâm trong kỳ; sẽ thực hiện "
        "trong quý tới."
    ),
)

NOTHING_AROSE: Sequence[Phrase] = (
    Phrase("Từ đầu năm đến nay không phát sinh vụ việc thuộc nội dung này."),
    Phrase(
        "Không phát sinh trong kỳ báo cáo; đơn vị tiếp tục theo dõi, sẵn sàng xử lý khi có phát "
        "sinh."
    ),
    Phrase("Trong kỳ không phát sinh trường hợp phải xử lý."),
)

DIFFICULTIES: Mapping[int | None, Sequence[Phrase]] = {
    1: (
        _ward(
            "Một số khu phố có địa bàn rộng, dân cư đông, nhiều người lao động nhập cư nên việc "
            "tổ chức họp dân gặp khó khăn."
        ),
    ),
    3: (Phrase("Một số đơn thư có nội dung phức tạp, kéo dài, phải xác minh nhiều lần."),),
    5: (
        Phrase("Phần mềm một cửa điện tử đôi lúc gặp sự cố, ảnh hưởng việc tiếp nhận hồ sơ."),
        Phrase("Tỷ lệ người dân nộp hồ sơ trực tuyến còn thấp do chưa quen sử dụng."),
    ),
    6: (
        _ward(
            "Biến động dân cư lớn, nhiều người lao động tạm trú nên khó vận động tham gia bảo "
            "hiểm y tế."
        ),
    ),
    None: (
        Phrase("Biên chế còn mỏng, cán bộ phụ trách phải kiêm nhiệm nhiều việc."),
        Phrase("Kinh phí thực hiện còn hạn chế."),
        Phrase("Một bộ phận người dân chưa quan tâm, tham gia chưa đầy đủ."),
        Phrase("Văn bản hướng dẫn của cấp trên ban hành chậm, ảnh hưởng tiến độ thực hiện."),
    ),
}

PROPOSALS: Mapping[int | None, Sequence[Phrase]] = {
    3: (
        Phrase(
            "Đề nghị các cơ quan chuyên môn của quận phối hợp chặt chẽ hơn trong xác minh, giải "
            "quyết đơn thư."
        ),
    ),
    5: (Phrase("Đề nghị nâng cấp đường truyền và phần mềm một cửa điện tử."),),
    None: (
        Phrase("Đề nghị Ủy ban nhân dân quận tổ chức tập huấn chuyên sâu cho cán bộ phụ trách."),
        Phrase(
            "Đề nghị {consolidator} hướng dẫn thống nhất biểu mẫu và cách tính số liệu báo cáo."
        ),
        Phrase("Đề nghị bổ sung kinh phí để tổ chức các hoạt động tuyên truyền."),
    ),
}

NOT_A_NUMBER: Sequence[str] = ("nhiều", "đang tổng hợp", "chưa thống kê")
"""What officials type in a value cell when they have no figure: validation must catch it."""

# Document kinds a unit cites as evidence: name, type abbreviation in the number (a công văn
# has none: "số 123/UBND") and about how many of them a unit issues per day of the year.
_DOCUMENTS = (
    ("Kế hoạch", "KH", 0.35),
    ("Báo cáo", "BC", 0.9),
    ("Quyết định", "QĐ", 1.2),
    ("Thông báo", "TB", 0.4),
    ("Công văn", "", 2.5),
)
_PLAN_DOCUMENT, _REPORT_DOCUMENT, _LETTER = _DOCUMENTS[0], _DOCUMENTS[1], _DOCUMENTS[-1]


def count(value: float) -> str:
    """A count as officials write it: "0", "02", "45", "1.245"."""
    whole = int(value)
    return f"{whole:02d}" if 0 < whole < 10 else f"{whole:,}".replace(",", ".")


def decimal(value: float) -> str:
    """A measure with one decimal and a decimal comma: "87,4", "3"."""
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.removesuffix(",0")


def lower_first(text: str) -> str:
    """A name inside a sentence: "Số cuộc ..." becomes "số cuộc ..."; "PAPI" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def pick(
    draw: random.Random,
    bank: Mapping[int | None, Sequence[Phrase]],
    dimension: int | None,
    *,
    is_ward: bool,
    figures_given: bool = False,
) -> Phrase:
    """A phrase of the dimension (or a generic one) that fits the unit.

    Where the row already states the unit's indicator figures, phrases with counts of their
    own are avoided so that the text cannot contradict the figures.
    """
    phrases = (*bank.get(dimension, ()), *bank[None])
    return pick_from(draw, phrases, is_ward=is_ward, figures_given=figures_given)


def pick_from(
    draw: random.Random, phrases: Sequence[Phrase], *, is_ward: bool, figures_given: bool = False
) -> Phrase:
    """A phrase of the list that fits the unit (see `pick`)."""
    candidates = [p for p in phrases if is_ward or not p.wards_only]
    if figures_given:
        candidates = [p for p in candidates if not p.quantitative] or candidates
    return draw.choice(candidates)


def fill(phrase: Phrase, values: Mapping[str, object]) -> str:
    """The phrase with its placeholders filled from `words`."""
    return phrase.text.format_map(values)


def since_new_year(text: str, year: int) -> str:
    """A "Đã ..." sentence opened as many reports open it: "Từ đầu năm 2019 đến nay, đã ..."."""
    return f"Từ đầu năm {year} đến nay, {lower_first(text)}" if text.startswith("Đã ") else text


def words(
    draw: random.Random,
    *,
    is_ward: bool,
    khu_pho: int,
    to_dan_pho: int,
    consolidator: str,
    year: int,
) -> dict[str, str]:
    """A value for every placeholder of the bank, mutually coherent (resolved <= received,
    part of the khu phố < all of them). `khu_pho` and `to_dan_pho` are the ward's own, the
    same in all its rows; `consolidator` is the unit that consolidates the reports."""
    received = draw.randint(6, 45)
    return {
        "n": count(draw.randint(1, 6)),
        "n2": count(draw.randint(4, 24)),
        "people": count(draw.randint(60, 350)),
        "received": count(received),
        "resolved": count(received - draw.randint(0, min(4, received))),
        "pending": count(draw.randint(1, 5)),
        "docs": count(draw.randint(12, 80)),
        "few": count(draw.randint(1, 5)),
        "officials": count(draw.randint(2, 6)),
        "trainees": count(draw.randint(40, 250)),
        "households": count(draw.randint(150, 900)),
        "poor": count(draw.randint(60, 380)),
        "visitors": count(draw.randint(20, 160)),
        "procedures": count(draw.randint(8, 40)),
        "money": count(draw.randint(40, 850)),
        "progress": str(draw.choice(range(30, 85, 5))),
        "part": count(draw.randint(1, max(1, khu_pho - 1))),
        "kp": count(khu_pho),
        "tdp": count(to_dan_pho),
        "place": place(is_ward, khu_pho),
        "consolidator": consolidator,
        "year": str(year),
        "prev_year": str(year - 1),
    }


def document(draw: random.Random, kind: tuple[str, str, float], issuer: str, day: dt.date) -> str:
    """A reference such as "Báo cáo số 45/BC-UBND ngày 05/03/2019".

    Numbers run through the year, as a unit's register does: a report of March bears a
    higher number than one of January.
    """
    name, abbreviation, per_day = kind
    elapsed = (day - dt.date(day.year, 1, 1)).days
    number = 1 + int(elapsed * per_day * draw.uniform(0.8, 1.2))
    symbol = f"{abbreviation}-{issuer}" if abbreviation else issuer
    return f"{name} số {number:02d}/{symbol} ngày {day:%d/%m/%Y}"


def evidence(
    draw: random.Random,
    status: TaskStatus,
    issuer: str,
    first: dt.date,
    last: dt.date,
) -> str:
    """Evidence for a task row: for a task done, a plan then a report or one decisive document;
    for a task under way, sometimes the plan or a letter; otherwise nothing.

    Every date lies in [first, last].
    """
    days = max((last - first).days, 0)

    def day() -> dt.date:
        return first + dt.timedelta(days=draw.randint(0, days))

    if status is TaskStatus.HOAN_THANH:
        if draw.random() < 0.45:
            planned, reported = sorted((day(), day()))
            return "; ".join(
                (
                    document(draw, _PLAN_DOCUMENT, issuer, planned),
                    document(draw, _REPORT_DOCUMENT, issuer, reported),
                )
            )
        return document(draw, draw.choice(_DOCUMENTS), issuer, day())
    if status is TaskStatus.DANG_TRIEN_KHAI and draw.random() < 0.5:
        return document(draw, draw.choice((_PLAN_DOCUMENT, _LETTER)), issuer, day())
    return ""


def place(is_ward: bool, khu_pho: int) -> str:
    """Where a unit posts what it makes public."""
    if is_ward:
        return f"trụ sở Ủy ban nhân dân phường và {count(khu_pho)} khu phố"
    return "trụ sở đơn vị"


def amount(indicator: Indicator, value: float) -> str:
    """A value with its unit of measure: "12 cuộc", "87,4%", "3,2 km"."""
    number = count(value) if indicator.value_type is ValueType.COUNT else decimal(value)
    measure = indicator.unit_of_measure
    return f"{number}{measure}" if measure == "%" else f"{number} {measure}"


def figures(
    reported: Sequence[tuple[Indicator, float]],
    shares: Sequence[tuple[Indicator, float]],
    until: dt.date,
) -> str:
    """The unit's figures for a task, as a sentence of its result (empty when none).

    Figures still at zero are left out: "0 cuộc" says nothing a result should.
    """
    items = [f"{lower_first(x.name_vi)}: {amount(x, v)}" for x, v in reported if v]
    items += [f"{lower_first(x.name_vi)}: {decimal(v)}%" for x, v in shares]
    if not items:
        return ""
    return f"Số liệu đến ngày {until:%d/%m/%Y}: {'; '.join(items)}."


def note(draw: random.Random, indicator: Indicator, starts: dt.date, ends: dt.date) -> str:
    """An indicator's note: always the synthetic mark, sometimes what the figure covers."""
    if draw.random() < 0.6:
        return SYNTHETIC_MARK
    if indicator.aggregate_periods is PeriodAggregation.SNAPSHOT:
        return f"{SYNTHETIC_MARK} Số liệu tại thời điểm ngày {ends:%d/%m/%Y}."
    return f"{SYNTHETIC_MARK} Số liệu lũy kế từ ngày {starts:%d/%m/%Y} đến ngày {ends:%d/%m/%Y}."
