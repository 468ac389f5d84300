"""Clean synthetic reports: complete, plausible, progressing through the year, marked synthetic."""

import datetime as dt
import itertools
import re
import unicodedata
from collections import Counter

from papi_etl.plan.assignments import indicators_of_unit, tasks_of_unit
from papi_etl.schema import TaskStatus
from papi_etl.synth import SYNTHETIC_MARK, build

DATE = re.compile(r"ngày (\d\d/\d\d/\d{4})")


def test_every_unit_with_something_to_report_reports_every_period(plan, periods, clean_reports):
    reporters = [u.code for u in plan.units if tasks_of_unit(plan, u.code)]
    assert len(reporters) == 26
    for period in periods:
        assert [r.unit.code for r in clean_reports if r.period == period] == reporters


def test_a_report_has_one_row_per_task_the_unit_must_report(plan, clean_reports):
    for report in clean_reports:
        submission = report.submission
        assert (submission.unit, submission.period) == (report.unit.code, report.period.code)
        assert [t.task for t in submission.tasks] == [
            t.code for t in tasks_of_unit(plan, report.unit.code)
        ]
        assert [t.row for t in submission.tasks] == list(range(1, len(submission.tasks) + 1))
        assert {(t.unit, t.period) for t in submission.tasks} <= {
            (report.unit.code, report.period.code)
        }
        assert submission.form == "json"


def test_every_result_is_marked_synthetic_and_every_text_is_nfc(clean_reports):
    for report in clean_reports:
        for row in report.submission.tasks:
            assert row.result.startswith(f"{SYNTHETIC_MARK} "), row
            assert len(row.result) > len(SYNTHETIC_MARK) + 20
            for text in (row.result, row.evidence, row.difficulties, row.proposals):
                assert unicodedata.is_normalized("NFC", text), text
        for row in report.submission.indicators:
            assert row.note.startswith(SYNTHETIC_MARK), row


def test_every_task_done_has_evidence_dated_inside_the_span(clean_reports):
    done = 0
    for report in clean_reports:
        for row in report.submission.tasks:
            if row.status != TaskStatus.HOAN_THANH:
                continue
            done += 1
            dates = [dt.datetime.strptime(d, "%d/%m/%Y").date() for d in DATE.findall(row.evidence)]
            assert dates, row
            assert all(report.period.starts <= d <= report.period.ends for d in dates), row
    assert done > 1000


def test_evidence_bears_the_issuing_prefix_of_the_unit(clean_reports):
    for report in clean_reports:
        issuer = "UBND" if report.unit.kind == "ward" else report.unit.code
        for row in report.submission.tasks:
            for reference in filter(None, row.evidence.split("; ")):
                assert re.search(rf"số \d+/([A-ZĐ]+-)?{issuer} ngày", reference), reference


def _share(reports, period, status):
    rows = [t.status for r in reports if r.period == period for t in r.submission.tasks]
    return Counter(rows)[status] / len(rows)


def test_the_status_mix_progresses_through_the_year(periods, clean_reports):
    year = [p for p in periods if p.year == 2019]
    done = [_share(clean_reports, p, TaskStatus.HOAN_THANH) for p in year]
    assert done == sorted(done) and done[0] < 0.2 < 0.5 < done[-1]
    assert _share(clean_reports, year[0], TaskStatus.DANG_TRIEN_KHAI) > 0.5
    assert _share(clean_reports, year[0], TaskStatus.CHUA_TRIEN_KHAI) > 0.05
    assert _share(clean_reports, year[-1], TaskStatus.CHUA_TRIEN_KHAI) == 0


def test_a_task_done_stays_done_within_a_year(clean_reports):
    rank = {TaskStatus.CHUA_TRIEN_KHAI: 0, TaskStatus.DANG_TRIEN_KHAI: 1, TaskStatus.HOAN_THANH: 2}
    series = {}
    for report in clean_reports:
        for row in report.submission.tasks:
            key = (report.unit.code, row.task, report.period.year)
            series.setdefault(key, []).append(row.status)
    for key, statuses in series.items():
        ranked = [rank[s] for s in statuses if s in rank]
        assert ranked == sorted(ranked), (key, statuses)


def test_nothing_arose_is_occasional_and_only_where_the_figures_say_so(plan, clean_reports):
    by_code = {x.code: x for x in plan.indicators}
    rows = [(r, t) for r in clean_reports for t in r.submission.tasks]
    nothing = [(r, t) for r, t in rows if t.status == TaskStatus.KHONG_PHAT_SINH]
    assert 0 < len(nothing) < 0.05 * len(rows)
    for report, row in nothing:
        assert not row.evidence
        values = {x.indicator: x.value for x in report.submission.indicators}
        tied = [code for code in values if row.task in by_code[code].tasks]
        assert tied and all(values[code] == 0 for code in tied), (report.unit.code, row.task)


def test_difficulties_and_proposals_are_sometimes_filled_sometimes_blank(clean_reports):
    rows = [t for r in clean_reports for t in r.submission.tasks]
    with_difficulties = sum(1 for t in rows if t.difficulties) / len(rows)
    with_proposals = sum(1 for t in rows if t.proposals) / len(rows)
    assert 0.1 < with_difficulties < 0.5
    assert 0.05 < with_proposals < with_difficulties
    assert all(t.difficulties for t in rows if t.proposals)


def test_results_vary_by_task(clean_reports):
    results = [t.result for r in clean_reports for t in r.submission.tasks]
    assert len(set(results)) > 0.7 * len(results)
    assert Counter(results).most_common(1)[0][1] < 0.03 * len(results)
    openings = {r.removeprefix(SYNTHETIC_MARK).split(";")[0].split(".")[0] for r in results}
    assert len(openings) > 60


def test_a_ward_s_result_quotes_its_own_figures(clean_reports):
    report = next(r for r in clean_reports if r.unit.kind == "ward" and r.period.kind == "Y")
    quoted = [t for t in report.submission.tasks if "Số liệu đến ngày" in t.result]
    assert quoted
    assert all(t.status in (TaskStatus.HOAN_THANH, TaskStatus.DANG_TRIEN_KHAI) for t in quoted)


def test_the_same_seed_gives_the_same_reports_and_another_seed_others(plan, periods, clean_reports):
    again = build(plan, 461, periods, "json", clean=True)
    assert again == clean_reports
    other = build(plan, 7, periods[:1], "json", clean=True)
    first = [r for r in clean_reports if r.period == periods[0]]
    assert [r.submission for r in other] != [r.submission for r in first]


def test_units_without_indicators_still_report_their_tasks(plan, clean_reports):
    bare = [
        u
        for u in plan.units
        if tasks_of_unit(plan, u.code) and not indicators_of_unit(plan, u.code)
    ]
    assert bare
    for report in clean_reports:
        if report.unit in bare:
            assert report.submission.tasks and not report.submission.indicators


def test_each_period_year_pairs_are_listed_in_calendar_order(periods, clean_reports):
    order = [code for code, _ in itertools.groupby(r.period.code for r in clean_reports)]
    assert order == [p.code for p in periods]
