"""The `calendar` and `orchestration` blocks of a draft plan, from its reporting rule.

`reporting_rule` reads what the document says; this fills in the rest and reports it: the
consolidated deadline when only the units' is given, the consolidating unit when no "qua
..." names it, the recipients, the span of the plan (from its date to the end of the last
year its title names), the span of each report (`draft_defaults.yaml`) and the flows'
schedule, derived from the deadlines.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from papi_etl.plan.importing import reporting_rule
from papi_etl.plan.importing.bodies import Stands
from papi_etl.plan.importing.draft_document import DocumentDraft, issue_date
from papi_etl.plan.importing.registry import Registry
from papi_etl.plan.importing.review import Review, Severity
from papi_etl.plan.importing.structure import Structure
from papi_etl.plan.importing.vocabulary import defaults, vocabulary


class CalendarDraft:
    def __init__(
        self,
        rule: reporting_rule.Reading,
        found: Structure,
        document: DocumentDraft,
        registry: Registry,
        review: Review,
    ) -> None:
        self.rule = rule
        self.found = found
        self.document = document
        self.header = document.header
        self.issuer = document.header.issuer.name
        self.registry = registry
        self.review = review

    def calendar(self) -> dict[str, Any]:
        """The plan file's `calendar` block."""
        rule = self.rule
        data = defaults()
        unit_rule = rule.unit_rule
        if unit_rule is None:
            fallback = data["fallback_calendar"]
            unit_day = fallback["unit_deadline_day"]
            kinds = [(k, k.month) for k in vocabulary().period_kinds if k.code in fallback["kinds"]]
            rule_text = "Chưa xác định: văn bản không nêu quy định báo cáo định kỳ."
            self.review.problem(
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
            self.review.problem(
                "calendar.consolidating_unit", f"{message_vi}.", "No consolidating unit."
            )
            return None
        self.review.problem(
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
                named = self.document.place_after(mention.level.word)
                if named is not None:
                    name = f"{name} {named[1]}"
            elif mention.stands is Stands.ISSUER:
                name = self.issuer
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
        return [self.issuer]

    def _validity(self, months: list[int], day: int) -> tuple[dt.date, dt.date]:
        """From the date of issue to the end of the last year the title names; a span that
        holds no consolidated deadline is stretched to the next year's end, and reported."""
        years = self.header.years
        start = issue_date(self.header)
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
            self.review.problem(
                "calendar.valid_until",
                f"Thời gian thực hiện (đến {until:%d/%m/%Y}) không có kỳ báo cáo nào sau ngày "
                f"ban hành {start:%d/%m/%Y}; tạm kéo dài đến {stretched:%d/%m/%Y}. Cần sửa.",
                f"The plan's span (until {until}) holds no report due after its date ({start}); "
                f"stretched to {stretched}.",
            )
            until = stretched
        return start, until

    def orchestration(self, calendar: dict[str, Any]) -> dict[str, Any]:
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
