"""Text from outside shown in Markdown or HTML: never markup (rendered with a real
CommonMark/GFM renderer, as a browser or Prefect's UI would)."""

from __future__ import annotations

import re

import pytest
from hostile_text import MARKUP
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from papi_etl import markup

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # raw HTML on
TAGS = re.compile(r"<(?!/?(?:p|table|thead|tbody|tr|th|td)\b)[a-zA-Z/!]")


def _visible(html: str) -> str:
    """The text a browser shows for rendered HTML."""
    text = re.sub(r"<[^>]+>", "", html)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text.strip()


@pytest.mark.parametrize("text", MARKUP)
def test_markdown_shows_the_text_itself(text):
    rendered = RENDERER.render(markup.md(text))
    assert not TAGS.search(rendered), rendered
    assert _visible(rendered) == text


@pytest.mark.parametrize("text", MARKUP)
def test_a_markdown_table_cell_holds_the_text_whole(text):
    table = "\n".join([markup.md_row(("a", "b")), "| --- | --- |", markup.md_row((text, "x"))])
    rendered = RENDERER.render(table)
    assert rendered.count("<td>") == 2, rendered
    assert not TAGS.search(rendered)
    assert _visible(rendered.split("<tbody>")[1].split("</td>")[0]) == text


@pytest.mark.parametrize("text", MARKUP)
def test_html_escapes_every_tag(text):
    assert "<" not in markup.html(text) and ">" not in markup.html(text)


@settings(max_examples=400, derandomize=True)
@given(st.text(alphabet=st.sampled_from("<>&[]()!*_`#|-+=.1 \\~:ajvscript\n"), max_size=24))
def test_no_text_becomes_markdown_markup(text):
    rendered = RENDERER.render("- " + markup.md(text))
    inside = rendered.removeprefix("<ul>\n<li>").removesuffix("</li>\n</ul>\n")
    assert not TAGS.search(inside), (text, rendered)
    assert " ".join(_visible(inside).split()) == " ".join(text.split())
