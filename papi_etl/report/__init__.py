"""The consolidated report of a period, for Sở Nội vụ and the city People's Committee.

`produce.produce(session, plan, period, out_dir)` is the entry point: it computes the
period's metrics, builds the content and writes every file, recording a new version in the
store only when the content changed. The parts, each small:

- `model`: the content model (frozen dataclasses), independent of any file format;
- `content`: `build(...)` from `PeriodMetrics` and the plan, and the content's hash, with
  `summary` (preamble, key figures), `sections` (I, III-V), `results` (II, by dimension),
  `reported` (the units' results and evidence quoted, the accepted exceptions),
  `comparison` (with the period a year earlier and the previous one), `annexes` (Phụ lục),
  `figures` (chart specs), `changes_since` (what a supplementary report says changed),
  `wording` and `notation` (Vietnamese numbers, dates);
- renderers: `charts` (PNG), `docx_render`, `pdf_render`, `xlsx_render`, `markdown`
  (Markdown for the Prefect UI and a standalone HTML page), with `fonts` (the serif the PDF
  embeds) and `widths` (column widths that break no word).

The renderers import matplotlib, reportlab and python-docx: import this package's modules
only where a report is made, not at a command line's start.
"""
