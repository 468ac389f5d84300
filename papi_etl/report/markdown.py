"""A one-screen overview of the report: Markdown for the Prefect UI, and the same as HTML.

Operators see the Markdown as a flow-run artifact; the HTML is a standalone page (no
external file, no script) to open in a browser or attach to a message. Both hold the key
figures, the table of dimensions (the city's PAPI scores beside the implementation index)
and the units late, missing or left out; the full report is the DOCX/PDF. Every text is
escaped (`papi_etl.markup`): what a unit or the plan wrote is never markup.
"""

from __future__ import annotations

from papi_etl.markup import html as escape
from papi_etl.markup import md, md_row
from papi_etl.report import notation
from papi_etl.report.model import Num, Report, Table, cell_text
from papi_etl.report.notation import Fmt
from papi_etl.report.results import CONTEXT_TABLE
from papi_etl.report.wording import INDEX_NAME


def _key_figures(report: Report) -> list[tuple[str, str]]:
    facts = report.facts
    return [
        ("Đơn vị đã gửi báo cáo", f"{facts.received}/{facts.expected}"),
        ("Tỷ lệ báo cáo", notation.percent(facts.reporting_rate)),
        ("Tỷ lệ báo cáo đúng hạn", notation.percent(facts.on_time_reporting_rate)),
        ("Báo cáo được tổng hợp", str(len(facts.counted_units))),
        ("Mức độ đầy đủ của báo cáo", notation.percent(facts.completeness_rate)),
        (INDEX_NAME, notation.formatted(facts.index_overall, Fmt.SCORE)),
    ]


def _edition(report: Report) -> str:
    kind = "báo cáo bổ sung" if report.edition.supplementary else "báo cáo"
    made = notation.date(report.edition.issued_on)
    return f"Phiên bản {report.edition.version} ({kind}), lập {made}"


def _md_table(columns: tuple[str, ...], rows: list[tuple[str, ...]], numeric: list[bool]) -> str:
    rule = "|" + "|".join("---:" if n else "---" for n in numeric) + "|"
    return "\n".join([md_row(columns), rule, *(md_row(row) for row in rows)])


def _texts(table: Table) -> list[tuple[str, ...]]:
    return [tuple(cell_text(c) for c in row) for row in table.rows]


def _numeric(table: Table) -> list[bool]:
    first = table.rows[0] if table.rows else ()
    return [isinstance(c, Num) for c in first] or [False] * len(table.columns)


def to_markdown(report: Report) -> str:
    parts = []
    if report.notice:
        parts.append(f"> **{md(report.notice)}**")
    header = report.header
    parts += [
        f"# {md(report.heading)}: {md(report.subject)}",
        f"*{md(header.authority)} {md(header.authority_area)} – {md(_edition(report))}*",
    ]
    if report.edition.supplementary:
        parts += [
            "## Nội dung bổ sung, điều chỉnh",
            "\n".join(f"- {md(c)}" for c in report.edition.changes),
        ]
    figures = _key_figures(report)
    parts += [
        "## Số liệu chính",
        _md_table(("Chỉ tiêu", "Giá trị"), figures, [False, True]),
        "\n".join(f"- {md(sentence)}" for sentence in report.summary),
    ]
    context = report.table(CONTEXT_TABLE)
    parts += [
        "## Theo nội dung",
        _md_table(context.columns, _texts(context), _numeric(context)),
        f"*{md(context.note)}*",
        "## Đơn vị gửi trễ, chưa gửi hoặc chưa được tổng hợp",
        "\n".join(f"- {md(line)}" for line in report.attention) or "Không có.",
    ]
    return "\n\n".join(parts) + "\n"


def _html_table(columns: tuple[str, ...], rows: list[tuple[str, ...]], numeric: list[bool]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(c)}</td>' if n else f"<td>{escape(c)}</td>"
            for c, n in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:"Times New Roman","DejaVu Serif",serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45;color:#111}
h1{font-size:1.35rem;text-align:center}h2{font-size:1.1rem;margin-top:1.6rem}
.notice{border:2px solid #c00000;color:#c00000;font-weight:bold;text-align:center;padding:.5rem}
.meta{text-align:center;font-style:italic}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #777;padding:.25rem .4rem;vertical-align:top}
th{background:#d9e2f3}td.n{text-align:right;white-space:nowrap}.note{font-size:.9rem;font-style:italic}
"""


def to_html(report: Report) -> str:
    context = report.table(CONTEXT_TABLE)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(report.heading)}: {escape(report.subject)}</title>",
        f"<style>{STYLE}</style></head><body>",
    ]
    if report.notice:
        parts.append(f'<p class="notice">{escape(report.notice)}</p>')
    parts += [
        f"<h1>{escape(report.heading)}<br>{escape(report.subject)}</h1>",
        f'<p class="meta">{escape(report.header.authority)} {escape(report.header.authority_area)}'
        f" – {escape(_edition(report))}</p>",
    ]
    if report.edition.supplementary:
        items = "".join(f"<li>{escape(c)}</li>" for c in report.edition.changes)
        parts.append(f"<h2>Nội dung bổ sung, điều chỉnh</h2><ul>{items}</ul>")
    summary = "".join(f"<li>{escape(s)}</li>" for s in report.summary)
    attention = "".join(f"<li>{escape(line)}</li>" for line in report.attention)
    parts += [
        "<h2>Số liệu chính</h2>",
        _html_table(("Chỉ tiêu", "Giá trị"), _key_figures(report), [False, True]),
        f"<ul>{summary}</ul>",
        "<h2>Theo nội dung</h2>",
        _html_table(context.columns, _texts(context), _numeric(context)),
        f'<p class="note">{escape(context.note)}</p>',
        "<h2>Đơn vị gửi trễ, chưa gửi hoặc chưa được tổng hợp</h2>",
        f"<ul>{attention}</ul>" if attention else "<p>Không có.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
