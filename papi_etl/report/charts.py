"""Drawing the report's charts (`Chart` specs) as PNG files with matplotlib.

The figures are made with matplotlib's object API on the Agg canvas, never pyplot: no
display is needed, no global figure state is shared between flow runs in one process, and
the fonts are set per figure. DejaVu Sans, which ships with matplotlib, has every
Vietnamese glyph; tick labels and values use the Vietnamese decimal comma, as the text does.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from papi_etl.report import notation
from papi_etl.report.model import Chart, Report

FONT = "DejaVu Sans"
WIDTH_IN = 6.3  # the text width of an A4 page with official margins
DPI = 200
COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5")
STYLE = {
    "font.family": FONT,
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _ticks(axis: Axis, chart: Chart) -> None:
    """Five steps up to the scale's top (0, 2 ... 10; 0, 20 ... 100), written the Vietnamese
    way, whatever headroom the value labels need above the top."""
    axis.set_major_locator(FixedLocator([chart.axis_max * i / 5 for i in range(6)]))
    axis.set_major_formatter(FuncFormatter(lambda value, _: notation.integer(value)))


def _wrapped(labels: tuple[str, ...], width: int) -> list[str]:
    return [textwrap.fill(label, width) for label in labels]


def _value(value: float | None) -> float:
    return 0.0 if notation.is_missing(value) else float(value)  # type: ignore[arg-type]


def _barh(axes: Axes, chart: Chart) -> None:
    series = chart.series[0]
    positions = list(range(len(chart.categories)))[::-1]
    last = len(chart.categories) - 1
    colours = [COLOURS[0] if i < last else COLOURS[1] for i in range(len(chart.categories))]
    axes.barh(positions, [_value(v) for v in series.values], color=colours, height=0.6)
    for y, value in zip(positions, series.values, strict=True):
        axes.text(
            _value(value) + chart.axis_max * 0.01,
            y,
            notation.formatted(value, chart.fmt),
            va="center",
            fontsize=8,
        )
    axes.set_yticks(positions, _wrapped(chart.categories, 34))
    axes.set_xlim(0, chart.axis_max * 1.08)
    axes.set_xlabel(chart.axis_label)
    _ticks(axes.xaxis, chart)


def _bar(axes: Axes, chart: Chart) -> None:
    count = len(chart.series)
    width = 0.8 / count
    for i, series in enumerate(chart.series):
        offsets = [x - 0.4 + width * (i + 0.5) for x in range(len(chart.categories))]
        axes.bar(
            offsets,
            [_value(v) for v in series.values],
            width,
            label=series.name,
            color=COLOURS[i % len(COLOURS)],
        )
        for x, value in zip(offsets, series.values, strict=True):
            axes.text(
                x,
                _value(value) + chart.axis_max * 0.01,
                notation.formatted(value, chart.fmt),
                ha="center",
                va="bottom",
                fontsize=6.5,
            )
    axes.set_xticks(range(len(chart.categories)), _wrapped(chart.categories, 12))
    axes.set_ylim(0, chart.axis_max * 1.12)
    axes.set_ylabel(chart.axis_label)
    _ticks(axes.yaxis, chart)
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=count, fontsize=7.5, frameon=False
    )


def _line(axes: Axes, chart: Chart) -> None:
    x = list(range(len(chart.categories)))
    for i, series in enumerate(chart.series):
        points = [
            (px, v) for px, v in zip(x, series.values, strict=True) if not notation.is_missing(v)
        ]
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            linewidth=2.6 if i == 0 else 1.2,
            markersize=5 if i == 0 else 3.5,
            color=COLOURS[i % len(COLOURS)],
            label=textwrap.fill(series.name, 30),
        )
    first = chart.series[0]
    for px, value in zip(x, first.values, strict=True):
        if not notation.is_missing(value):
            axes.annotate(
                notation.formatted(value, chart.fmt),
                (px, value),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=7.5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    axes.set_xticks(x, _wrapped(chart.categories, 18))
    axes.set_xlim(-0.5, max(len(x) - 0.5, 0.5))
    axes.set_ylim(0, chart.axis_max)
    axes.set_ylabel(textwrap.fill(chart.axis_label, 40))
    _ticks(axes.yaxis, chart)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)


_DRAW = {"barh": _barh, "bar": _bar, "line": _line}
_HEIGHT_IN = {"barh": 3.1, "bar": 2.7, "line": 2.8}


def render(chart: Chart, path: Path) -> Path:
    """Draw `chart` into the PNG file `path` and return it."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(WIDTH_IN, _HEIGHT_IN[chart.kind]), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _DRAW[chart.kind](axes, chart)
        # A figure title: the axes of a bar chart with long labels are too narrow for it.
        figure.suptitle(textwrap.fill(chart.title, 70), fontsize=10, fontweight="bold")
        figure.tight_layout()
        figure.savefig(
            path,
            format="png",
            dpi=DPI,
            bbox_inches="tight",
            pad_inches=0.08,
            metadata={"Software": None},
        )
    return path


def render_all(report: Report, folder: Path) -> dict[str, Path]:
    """Every chart of the report as `<stem>-<chart>.png` in `folder`, by chart key."""
    return {
        chart.key: render(chart, folder / f"{report.file_stem}-{chart.key}.png")
        for chart in report.charts
    }
