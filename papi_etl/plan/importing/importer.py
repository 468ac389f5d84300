"""From a plan document to a draft plan file's data and its review report.

The steps, each in its module: read the lines (`reading`), undo the layout into blocks
(`papi_etl.plan.document`), read the header (`header`), find the dimensions, tasks and
assignments (`structure`) and who leads and coordinates each (`roles`, `bodies`), the
legal documents each cites (`citations`), the reporting calendar (`reporting_rule`); then
fill in what no document says from `draft_defaults.yaml` (`draft_document`,
`draft_calendar`). Every guess and default goes into the review report (`review`), and the
draft is checked by the same loader as `papi-etl plan check` before anyone sees it.

Tasks whose text names no unit are given, marked inferred, to the bodies the plan charges
with carrying it out as a whole (the first part of "Tổ chức thực hiện": "Giao Thủ trưởng
các cơ quan chuyên môn, đơn vị sự nghiệp, Chủ tịch Ủy ban nhân dân 10 phường"); their
reporting units are their lead units, as the plan's own reporting rule asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papi_etl.errors import PlanDocumentError
from papi_etl.plan.document import BlockKind, SourceLine, blocks, split_closing
from papi_etl.plan.importing import citations, header, reading, reporting_rule, structure
from papi_etl.plan.importing.bodies import Mention, Stands
from papi_etl.plan.importing.draft_calendar import CalendarDraft
from papi_etl.plan.importing.draft_document import DocumentDraft
from papi_etl.plan.importing.registry import Registry
from papi_etl.plan.importing.review import Review, Severity
from papi_etl.plan.importing.structure import FoundTask
from papi_etl.plan.importing.vocabulary import defaults

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
            self.review.problem(
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
        self.document = DocumentDraft(self.header, self.lines, self.review)
        document = self.document.fields()
        self.found = structure.read(body[start:], self.tier)
        if not self.found.dimensions:
            stray = len(self.found.stray)
            self.review.problem(
                "dimensions",
                "Không tìm thấy đề mục nào nêu một nội dung của Chỉ số PAPI (“Đối với nội dung "
                "...”); văn bản không phải kế hoạch nhiệm vụ theo các nội dung PAPI hoặc thiếu "
                f"danh sách nhiệm vụ ({stray} mục không thuộc nội dung nào).",
                "No heading names a PAPI dimension ('Đối với nội dung ...'): the document is "
                f"no plan of tasks by PAPI dimension, or its task list is missing ({stray} "
                "items stand under no dimension).",
            )
            return None
        self.rule = reporting_rule.read(self._rule_sources(), self.tier)
        dimensions = self._dimensions()
        assignments = [
            self._task(f"T{self._implementation_number()}.{n:02d}", task)
            for n, task in enumerate(self.found.assignments, 1)
        ]
        dates = CalendarDraft(self.rule, self.found, self.document, self.registry, self.review)
        calendar = dates.calendar()
        units = self.registry.unit_list()
        if calendar["consolidating_unit"] is not None:
            self._assign_to_consolidating(calendar["consolidating_unit"])
        if not units or calendar["consolidating_unit"] is None:
            self.review.problem(
                "units",
                "Văn bản không nêu đơn vị cụ thể nào (chỉ nêu chung các nhóm): không lập được "
                "danh sách đơn vị của kế hoạch.",
                "The document names no unit in particular (only groups): the plan's units "
                "cannot be listed.",
            )
            return None
        self._review_defaults()
        numbers = [d["number"] for d in dimensions]
        return {
            "id": self.document.plan_id(),
            "version": defaults()["version"],
            "papi_dimensions": 8 if max(numbers) > 6 else 6,
            "document": document,
            "units": units,
            "groups": self.registry.group_list(),
            "dimensions": dimensions,
            "assignments": assignments,
            "indicators": [],
            "calendar": calendar,
            "orchestration": dates.orchestration(calendar),
            "status_weights": dict(defaults()["status_weights"]),
        }

    def _dimensions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for dimension in self.found.dimensions:
            number = dimension.dimension.number
            tasks = [
                self._task(f"D{number}.{n:02d}", task) for n, task in enumerate(dimension.tasks, 1)
            ]
            if not tasks:
                self.review.problem(
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
            self.review.problem(
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
            self.review.problem(
                "tasks",
                f"Mục “{_short(text)}” không nằm dưới nội dung PAPI nào: không nhập.",
                f"The item '{_short(text)}' stands under no PAPI dimension: not imported.",
                line,
            )
        for line, text in self.found.unread_cells:
            self.review.problem(
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
            self.review.problem(
                code,
                f"Không nhận ra cơ quan, đơn vị “{mention.surface}” (không có trong danh mục "
                "cơ quan, đơn vị hành chính của công cụ nhập): không gán cho nhiệm vụ. Nếu là "
                "đơn vị của kế hoạch, bổ sung vào administrative_bodies.yaml rồi nhập lại.",
                f"Unknown body '{mention.surface}' (not in the dictionary of administrative "
                "bodies): not assigned. Add it to administrative_bodies.yaml if it is a unit "
                "of the plan, and import again.",
                found.line,
            )

    def _implementation_number(self) -> int:
        return structure.arabic(self.found.implementation_section) or 0

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


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."
