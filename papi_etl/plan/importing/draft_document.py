"""The `document` block of a draft plan: the header's fields, the province, the plan's id.

What the header does not give is reported: a missing number, date or title is a problem (a
placeholder stands in, so that the draft still passes the check), a title whose capitals
hid the case of some words is a guess, and the province of a district's or a commune's plan
is read from the first "thành phố ..." or "tỉnh ..." the text names.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from papi_etl.plan.document import SourceLine
from papi_etl.plan.importing.header import Header
from papi_etl.plan.importing.review import Review, Severity
from papi_etl.plan.importing.vocabulary import defaults, searchable

PLACEHOLDER_VI = "Chưa xác định"


def issue_date(header: Header) -> dt.date:
    """The date of issue; without one, 1 January of the first year the title names, or
    today (reported as a problem by `DocumentDraft.fields`)."""
    if header.date is not None:
        return header.date
    if header.years is not None:
        return dt.date(header.years[0], 1, 1)
    return dt.datetime.now(ZoneInfo(defaults()["timezone"])).date()


class DocumentDraft:
    def __init__(self, header: Header, lines: list[SourceLine], review: Review) -> None:
        assert header.issuer is not None
        self.header = header
        self.tier = header.issuer.tier
        self.lines = lines
        self.review = review

    def fields(self) -> dict[str, Any]:
        """The plan file's `document` block."""
        found = self.header
        issuer = found.issuer
        assert issuer is not None
        if found.number is None:
            self.review.problem(
                "document.number",
                "Không tìm thấy số, ký hiệu văn bản (“Số: .../KH-UBND”).",
                "No document number ('Số: .../KH-UBND') found.",
            )
        date = issue_date(found)
        if found.date is None:
            self.review.problem(
                "document.date",
                "Không tìm thấy ngày ban hành (“..., ngày DD tháng MM năm YYYY”); tạm ghi ngày "
                f"{date:%d/%m/%Y}, cần sửa (ngày này cũng là ngày bắt đầu hiệu lực của lịch "
                "báo cáo).",
                f"No date of issue found; {date} stands in for it (it also starts the "
                "calendar's validity).",
                found.date_line,
            )
        title = found.title
        if title is None:
            title = f"Kế hoạch số {found.number or PLACEHOLDER_VI}"
            self.review.problem(
                "document.title",
                "Không tìm thấy tên văn bản (dòng “KẾ HOẠCH” và tên kế hoạch viết hoa).",
                "No title found (the line 'KẾ HOẠCH' and the title in capitals).",
            )
        elif found.title_guessed:
            self.review.add(
                Severity.INFERRED,
                "document.title",
                "Tên kế hoạch viết hoa trong văn bản; chữ hoa, chữ thường của các từ "
                f"“{', '.join(found.title_guessed)}” là suy đoán (phần thân văn bản không có).",
                "The title is in capitals; the case of the words "
                f"'{', '.join(found.title_guessed)}' is a guess (the body does not use them).",
                found.title_line,
            )
        if found.signer is None:
            self.review.add(
                Severity.DEFAULT,
                "document.signer",
                "Không tìm thấy họ tên người ký ở cuối văn bản; để trống.",
                "No signer's name found at the end of the document; left empty.",
            )
        document = {
            "number": found.number or PLACEHOLDER_VI,
            "title": title,
            "issuer": issuer.name,
            "district": self.tier.place,
            "city": self.city(),
            "date": date.isoformat(),
        }
        if found.place:
            document["place"] = found.place
        if found.signer:
            document["signer"] = found.signer
        return document

    def city(self) -> str:
        """The province or centrally-run city and its place name: the issuer itself for a
        province's plan, else the first one the text names ("thành phố Hồ Chí Minh")."""
        if self.tier.tier == "province":
            return _province_name(self.tier.level_word, self.tier.place)
        found = [
            f for f in (self.place_after("thành phố"), self.place_after("tỉnh")) if f is not None
        ]
        if found:
            word, place, line, index = min(found, key=lambda f: f[3])
            self.review.add(
                Severity.INFERRED,
                "document.city",
                f"Văn bản không ghi rõ tỉnh, thành phố của {self.header.issuer.name}; "
                f"lấy theo “{word} {place}” nêu trong văn bản.",
                "The document does not state the province of the issuer; taken from "
                f"'{word} {place}' in the text.",
                line,
            )
            return _province_name(word, place)
        self.review.problem(
            "document.city",
            "Không xác định được tỉnh, thành phố của kế hoạch; ghi “Chưa xác định”, cần sửa.",
            "The plan's province or city could not be found; 'Chưa xác định' stands in.",
        )
        return PLACEHOLDER_VI

    def place_after(self, word: str) -> tuple[str, str, SourceLine, int] | None:
        """The first place the text names after a level word ("huyện Củ Chi"), other than
        the issuer's: the word, the place, its line and the line's index."""
        wanted = searchable(word).split()
        for index, line in enumerate(self.lines):
            tokens = line.text.split()
            keys = [searchable(token) for token in tokens]
            for at in range(len(tokens) - len(wanted)):
                if keys[at : at + len(wanted)] != wanted:
                    continue
                place = []
                for token in tokens[at + len(wanted) : at + len(wanted) + 4]:
                    bare = token.rstrip(",;.:)”")
                    if not bare[:1].isupper():
                        break
                    place.append(bare)
                    if bare != token:
                        break
                name = " ".join(place)
                if len(place) >= 2 and name != self.tier.place:
                    return word, name, line, index
        return None

    def plan_id(self) -> str:
        """ "binh-tan-461-2018": the issuer's place, the document's number and year."""
        number = re.sub(r"\W", "", (self.header.number or "").split("/")[0])
        year = self.header.date.year if self.header.date else ""
        place = "-".join(
            re.sub(r"[^a-z0-9]", "", w) for w in _plain(self.tier.place).lower().split()
        )
        return "-".join(part for part in (place or "ke-hoach", number, str(year)) if part)


def _province_name(word: str, place: str) -> str:
    """ "Thành phố Hồ Chí Minh" (a city's name is written capitalised), "tỉnh Quảng Trị"."""
    return f"Thành phố {place}" if word == "thành phố" else f"{word} {place}"


def _plain(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
