"""What the units reported they did, in their own words: the results each dimension quotes,
the annex of every unit x task result with its evidence, and the exceptions the steward
accepted.

Everything quoted comes from the store as the unit wrote it (result, evidence document) or
as the steward decided it (reason, who, when); the report adds only who said it and of
which task. The rows are those the metrics count (`metrics.compute.counted_task_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from papi_etl.metrics import PeriodMetrics
from papi_etl.plan.model import Plan
from papi_etl.report import notation
from papi_etl.report.model import Num, Table
from papi_etl.report.notation import Fmt
from papi_etl.report.wording import RESULTS_ANNEX, lower_first, quoted, short_names, task_title
from papi_etl.schema import TaskStatus
from papi_etl.steward import AcceptedException

QUOTED = 2  # results quoted in a dimension's section; all are in the results annex
_DONE, _UNDER_WAY = TaskStatus.HOAN_THANH.value, TaskStatus.DANG_TRIEN_KHAI.value
RESULTS_SHEET = "PL9 Kết quả thực hiện"


def _status_vi(status: str) -> str:
    return lower_first(TaskStatus(status).label_vi)


def _accepted_on(exceptions: Sequence[AcceptedException]) -> dict[tuple[str, str], str]:
    """(unit, task) -> the reason the steward accepted an exception on that row."""
    return {(e.unit, e.subject): e.decision.reason for e in exceptions if e.subject}


def _sentence(text: str) -> str:
    """The unit's text as a sentence: its own final stop kept, one added if it has none."""
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _evidence_text(row: pd.Series, accepted: dict[tuple[str, str], str]) -> str:
    if row["evidence"]:
        return f"Văn bản: {row['evidence'].rstrip('.')}."
    if (row["unit"], row["task"]) in accepted:
        return "Chưa có văn bản minh chứng, được chấp nhận ngoại lệ (xem mục I)."
    return "Đơn vị không ghi văn bản minh chứng."


def _chosen(rows: pd.DataFrame) -> pd.DataFrame:
    """At most QUOTED results of tasks done, documented first, one per unit and task while
    there are others to choose from, in the units' order. Where no task is done, the
    documented results of tasks under way stand in."""
    given = rows[rows["result"].ne("")]
    candidates = given[given["status"] == _DONE]
    if candidates.empty:
        candidates = given[(given["status"] == _UNDER_WAY) & given["evidence"].ne("")]
    candidates = candidates.assign(
        _rank=(candidates["status"] != _DONE).astype(int) * 2
        + (candidates["evidence"] == "").astype(int)
    ).sort_values(["_rank", "_order"], kind="stable")
    picked: list[int] = []
    units: set[str] = set()
    tasks: set[str] = set()
    for repeat in (False, True):  # distinct units and tasks first, then any
        for index, row in candidates.iterrows():
            if len(picked) == QUOTED:
                break
            fresh = row["unit"] not in units and row["task"] not in tasks
            if index not in picked and (fresh or repeat):
                picked.append(index)
                units.add(row["unit"])
                tasks.add(row["task"])
    return candidates.loc[picked].sort_values(["_order", "task"], kind="stable")


def _ordered(rows: pd.DataFrame, metrics: PeriodMetrics) -> pd.DataFrame:
    order = {unit: i for i, unit in enumerate(metrics.units["unit"])}
    return rows.assign(_order=rows["unit"].map(order))


QUOTES_INTRO = (
    "Kết quả tiêu biểu các đơn vị báo cáo (ưu tiên nhiệm vụ hoàn thành, có văn bản minh "
    f"chứng; kết quả của từng đơn vị, từng nhiệm vụ tại {RESULTS_ANNEX}):"
)


def documented(rows: pd.DataFrame) -> int:
    """Task rows done or under way that cite an evidence document."""
    return int(((rows["evidence"] != "") & rows["status"].isin([_DONE, _UNDER_WAY])).sum())


def quotes(
    metrics: PeriodMetrics,
    rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException],
) -> tuple[str, ...]:
    """The results quoted for a dimension, one item per unit, under QUOTES_INTRO; none when
    no unit reported one. `rows`: the dimension's counted task rows (see the module)."""
    names = short_names(metrics)
    accepted = _accepted_on(exceptions)
    items = []
    for unit, group in _chosen(_ordered(rows, metrics)).groupby("unit", sort=False):
        parts = [
            f"nhiệm vụ {row['task']} ({_status_vi(row['status'])}): "
            f"{quoted(_sentence(row['result']))} {_evidence_text(row, accepted)}"
            for _, row in group.iterrows()
        ]
        items.append(f"{names.get(unit, unit)}, {' '.join(parts)}")
    return tuple(items)


def annex(
    plan: Plan,
    metrics: PeriodMetrics,
    rows: pd.DataFrame,
    exceptions: Sequence[AcceptedException],
) -> Table:
    """Every counted unit x task row with its result and evidence, in the units' order."""
    names = short_names(metrics)
    accepted = _accepted_on(exceptions)
    tasks = {t.code: t for d in plan.dimensions for t in d.tasks} | {
        t.code: t for t in plan.assignments
    }
    ordered = _ordered(rows, metrics).sort_values(["_order"], kind="stable")
    table_rows = []
    for number, (_, row) in enumerate(ordered.iterrows(), start=1):
        reason = accepted.get((row["unit"], row["task"]))
        table_rows.append(
            (
                Num(number, Fmt.INTEGER),
                names.get(row["unit"], row["unit"]),
                row["task"],
                task_title(tasks[row["task"]]) if row["task"] in tasks else row["task"],
                TaskStatus(row["status"]).label_vi,
                row["result"],
                row["evidence"],
                f"Chấp nhận ngoại lệ: {reason}" if reason else "",
            )
        )
    return Table(
        key=RESULTS_SHEET,
        title=f"{RESULTS_ANNEX}. Kết quả thực hiện và văn bản minh chứng của từng đơn vị",
        columns=(
            "STT",
            "Đơn vị",
            "Mã",
            "Nhiệm vụ",
            "Tình trạng",
            "Kết quả thực hiện",
            "Văn bản minh chứng",
            "Ghi chú",
        ),
        rows=tuple(table_rows),
        widths=(0.8, 2.4, 0.9, 3.0, 1.4, 6.5, 3.0, 2.0),
        note="Nội dung do đơn vị báo cáo, giữ nguyên văn (chỉ tính báo cáo được tổng hợp).",
        stand_in=(
            f"Gồm {len(table_rows)} dòng (mỗi đơn vị, mỗi nhiệm vụ một dòng), in tại bảng tính "
            f"{quoted(RESULTS_SHEET)} của tệp Excel kèm theo báo cáo này."
        ),
    )


def exception_items(
    metrics: PeriodMetrics, exceptions: Sequence[AcceptedException]
) -> tuple[str, ...]:
    """One item per accepted exception: unit, what the finding said, the steward's reason,
    who decided and when."""
    names = short_names(metrics)
    return tuple(
        f"{names.get(e.unit, e.unit)}: {e.message_vi.rstrip('.')}. Lý do chấp nhận: "
        f"{quoted(e.decision.reason.rstrip('.'))} ({e.decision.decided_by}, "
        f"{notation.moment(e.decision.decided_at)})."
        for e in exceptions
    )


def exception_notes(exceptions: Sequence[AcceptedException]) -> dict[str, str]:
    """Unit -> the note Phụ lục 1 gives a report accepted with exceptions."""
    subjects: dict[str, list[str]] = {}
    for e in exceptions:
        subjects.setdefault(e.unit, []).append(e.subject or e.field or e.sheet)
    return {
        unit: f"Chấp nhận ngoại lệ: {', '.join(dict.fromkeys(found))} (xem mục I)"
        for unit, found in subjects.items()
    }
