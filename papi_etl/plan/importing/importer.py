"""From a plan document to a draft plan file's data and its review report.

The steps, each in its module: read the lines (`reading`), undo the layout into blocks
(`papi_etl.plan.document`), read the header (`header`), find the dimensions, tasks and
assignments (`structure`) and who leads and coordinates each (`roles`, `bodies`), the
legal documents each cites (`citations`), the reporting calendar (`reporting_rule`); then
fill in what no document says from `draft_defaults.yaml`. Every guess and default goes
into the review report (`review`), and the draft is checked by the same loader as
`papi-etl plan check` before anyone sees it.

Tasks whose text names no unit are given, marked inferred, to the bodies the plan charges
with carrying it out as a whole (the first part of "Tổ chức thực hiện": "Giao Thủ trưởng
các cơ quan chuyên môn, đơn vị sự nghiệp, Chủ tịch Ủy ban nhân dân 10 phường"); their
reporting units are their lead units, as the plan's own reporting rule asks.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from papi_etl.errors import PlanDocumentError
from papi_etl.plan.document import BlockKind, SourceLine, blocks, split_closing
from papi_etl.plan.importing import citations, header, reading, reporting_rule, structure
from papi_etl.plan.importing.bodies import Mention, Stands
from papi_etl.plan.importing.registry import Registry
from papi_etl.plan.importing.review import Review, Severity
from papi_etl.plan.importing.structure import FoundTask
from papi_etl.plan.importing.vocabulary import defaults, searchable, vocabulary

PLACEHOLDER_VI = "Chưa xác định"

_WHY_NOT_A_UNIT = {
    Stands.ISSUER: (
        "là chính cơ quan ban hành kế hoạch",
        "is the plan's own issuer",
    ),
    Stands.AUTHORITY: (
        "là cơ quan cấp trên, không báo cáo theo kế hoạch này",
        "is a body above the plan, which does not report to it",
    ),
    Stands.OUTSIDE: (
        "là cơ quan ở cấp khác, không báo cáo theo kế hoạch này",
        "is a body of another tier, which does not report to this plan",
    ),
    Stands.VAGUE: (
        "không nêu cụ thể cơ quan, đơn vị nào",
        "names no body in particular",
    ),
    Stands.OTHER: (
        "không phải đơn vị báo cáo (ban, tổ chức cộng đồng, chức danh hoặc cơ quan trung ương)",
        "is no reporting unit (a community board, a person's title or a central body)",
    ),
}
_ROLE_VI = {"lead": "chủ trì", "coordinating": "phối hợp"}


@dataclass(frozen=True)
class ImportResult:
    """The draft plan (None when nothing usable came out) and the review report."""

    plan: dict[str, Any] | None
    review: Review

    @property
    def exit_code(self) -> int:
        """0 imported, 1 imported with problems to fix, 2 nothing usable."""
        if self.plan is None:
            return 2
        return 1 if self.review.count(Severity.PROBLEM) else 0


def import_document(path: Path) -> ImportResult:
    """Read the plan document at `path` (plain text or DOCX) into a draft plan."""
    review = Review()
    try:
        lines = reading.read(path)
    except PlanDocumentError as error:
        review.add(Severity.PROBLEM, "document", error.message_vi or "", error.message_en)
        return ImportResult(None, review)
    return ImportResult(_Import(lines, review).run(), review)


def _index(lines: list[SourceLine], line: SourceLine) -> int:
    return next(i for i, candidate in enumerate(lines) if candidate is line)


class _Import:
    def __init__(self, lines: list[SourceLine], review: Review) -> None:
        self.lines = lines
        self.review = review

    def nothing(
        self, subject: str, message_vi: str, message_en: str, line: SourceLine | None = None
    ) -> None:
        self.review.add(Severity.PROBLEM, subject, message_vi.strip(), message_en.strip(), line)

    def run(self) -> dict[str, Any] | None:
        every = blocks(self.lines)
        body, tail = split_closing(every)
        start = next((i for i, b in enumerate(body) if b.kind is BlockKind.SECTION), None)
        if start is None:
            start = next((i for i, b in enumerate(body) if b.kind is BlockKind.PART), len(body))
        head_end = _index(self.lines, body[start].line) if start < len(body) else len(self.lines)
        tail_start = _index(self.lines, tail[0].line) if tail else len(self.lines)
        self.header = header.read(self.lines[:head_end], self.lines[tail_start:], self.lines)
        if self.header.issuer is None:
            self.nothing(
                "document.issuer",
                "Không tìm thấy cơ quan ban hành (“ỦY BAN NHÂN DÂN <cấp> <TÊN>”) ở đầu văn bản: "
                "không xác định được kế hoạch của cấp nào, nên không nhập được.",
                "No issuing People's Committee ('ỦY BAN NHÂN DÂN <tier> <NAME>') in the "
                "document's header: whose plan it is cannot be told, nothing was imported.",
            )
            return None
        self.tier = self.header.issuer.tier
        self.registry = Registry(self.tier)
        self.unassigned: list[dict[str, Any]] = []
        self.city = self._city()[0]
        self.found = structure.read(body[start:], self.tier)
        if not self.found.dimensions:
            self.nothing(
                "dimensions",
                "Không tìm thấy đề mục nào nêu một nội dung của Chỉ số PAPI (“Đối với nội dung "
                "...”); văn bản không phải kế hoạch nhiệm vụ theo các nội dung PAPI hoặc thiếu "
                f"danh sách nhiệm vụ. {self._stray_note()}",
                "No heading names a PAPI dimension ('Đối với nội dung ...'): the document is "
                "no plan of tasks by PAPI dimension, or its task list is missing. "
                f"{self._stray_note_en()}",
            )
            return None
        self.rule = reporting_rule.read(self._rule_sources(), self.tier)
        dimensions = self._dimensions()
        assignments = [
            self._task(f"T{self._implementation_number()}.{n:02d}", task)
            for n, task in enumerate(self.found.assignments, 1)
        ]
        calendar = self._calendar()
        units = self.registry.unit_list()
        if calendar["consolidating_unit"] is not None:
            self._assign_to_consolidating(calendar["consolidating_unit"])
        if not units or calendar["consolidating_unit"] is None:
            self.nothing(
                "units",
                "Văn bản không nêu đơn vị cụ thể nào (chỉ nêu chung các nhóm): không lập được "
                "danh sách đơn vị của kế hoạch.",
                "The document names no unit in particular (only groups): the plan's units "
                "cannot be listed.",
            )
            return None
        self._review_defaults()
        document = self._document()
        numbers = [d["number"] for d in dimensions]
        return {
            "id": self._plan_id(),
            "version": defaults()["version"],
            "papi_dimensions": 8 if max(numbers) > 6 else 6,
            "document": document,
            "units": units,
            "groups": self.registry.group_list(),
            "dimensions": dimensions,
            "assignments": assignments,
            "indicators": [],
            "calendar": calendar,
            "orchestration": self._orchestration(calendar),
            "status_weights": dict(defaults()["status_weights"]),
        }

    # --- the document -------------------------------------------------------------------

    def _document(self) -> dict[str, Any]:
        found = self.header
        issuer = found.issuer
        assert issuer is not None
        if found.number is None:
            self.nothing(
                "document.number",
                "Không tìm thấy số, ký hiệu văn bản (“Số: .../KH-UBND”).",
                "No document number ('Số: .../KH-UBND') found.",
            )
        date = self._date()
        if found.date is None:
            self.nothing(
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
            self.nothing(
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
            "city": self.city,
            "date": date.isoformat(),
        }
        if found.signer:
            document["signer"] = found.signer
        return document

    def _city(self) -> tuple[str, str | None]:
        """The province or centrally-run city and its place name: the issuer itself for a
        province's plan, else the first one the text names ("thành phố Hồ Chí Minh")."""
        if self.tier.tier == "province":
            return _province_name(self.tier.level_word, self.tier.place), self.tier.place
        found = [f for f in (self._place_after("thành phố"), self._place_after("tỉnh")) if f]
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
            return _province_name(word, place), place
        self.nothing(
            "document.city",
            "Không xác định được tỉnh, thành phố của kế hoạch; ghi “Chưa xác định”, cần sửa.",
            "The plan's province or city could not be found; 'Chưa xác định' stands in.",
        )
        return PLACEHOLDER_VI, None

    def _place_after(self, word: str) -> tuple[str, str, SourceLine, int] | None:
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

    def _plan_id(self) -> str:
        """ "binh-tan-461-2018": the issuer's place, the document's number and year."""
        number = re.sub(r"\W", "", (self.header.number or "").split("/")[0])
        year = self.header.date.year if self.header.date else ""
        place = "-".join(
            re.sub(r"[^a-z0-9]", "", w) for w in _plain(self.tier.place).lower().split()
        )
        return "-".join(part for part in (place or "ke-hoach", number, str(year)) if part)

    # --- dimensions and tasks -----------------------------------------------------------

    def _dimensions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for dimension in self.found.dimensions:
            number = dimension.dimension.number
            tasks = [
                self._task(f"D{number}.{n:02d}", task) for n, task in enumerate(dimension.tasks, 1)
            ]
            if not tasks:
                self.nothing(
                    f"D{number}",
                    f"Không tìm thấy nhiệm vụ nào dưới nội dung “{dimension.dimension.name_vi}”.",
                    f"No task found under the dimension '{dimension.dimension.name_en}'.",
                    dimension.line,
                )
            found.append(
                {
                    "code": f"D{number}",
                    "number": number,
                    "name_vi": dimension.dimension.name_vi,
                    "name_en": dimension.dimension.name_en,
                    "tasks": tasks,
                }
            )
        numbers = {d["number"] for d in found}
        expected = range(1, (8 if max(numbers) > 6 else 6) + 1)
        missing = [n for n in expected if n not in numbers]
        if missing:
            self.nothing(
                "dimensions",
                f"Không tìm thấy đề mục của nội dung PAPI số {', '.join(map(str, missing))}; "
                "kế hoạch chỉ có các nội dung đã tìm thấy.",
                f"No heading of PAPI dimension(s) {', '.join(map(str, missing))}; the draft "
                "has only the dimensions found.",
            )
        for line, dimension in self.found.duplicate:
            self.review.add(
                Severity.INFERRED,
                f"D{dimension.number}",
                f"Nội dung “{dimension.name_vi}” có đề mục lần thứ hai; nhiệm vụ được gộp vào "
                "nội dung đã có.",
                f"A second heading of '{dimension.name_en}'; its tasks join the first.",
                line,
            )
        for line, text in self.found.stray:
            self.nothing(
                "tasks",
                f"Mục “{_short(text)}” không nằm dưới nội dung PAPI nào: không nhập.",
                f"The item '{_short(text)}' stands under no PAPI dimension: not imported.",
                line,
            )
        for line, text in self.found.unread_cells:
            self.nothing(
                "units",
                f"Ô đơn vị có phần “{text}” không nhận ra là cơ quan, đơn vị nào: không gán.",
                f"A unit cell holds '{text}', which is no body the dictionary knows: not used.",
                line,
            )
        return found

    def _general(self) -> tuple[list[Mention], str, str]:
        """The bodies that take a task whose text names none, and how the note says so."""
        general = [m for m in self.found.general if m.stands.assignable]
        if general:
            where = self.found.general_line.where_vi if self.found.general_line else ""
            return (
                general,
                f"các đơn vị được giao tổ chức thực hiện kế hoạch ({where})",
                "the bodies charged with carrying out the whole plan",
            )
        if self.rule.consolidating is not None:
            return (
                [self.rule.consolidating],
                "đơn vị tổng hợp kết quả thực hiện kế hoạch",
                "the unit that consolidates the plan's results",
            )
        return [], "", ""

    def _task(self, code: str, found: FoundTask) -> dict[str, Any]:
        roles = found.roles
        notes_vi: list[str] = []
        notes_en: list[str] = []
        lead = list(roles.lead)
        requested = roles.requested
        if found.heading is not None and not roles.opens_with_subject and found.heading.lead:
            lead = list(found.heading.lead)
            requested = requested or found.heading.requested
        elif lead and not roles.opens_with_subject and not found.from_table:
            notes_vi.append(
                "Câu đầu của nhiệm vụ không nêu đơn vị thực hiện; đơn vị chủ trì lấy theo câu "
                f"sau ({self.registry.labels(self.registry.refs(lead))}), cần rà soát phần việc "
                "của câu đầu."
            )
            notes_en.append(
                "The task's first clause names no unit; the lead is taken from a later clause."
            )
        unassigned = False
        if not lead:
            general, how_vi, how_en = self._general()
            lead = general
            unassigned = not lead
            names = self.registry.labels(self.registry.refs(lead)) or "{consolidating}"
            notes_vi.append(
                "Văn bản không nêu đơn vị thực hiện nhiệm vụ này; tạm giao cho "
                f"{how_vi or 'đơn vị tổng hợp báo cáo'}: {names}. Cần giao đơn vị cụ thể."
            )
            notes_en.append(
                f"The text names no unit; given to {how_en or 'the consolidating unit'} until a "
                "steward decides."
            )
        if requested:
            names = self.registry.labels(self.registry.refs(lead))
            notes_vi.append(
                f"Văn bản “đề nghị” (không giao) {names} chủ trì: đơn vị không trực thuộc "
                "Ủy ban nhân dân; ghi là đơn vị báo cáo để tổng hợp kết quả, trên tinh thần "
                "phối hợp, không phải nghĩa vụ."
            )
            notes_en.append(
                "The plan asks ('đề nghị'), not assigns, its lead: a body outside the People's "
                "Committee; it reports by agreement, not duty."
            )
        lead_codes = self.registry.refs(lead)
        coordinating = [m for m in roles.coordinating if self.registry.ref(m) not in lead_codes]
        task: dict[str, Any] = {
            "code": code,
            "section": found.section,
            "text": found.text,
            "lead_units": lead_codes,
            "coordinating_units": self.registry.refs(coordinating),
            "reporting_units": lead_codes,
        }
        if notes_vi:
            task["inferred"] = True
            task["inference_note"] = " ".join(notes_vi)
            if unassigned:  # given to the consolidating unit, once the calendar names it
                self.unassigned.append(task)
            else:
                self.review.add(
                    Severity.INFERRED, code, " ".join(notes_vi), " ".join(notes_en), found.line
                )
        references, doubts = citations.read(found.text, self.tier)
        if references:
            task["legal_references"] = [
                ref.model_dump(mode="json", exclude_none=True) for ref in references
            ]
        if found.timeframe:
            task["timeframe"] = found.timeframe
        self._review_roles(code, found)
        for doubt in doubts:
            severity = Severity.PROBLEM if "không ghi" in doubt.message_vi else Severity.INFERRED
            self.review.add(
                severity,
                code,
                f"{doubt.message_vi} (“{doubt.citation}”)",
                f"{doubt.message_en} ('{doubt.citation}')",
                found.line,
            )
        return task

    def _assign_to_consolidating(self, code: str) -> None:
        """Tasks no text and no general assignment gives to anyone: the consolidating unit
        holds them until a steward decides (the schema wants a lead for every task)."""
        for task in self.unassigned:
            task["lead_units"] = task["reporting_units"] = [code]
            note = task["inference_note"].replace("{consolidating}", self.registry.label(code))
            task["inference_note"] = note
            self.review.add(
                Severity.INFERRED,
                task["code"],
                note,
                "The text names no unit and the plan gives no general assignment: the "
                "consolidating unit holds the task until a steward decides.",
            )

    def _review_roles(self, code: str, found: FoundTask) -> None:
        for role, mention in found.roles.unassignable:
            why_vi, why_en = _WHY_NOT_A_UNIT[mention.stands]
            self.review.add(
                Severity.INFERRED,
                code,
                f"“{mention.surface}” được nêu ở vị trí đơn vị {_ROLE_VI[role]} nhưng {why_vi}: "
                "không ghi vào nhiệm vụ.",
                f"'{mention.surface}' stands as a {role} body but {why_en}: left out.",
                found.line,
            )
        for mention in found.roles.unknown:
            self.nothing(
                code,
                f"Không nhận ra cơ quan, đơn vị “{mention.surface}” (không có trong danh mục "
                "cơ quan, đơn vị hành chính của công cụ nhập): không gán cho nhiệm vụ. Nếu là "
                "đơn vị của kế hoạch, bổ sung vào administrative_bodies.yaml rồi nhập lại.",
                f"Unknown body '{mention.surface}' (not in the dictionary of administrative "
                "bodies): not assigned. Add it to administrative_bodies.yaml if it is a unit "
                "of the plan, and import again.",
                found.line,
            )

    def _stray_note(self) -> str:
        return (
            f"Có {len(self.found.stray)} mục không thuộc nội dung nào." if self.found.stray else ""
        )

    def _stray_note_en(self) -> str:
        return (
            f"{len(self.found.stray)} items stand under no dimension." if self.found.stray else ""
        )

    def _implementation_number(self) -> int:
        return structure.arabic(self.found.implementation_section) or 0

    # --- the calendar -------------------------------------------------------------------

    def _rule_sources(self) -> list[reporting_rule.Source]:
        tasks = list(self.found.assignments) or [
            task for dimension in self.found.dimensions for task in dimension.tasks
        ]
        sources = []
        for task in tasks:
            lead = task.roles.lead
            if task.heading is not None and not task.roles.opens_with_subject:
                lead = task.heading.lead or lead
            sources.append(reporting_rule.Source(task.text, task.line, tuple(lead)))
        return sources

    def _calendar(self) -> dict[str, Any]:
        rule = self.rule
        data = defaults()
        unit_rule = rule.unit_rule
        if unit_rule is None:
            fallback = data["fallback_calendar"]
            unit_day = fallback["unit_deadline_day"]
            kinds = [(k, k.month) for k in vocabulary().period_kinds if k.code in fallback["kinds"]]
            rule_text = "Chưa xác định: văn bản không nêu quy định báo cáo định kỳ."
            self.nothing(
                "calendar",
                "Không tìm thấy quy định báo cáo định kỳ (“Định kỳ hàng quý, 6 tháng ... trước "
                f"ngày ... của tháng ...”); tạm dùng lịch mặc định: trước ngày {unit_day} các "
                f"tháng {', '.join(str(m) for _, m in kinds)}. Cần sửa theo văn bản.",
                "No periodic reporting rule found; a default calendar stands in.",
            )
        else:
            unit_day = unit_rule.day
            kinds = rule.kinds
            rule_text = unit_rule.sentence
            if rule.kinds_guessed:
                self.review.add(
                    Severity.INFERRED,
                    "calendar.period_kinds",
                    f"Quy định báo cáo nêu {len(unit_rule.kinds)} loại kỳ báo cáo nhưng "
                    f"{len(unit_rule.months)} tháng; ghép theo tháng thông thường của từng kỳ: "
                    + ", ".join(f"{k.code} tháng {m}" for k, m in kinds)
                    + ".",
                    "The rule names a different number of report kinds and months; each kind "
                    "was given its usual month.",
                    unit_rule.source.line,
                )
        consolidated_day = self._consolidated_day(unit_day)
        consolidating = self._consolidating()
        recipients = self._recipients()
        valid_from, valid_until = self._validity([month for _, month in kinds], consolidated_day)
        span_start = data["span_start"]
        kinds_data = []
        for kind, month in kinds:
            end = _day_before(month, unit_day)
            kinds_data.append(
                {
                    "code": kind.code,
                    "label_vi": kind.label_vi,
                    "label_en": kind.label_en,
                    "deadline_month": month,
                    "span_start": dict(span_start),
                    "span_end": end,
                }
            )
        self.review.add(
            Severity.DEFAULT,
            "calendar.period_kinds",
            "Văn bản không nêu khoảng thời gian số liệu của mỗi kỳ báo cáo: mặc định lũy kế từ "
            "ngày 15 tháng 12 năm trước đến hết ngày liền trước hạn nộp của đơn vị.",
            "The document gives no data span per report: year-to-date from 15 December of the "
            "previous year to the day before the units' deadline, by default.",
        )
        return {
            "timezone": data["timezone"],
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "unit_deadline_day": unit_day,
            "consolidated_deadline_day": consolidated_day,
            "consolidating_unit": consolidating,
            "recipients": recipients,
            "rule_text": rule_text,
            "span_note": " ".join(data["span_note"].split()),
            "period_kinds": kinds_data,
        }

    def _consolidated_day(self, unit_day: int) -> int:
        rule = self.rule
        consolidated = rule.consolidated_rule
        if consolidated is None or consolidated.day > 28:
            day = min(28, unit_day + defaults()["consolidated_after_days"])
            self.review.add(
                Severity.DEFAULT,
                "calendar.consolidated_deadline_day",
                "Văn bản không nêu hạn báo cáo tổng hợp; mặc định ngày "
                f"{day} (sau hạn nộp của đơn vị {day - unit_day} ngày).",
                f"The document gives no consolidated deadline; day {day} by default.",
            )
            return day
        if set(consolidated.months) != set(m for _, m in rule.kinds):
            self.review.add(
                Severity.INFERRED,
                "calendar.consolidated_deadline_day",
                f"Quy định báo cáo tổng hợp (trước ngày {consolidated.day}) nêu các tháng "
                f"{', '.join(map(str, consolidated.months))}, khác các tháng đơn vị báo cáo; "
                "chỉ lấy ngày làm hạn tổng hợp cho các tháng của đơn vị.",
                "The consolidated rule names other months than the units' rule; only its "
                "day is used.",
                consolidated.source.line,
            )
        elif consolidated.kinds and reporting_rule.pair(consolidated)[1]:
            self.review.add(
                Severity.INFERRED,
                "calendar.consolidated_deadline_day",
                f"Quy định báo cáo tổng hợp nêu {len(consolidated.kinds)} loại kỳ nhưng "
                f"{len(consolidated.months)} tháng (giống các tháng đơn vị báo cáo); chỉ lấy "
                f"ngày {consolidated.day} làm hạn tổng hợp.",
                "The consolidated rule names fewer report kinds than months (the units' "
                f"months); only its day ({consolidated.day}) is used.",
                consolidated.source.line,
            )
        return consolidated.day

    def _consolidating(self) -> str | None:
        rule = self.rule
        if rule.consolidating is not None:
            return self.registry.ref(rule.consolidating)
        candidates = [m for m in self.found.general if m.stands is Stands.UNIT]
        candidates += [
            m
            for task in self.found.assignments
            for m in (task.heading.lead if task.heading else task.roles.lead)
            if m.stands is Stands.UNIT
        ]
        message_vi = "Không xác định được đơn vị tổng hợp báo cáo (“qua Phòng ...”)"
        if candidates:
            code = self.registry.ref(candidates[0])
            how_vi = "đơn vị đầu tiên được giao ở mục tổ chức thực hiện"
        elif self.registry.unit_list():
            code = self.registry.unit_list()[0]["code"]
            how_vi = "đơn vị đầu tiên của danh sách đơn vị"
        else:
            self.nothing("calendar.consolidating_unit", f"{message_vi}.", "No consolidating unit.")
            return None
        self.nothing(
            "calendar.consolidating_unit",
            f"{message_vi}; tạm ghi {self.registry.label(code)}, {how_vi}. Cần sửa.",
            "No consolidating unit found; another unit of the plan stands in until a steward "
            "decides.",
        )
        return code

    def _recipients(self) -> list[str]:
        """The bodies the consolidated report goes to, named in full ("Sở Nội vụ Thành phố"
        with the name the text gives the city: "thành phố Hồ Chí Minh")."""
        found = []
        for mention in self.rule.recipients:
            name = mention.surface
            if mention.stands is Stands.AUTHORITY and mention.place is None and mention.level:
                named = self._place_after(mention.level.word)
                if named is not None:
                    name = f"{name} {named[1]}"
            elif mention.stands is Stands.ISSUER:
                name = self.header.issuer.name
            if name not in found:
                found.append(name)
        if found:
            return found
        self.review.add(
            Severity.DEFAULT,
            "calendar.recipients",
            "Văn bản không nêu nơi nhận báo cáo tổng hợp; mặc định là cơ quan ban hành.",
            "The document names no recipient of the consolidated report; the issuer stands in.",
        )
        return [self.header.issuer.name]

    def _validity(self, months: list[int], day: int) -> tuple[dt.date, dt.date]:
        """From the date of issue to the end of the last year the title names; a span that
        holds no consolidated deadline is stretched to the next year's end, and reported."""
        years = self.header.years
        start = self._date()
        if years is not None:
            until = dt.date(years[1], 12, 31)
        else:
            until = dt.date(start.year, 12, 31)
            self.review.add(
                Severity.INFERRED,
                "calendar.valid_until",
                f"Tên kế hoạch không nêu năm thực hiện; tạm lấy hết năm {start.year} (năm ban "
                "hành).",
                f"The title names no years; the plan is taken to run until the end of "
                f"{start.year}.",
                self.header.title_line,
            )
        deadlines = [
            dt.date(year, month, day)
            for year in range(start.year, max(until.year, start.year) + 1)
            for month in months
        ]
        if until < start or not any(start <= d <= until for d in deadlines):
            stretched = dt.date(start.year + 1, 12, 31)
            self.nothing(
                "calendar.valid_until",
                f"Thời gian thực hiện (đến {until:%d/%m/%Y}) không có kỳ báo cáo nào sau ngày "
                f"ban hành {start:%d/%m/%Y}; tạm kéo dài đến {stretched:%d/%m/%Y}. Cần sửa.",
                f"The plan's span (until {until}) holds no report due after its date ({start}); "
                f"stretched to {stretched}.",
            )
            until = stretched
        return start, until

    def _date(self) -> dt.date:
        """The date of issue; without one, 1 January of the first year the title names, or
        today (reported as a problem where the document's date is read)."""
        if self.header.date is not None:
            return self.header.date
        if self.header.years is not None:
            return dt.date(self.header.years[0], 1, 1)
        return dt.datetime.now(ZoneInfo(defaults()["timezone"])).date()

    def _orchestration(self, calendar: dict[str, Any]) -> dict[str, Any]:
        jobs = defaults()["orchestration"]
        unit_day = calendar["unit_deadline_day"]
        final_day = calendar["consolidated_deadline_day"]
        reminders = sorted(
            {unit_day - d for d in jobs["remind_days_before_deadline"] if unit_day - d >= 1}
        ) or [max(1, unit_day - 1)]
        return {
            "collect_from_day": jobs["collect_from_day"],
            "collect_every_hours": jobs["collect_every_hours"],
            "remind_days": reminders,
            "remind_at": jobs["remind_at"],
            "overdue_at": jobs["overdue_at"],
            "consolidate_day": unit_day,
            "consolidate_at": jobs["consolidate_at"],
            "publish_day": max(
                unit_day, final_day - jobs["publish_days_before_consolidated_deadline"]
            ),
            "publish_at": jobs["publish_at"],
        }

    # --- what no document says ----------------------------------------------------------

    def _review_defaults(self) -> None:
        add = self.review.add
        add(
            Severity.DEFAULT,
            "units.contact",
            "Văn bản không có địa chỉ liên hệ của đơn vị: điền thư điện tử (và người liên hệ) "
            "của từng đơn vị trước khi bật nhắc nhở.",
            "No unit has a contact: fill in each unit's e-mail before reminders are switched on.",
        )
        add(
            Severity.DEFAULT,
            "indicators",
            "Văn bản không liệt kê chỉ tiêu đo lường: kế hoạch nháp chưa có chỉ tiêu nào; bổ sung "
            "chỉ tiêu cho các nhiệm vụ cần số liệu.",
            "The document lists no indicators: the draft has none; add them.",
        )
        add(
            Severity.DEFAULT,
            "orchestration",
            "Lịch chạy thu thập, nhắc nhở, tổng hợp và gửi báo cáo lấy theo mặc định, tính từ "
            "các hạn báo cáo.",
            "The flows' schedule is the default one, derived from the deadlines.",
        )
        add(
            Severity.DEFAULT,
            "status_weights",
            "Trọng số tình trạng nhiệm vụ trong chỉ số thực hiện lấy theo mặc định "
            "(chưa triển khai 0; đang triển khai 0,5; hoàn thành 1).",
            "The task-status weights of the implementation index are the defaults (0, 0.5, 1).",
        )
        add(
            Severity.DEFAULT,
            "reporting_units",
            "Đơn vị báo cáo của mỗi nhiệm vụ là đơn vị chủ trì (quy định báo cáo định kỳ của kế "
            "hoạch); đơn vị phối hợp không báo cáo riêng.",
            "Each task's reporting units are its lead units; coordinating units do not report.",
        )
        local = [g for g in self.registry.group_list() if g["kinds"] == ["ward"]]
        if local and "ward" not in self.registry.kinds_present():
            for group in local:
                count = self.registry.counts.get(group["code"])
                how_many = f"{count} " if count else ""
                add(
                    Severity.DEFAULT,
                    f"groups.{group['code']}",
                    f"Văn bản nêu “{group['name']}” nhưng không nêu tên từng đơn vị: bổ sung "
                    f"{how_many}đơn vị (kind: ward) vào danh sách đơn vị để các đơn vị này nhận "
                    "mẫu báo cáo.",
                    f"The document names '{group['name']}' but not each of them: add the "
                    f"{how_many}units (kind: ward) so that they get report templates.",
                )


def _province_name(word: str, place: str) -> str:
    """ "Thành phố Hồ Chí Minh" (a city's name is written capitalised), "tỉnh Quảng Trị"."""
    return f"Thành phố {place}" if word == "thành phố" else f"{word} {place}"


def _plain(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _day_before(month: int, day: int) -> dict[str, int]:
    """The last day a report due before `day` of `month` can cover."""
    if day > 1:
        return {"month": month, "day": day - 1}
    previous = 12 if month == 1 else month - 1
    last = (dt.date(2021, previous % 12 + 1, 1) - dt.timedelta(days=1)).day
    end = {"month": previous, "day": last}
    if month == 1:
        end["year_offset"] = -1
    return end
