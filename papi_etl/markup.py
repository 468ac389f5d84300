"""Text from outside shown in Markdown or HTML as text, never as markup.

The report's overview (Markdown and HTML) and the Prefect artifacts (Markdown the UI
renders) show texts that come from units' files or from the plan: a unit's words, a value it
typed, a file name. Such a text must never become markup: `<script>`, `<img onerror=...>`,
a link `[bấm vào](javascript:...)` or an image, a `|` that splits a table cell, a leading
`#` that makes a heading. The rule has one home, this module:

- Markdown (`md`): `&`, `<` and `>` become entities (no HTML, no autolink `<...>`), the
  characters that make emphasis, code, links, images and tables are backslash-escaped, a
  leading `#`, `+`, `-`, `=` or `1.` loses its block meaning, and line breaks become spaces
  (a text is one paragraph, list item or table cell).
- HTML (`html`): the standard library's escape, quotes included.
"""

from __future__ import annotations

import html as _html
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_BLOCK_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def md(text: object) -> str:
    """`text` as literal Markdown (GitHub-flavoured, as Prefect's UI renders it)."""
    flat = _BREAKS.sub(" ", str(text))
    entities = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _MD_SPECIAL.sub(r"\\\1", entities)
    match = _MD_BLOCK_START.match(escaped)
    if match is None:
        return escaped
    lead, marker = match.groups()
    if marker[0].isdigit():  # "1. x" is a numbered list: escape the full stop after it
        at = match.end()
        return escaped[:at] + "\\" + escaped[at:]
    return lead + "\\" + escaped[len(lead) :]


def md_row(cells: tuple[object, ...] | list[object]) -> str:
    """One row of a Markdown table, each cell escaped."""
    return "| " + " | ".join(md(cell) for cell in cells) + " |"


def html(text: object) -> str:
    """`text` as literal HTML, for element content and quoted attribute values."""
    return _html.escape(str(text), quote=True)
