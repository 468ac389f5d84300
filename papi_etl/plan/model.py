"""The schema of a plan file (`plans/*.yaml`).

The plan is data: units, dimensions, tasks, indicators and the reporting calendar of one
district plan. These models check the shape and the values of each field; the rules that
span several parts of the file (a task naming an unknown unit, a duplicate code, an
indicator tied to no task) live in `papi_etl.plan.consistency`, so that every fault can be
reported with its place in the file.

Unit references (`lead_units`, `coordinating_units`, `reporting_units`) are either a unit
code (`PNV`) or a group code (`wards`), resolved against the plan's `units` and `groups`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


NfcText = Annotated[str, AfterValidator(_nfc), Field(min_length=1)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", max_length=40)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class UnitKind(StrEnum):
    WARD = "ward"
    AGENCY = "agency"
    PUBLIC_SERVICE_UNIT = "public_service_unit"
    MASS_ORGANISATION = "mass_organisation"


class Contact(Frozen):
    """Where reminders for a unit go; any channel may be absent."""

    email: str | None = None
    webhook: str | None = None
    person: NfcText | None = None
    phone: str | None = None


class Unit(Frozen):
    code: Code
    name: NfcText
    short_name: NfcText | None = None
    kind: UnitKind
    named_in_plan: bool = Field(
        description="False for a unit the document does not name but the district has"
    )
    contact: Contact = Contact()


class Group(Frozen):
    """A set of units the document names collectively ("Ủy ban nhân dân 10 phường")."""

    code: Code
    name: NfcText
    kinds: list[UnitKind] = Field(min_length=1)


class LegalReference(Frozen):
    """A legal document a task cites: "Nghị định số 159/2016/NĐ-CP ngày 29 tháng 11 năm 2016
    của Chính phủ" is kind "Nghị định", number "159/2016/NĐ-CP", its date and issuer.

    A law or ordinance cited by name alone ("Luật Thanh tra") has a `name` and no number;
    `article` is the part cited ("Điều 125", "Chương V")."""

    kind: NfcText
    number: NfcText | None = None
    date: dt.date | None = None
    issuer: NfcText | None = None
    name: NfcText | None = None
    article: NfcText | None = None

    @model_validator(mode="after")
    def _identified(self) -> LegalReference:
        if self.number is None and self.name is None:
            raise ValueError("a legal reference needs its number or its name")
        return self


class Task(Frozen):
    code: Code
    section: str = Field(description="Where the task stands in the document, e.g. 'II.1'")
    text: NfcText
    title: NfcText | None = Field(
        default=None,
        description="A short name for tables, chosen by the plan's stewards (not in the document)",
    )
    lead_units: list[Code] = Field(min_length=1)
    coordinating_units: list[Code] = []
    reporting_units: list[Code] = Field(min_length=1)
    inferred: bool = False
    inference_note: NfcText | None = None
    legal_references: list[LegalReference] = Field(
        default=[], description="The legal documents the task's text cites"
    )
    timeframe: NfcText | None = Field(
        default=None, description="When the task is due, as the document says ('Quý II/2024')"
    )

    @model_validator(mode="after")
    def _inference_explained(self) -> Task:
        if self.inferred and not self.inference_note:
            raise ValueError("a task marked inferred needs an inference_note saying why")
        if not self.inferred and self.inference_note:
            raise ValueError("inference_note is given but the task is not marked inferred")
        return self


class Dimension(Frozen):
    code: Code
    number: int = Field(ge=1, le=8)
    name_vi: NfcText
    name_en: NfcText
    tasks: list[Task] = []


class ValueType(StrEnum):
    COUNT = "count"
    NUMBER = "number"
    PERCENT = "percent"


class UnitAggregation(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    RATIO_OF_SUMS = "ratio_of_sums"


class PeriodAggregation(StrEnum):
    CUMULATIVE = "cumulative"
    PER_PERIOD = "per_period"
    SNAPSHOT = "snapshot"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class ValueRange(Frozen):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> ValueRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Ratio(Frozen):
    """A derived indicator: sum of one indicator over units divided by sum of another."""

    numerator: Code
    denominator: Code


class Indicator(Frozen):
    code: Code
    name_vi: NfcText
    name_en: NfcText
    tasks: list[Code] = Field(min_length=1)
    unit_of_measure: NfcText
    value_type: ValueType
    range: ValueRange
    aggregate_units: UnitAggregation
    aggregate_periods: PeriodAggregation
    better: Better
    ratio: Ratio | None = None
    reporting_units: list[Code] | None = Field(
        default=None,
        description="Who reports a value; default: the reporting units of its tasks. "
        "A ratio indicator is computed, never reported.",
    )

    @model_validator(mode="after")
    def _ratio_matches_aggregation(self) -> Indicator:
        is_ratio = self.aggregate_units is UnitAggregation.RATIO_OF_SUMS
        if is_ratio and self.ratio is None:
            raise ValueError("aggregate_units is ratio_of_sums but no ratio is given")
        if not is_ratio and self.ratio is not None:
            raise ValueError("a ratio is given but aggregate_units is not ratio_of_sums")
        if self.value_type is ValueType.PERCENT and (self.range.min < 0 or self.range.max > 100):
            raise ValueError("a percent indicator's range must lie within 0-100")
        if self.value_type is ValueType.COUNT and self.range.min < 0:
            raise ValueError("a count indicator cannot have a negative minimum")
        return self


class MonthDay(Frozen):
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: Literal[-1, 0] = 0

    @model_validator(mode="after")
    def _real_day(self) -> MonthDay:
        # 2020 is a leap year, so 29 February is accepted here and checked per year later.
        try:
            dt.date(2020, self.month, self.day)
        except ValueError as exc:
            raise ValueError(f"{self.day}/{self.month} is not a date") from exc
        return self


class PeriodKind(Frozen):
    """One kind of periodic report (quarterly, 6-monthly, ...) and the span it covers."""

    code: str = Field(pattern=r"^[A-Z0-9]{1,4}$", description="Q1, 6M, 9M, Y: a period code's tail")
    label_vi: NfcText = Field(description="'{year}' is replaced by the year")
    label_en: NfcText
    deadline_month: int = Field(ge=1, le=12)
    span_start: MonthDay
    span_end: MonthDay


class Calendar(Frozen):
    """The reporting rule of the plan (section III of 461/KH-UBND)."""

    timezone: str = "Asia/Ho_Chi_Minh"
    valid_from: dt.date
    valid_until: dt.date
    unit_deadline_day: int = Field(ge=1, le=28, description="units report before this day")
    consolidated_deadline_day: int = Field(ge=1, le=28)
    consolidating_unit: Code
    recipients: list[NfcText] = Field(min_length=1)
    rule_text: NfcText
    span_note: NfcText | None = None
    period_kinds: list[PeriodKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _coherent(self) -> Calendar:
        if self.valid_from > self.valid_until:
            raise ValueError(
                f"valid_from ({self.valid_from}) is after valid_until ({self.valid_until})"
            )
        if self.unit_deadline_day > self.consolidated_deadline_day:
            raise ValueError("units' deadline day falls after the consolidated deadline day")
        return self


class Orchestration(Frozen):
    """When the flows run, in the calendar's time zone, relative to its deadline months.

    Every job runs only in the months in which reports are due, and only while the plan is
    valid; the days are days of those months.
    """

    collect_from_day: int = Field(ge=1, le=28, description="collect from this day ...")
    collect_every_hours: int = Field(
        ge=1, le=24, description="... every N hours, until the consolidated deadline"
    )
    remind_days: list[int] = Field(
        min_length=1, description="reminders, before the units' deadline"
    )
    remind_at: dt.time
    overdue_at: dt.time = Field(description="daily notices from the units' deadline on")
    consolidate_day: int = Field(ge=1, le=28)
    consolidate_at: dt.time
    publish_day: int = Field(ge=1, le=28)
    publish_at: dt.time


class StatusWeights(Frozen):
    """Weights of task statuses in the implementation index (0-10 scale, not PAPI's)."""

    chua_trien_khai: float = Field(ge=0, le=1)
    dang_trien_khai: float = Field(ge=0, le=1)
    hoan_thanh: float = Field(ge=0, le=1)


class Document(Frozen):
    number: NfcText
    title: NfcText
    issuer: NfcText
    district: NfcText
    city: NfcText
    date: dt.date
    place: NfcText | None = Field(
        default=None, description="Where it was issued, as its header says ('Bình Tân')"
    )
    signer: NfcText | None = None
    signer_title: NfcText | None = None
    recipients: list[NfcText] = Field(
        default=[],
        description='"Nơi nhận" of the document, one line each, without its final ";" or "."',
    )


class Plan(Frozen):
    id: Code
    version: int = Field(ge=1)
    document: Document
    papi_dimensions: Literal[6, 8]
    units: list[Unit] = Field(min_length=1)
    groups: list[Group] = []
    dimensions: list[Dimension] = Field(min_length=1)
    assignments: list[Task] = Field(
        default=[], description="Section III: assignments of the plan to named units"
    )
    indicators: list[Indicator] = []
    calendar: Calendar
    orchestration: Orchestration
    status_weights: StatusWeights
