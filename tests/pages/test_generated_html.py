"""Generated HTML tables reach the page whole; the same line in a code block stays code."""

from __future__ import annotations

import markdown

from evidence_kit.core import markup
from evidence_kit.plugin import GeneratedHtml

EXTENSIONS = ["pymdownx.superfences", "tables", "toc", "attr_list", "admonition"]


def render(text: str, *, stash: bool = True) -> str:
    """The HTML of `text`, its whitespace between tags aside."""
    extensions: list[object] = [*EXTENSIONS, GeneratedHtml()] if stash else list(EXTENSIONS)
    return " ".join(markdown.Markdown(extensions=extensions).convert(text).split())


TABLE = "\n".join(markup.html_table(["Event", "Note"], [["alert fired", "a &#95;b&#95; c"]]))


def test_a_generated_table_renders_as_raw_html_would() -> None:
    page = f"# Outage\n\n{TABLE}\n## Timeline\n\nText after.\n"
    assert render(page) == render(page, stash=False)
    assert "<td>a &#95;b&#95; c</td>" in render(page)


def test_the_marker_line_in_a_code_block_stays_code() -> None:
    fenced = f"```html\n{markup.GENERATED_TABLE}\n<tr><td><script>alert(1)</script></td></tr>\n</table>\n```\n"
    html = render(fenced)
    assert "<script>" not in html
    assert html.startswith('<div class="highlight"><pre>')
    assert html == render(fenced, stash=False)


def test_a_table_without_its_end_is_left_to_the_builder() -> None:
    page = f"{markup.GENERATED_TABLE}\n<tr><td>x</td></tr>\n"
    assert render(page) == render(page, stash=False)
