"""The review report of an import: everything the importer is unsure of, and why.

Three kinds of entry, in the order a steward should read them:

* problem   something the document should give and the importer could not read (a body
            the dictionary does not hold, no reporting rule, no task list): the draft is
            incomplete there, and the import exits 1;
* inferred  a guess (a task whose text names no unit, a lead taken from a later clause, a
            city read from a mention): marked `inferred` in the plan where the schema has
            the flag, and listed here in every case;
* default   a value the plan file needs and no plan document gives (contacts, indicators,
            the flows' schedule, status weights, report spans).

Each entry says what (the plan's element), where in the document (a line, a paragraph, a
table row) and why, in Vietnamese for the stewards and in English for the operators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from papi_etl.plan.document import SourceLine


class Severity(StrEnum):
    PROBLEM = "problem"
    INFERRED = "inferred"
    DEFAULT = "default"


_LABEL_VI = {
    Severity.PROBLEM: "VẤN ĐỀ",
    Severity.INFERRED: "SUY LUẬN",
    Severity.DEFAULT: "MẶC ĐỊNH",
}


@dataclass(frozen=True)
class ReviewItem:
    severity: Severity
    subject: str  # the plan element: "D2.04", "calendar", "units", "document.signer"
    where_vi: str
    where_en: str
    message_vi: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "subject": self.subject,
            "where_vi": self.where_vi,
            "where_en": self.where_en,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }

    def lines(self) -> list[str]:
        """The entry for a terminal: Vietnamese first, then English."""
        place_vi = f" ({self.where_vi})" if self.where_vi else ""
        place_en = f" ({self.where_en})" if self.where_en else ""
        return [
            f"[{_LABEL_VI[self.severity]}] {self.subject}{place_vi}: {self.message_vi}",
            f"    [{self.severity.value}] {self.subject}{place_en}: {self.message_en}",
        ]


@dataclass
class Review:
    items: list[ReviewItem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        subject: str,
        message_vi: str,
        message_en: str,
        line: SourceLine | None = None,
    ) -> None:
        self.items.append(
            ReviewItem(
                severity,
                subject,
                line.where_vi if line else "",
                line.where_en if line else "",
                message_vi,
                message_en,
            )
        )

    def problem(
        self, subject: str, message_vi: str, message_en: str, line: SourceLine | None = None
    ) -> None:
        self.add(Severity.PROBLEM, subject, message_vi.strip(), message_en.strip(), line)

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.items if item.severity is severity)

    def ordered(self) -> list[ReviewItem]:
        rank = list(Severity)
        return sorted(self.items, key=lambda item: rank.index(item.severity))

    def markdown(self, title: str) -> str:
        """The report as a Markdown file kept beside the draft."""
        rows = [
            f"# {title}",
            "",
            f"{self.count(Severity.PROBLEM)} vấn đề / problems, "
            f"{self.count(Severity.INFERRED)} suy luận / inferred, "
            f"{self.count(Severity.DEFAULT)} mặc định / defaults.",
            "",
            "| loại / kind | mục / subject | vị trí / where | lý do | why |",
            "| --- | --- | --- | --- | --- |",
        ]
        for item in self.ordered():
            cells = [
                f"{_LABEL_VI[item.severity]} / {item.severity.value}",
                item.subject,
                item.where_vi,
                item.message_vi,
                item.message_en,
            ]
            rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(rows) + "\n"
