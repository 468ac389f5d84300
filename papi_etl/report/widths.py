"""Column widths under which no number and no word of a table is broken across lines.

A renderer wraps a cell's text at its spaces; a word wider than its column is cut wherever
the column ends ("+12.28" / "2", "Tăng/gi" / "ảm"). Each column is therefore made at least
as wide as its widest word (a number, whose spaces the renderers keep unbroken, counts as
one word), measured in the report's serif (`fonts`), headers in bold; the room left goes
first to the columns whose cells it puts on one line (`widths`), so that rows are short
and the pages few. The PDF and the DOCX use the same widths.
"""

from __future__ import annotations

from collections.abc import Iterable

from papi_etl.report import fonts
from papi_etl.report.model import Num, Table

# Table text sizes to try, largest first: the first at which every word fits is used.
SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5)
SLACK = 1.0  # points: rounding in the renderers' own measuring


def words(cell: str | Num) -> list[str]:
    """What may not be broken: a number whole, a text word by word (a no-break space joins
    two words into one)."""
    return [cell.text] if isinstance(cell, Num) else cell.split(" ")


def _widest(texts: Iterable[str], size: float, bold: bool) -> float:
    return max((fonts.width(text, size, bold=bold) for text in texts), default=0.0)


def minimum(table: Table, size: float, padding: float) -> list[float]:
    """Each column's narrowest width (points) at `size`, with `padding` on both sides."""
    found = []
    for index, title in enumerate(table.columns):
        widest = max(
            _widest(title.split(), size, bold=True),
            _widest((w for row in table.rows for w in words(row[index])), size, bold=False),
        )
        found.append(widest + 2 * padding + SLACK)
    return found


def _one_line(table: Table, size: float, padding: float) -> list[float]:
    """Each column's width at which every body cell holds on one line."""
    return [
        _widest((cell.text if isinstance(cell, Num) else cell for cell in column), size, False)
        + 2 * padding
        + SLACK
        for column in zip(*table.rows, strict=True)
    ] or [0.0] * len(table.columns)


def widths(table: Table, total: float, size: float, padding: float) -> list[float] | None:
    """Column widths (points) summing to `total`, or None when the words do not fit.

    From its floor (its widest word), each column grows in proportion to its relative
    width until its cells hold on one line; the narrow columns so stop early, and the room
    goes to the long texts. Room left when every column is on one line is shared by the
    relative widths."""
    least = minimum(table, size, padding)
    if sum(least) > total:
        return None
    need = [
        max(one, floor) for one, floor in zip(_one_line(table, size, padding), least, strict=True)
    ]
    weights = table.widths
    if sum(need) <= total:
        extra = (total - sum(need)) / sum(weights)
        return [n + w * extra for n, w in zip(need, weights, strict=True)]

    def grown(level: float) -> list[float]:
        return [min(n, floor + w * level) for n, floor, w in zip(need, least, weights, strict=True)]

    low, high = 0.0, max((n - f) / w for n, f, w in zip(need, least, weights, strict=True))
    for _ in range(60):  # bisection on the growth level: sum(grown) rises with it
        middle = (low + high) / 2
        low, high = (middle, high) if sum(grown(middle)) <= total else (low, middle)
    found = grown(low)
    spare = total - sum(found)  # what the bisection's precision leaves, given to the widest
    widest = max(range(len(found)), key=lambda i: need[i] - found[i])
    found[widest] += spare
    return found


def fit(
    table: Table, total: float, padding: float, largest: float = SIZES[0]
) -> tuple[float, list[float]]:
    """The largest of SIZES up to `largest` at which the table fits `total`, with its
    widths. At the smallest size the widths are returned even if a word is wider than its
    column."""
    for size in (s for s in SIZES if s <= largest):
        found = widths(table, total, size, padding)
        if found is not None:
            return size, found
    scale = total / sum(table.widths)
    return SIZES[-1], [w * scale for w in table.widths]
