"""Generated HTML tables reach the page whole; the same line in a code block stays code."""

from __future__ import annotations

import markdown

from evidence_kit import builders
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


LINKED = "\n".join(
    markup.html_table(
        ["Document"],
        [
            [markup.html_link("Runbook <1>", "../ops/run book.md")],
            [markup.html_link("Matrix", "controls.md") + " and " + '<a href="#top">top</a>'],
            [markup.html_link("Gone", "gone.md")],
        ],
    )
)


def test_generated_links_point_at_the_urls_the_front_door_gives() -> None:
    urls = {"../ops/run book.md": "../ops/run%20book/", "controls.md": "controls/"}
    page = f'[kept](controls.md)\n\n{LINKED}\n<a href="controls.md">kept too</a>\n'
    resolved, unknown = markup.page_links(page, urls.get)
    assert unknown == ["gone.md"]
    assert '<td><a href="../ops/run%20book/">Runbook &#60;1&#62;</a></td>' in resolved
    assert '<td><a href="controls/">Matrix</a> and <a href="#top">top</a></td>' in resolved
    assert '<td><a href="gone.md">Gone</a></td>' in resolved
    # Only the generated tables: a link the author wrote is the builder's to resolve.
    assert resolved.startswith("[kept](controls.md)\n")
    assert resolved.endswith('<a href="controls.md">kept too</a>\n')


def test_a_fragment_stays_on_the_resolved_link() -> None:
    table = "\n".join(markup.html_table(["Control"], [[markup.html_link("A.5", "c.md") + ""]]))
    table = table.replace('c.md"', 'c.md#a-5"')
    resolved, _ = markup.page_links(table, {"c.md": "../c/"}.get)
    assert '<a href="../c/#a-5">A.5</a>' in resolved


def test_the_staged_build_gives_generated_links_the_builders_urls() -> None:
    published = {"index.md", "ops/run book.md", "controls.md", "ops/index.md"}
    table = "\n".join(
        markup.html_table(
            ["Document"],
            [
                [markup.html_link("Home", "index.md")],
                [markup.html_link("Runbook", "ops/run book.md")],
                [markup.html_link("Ops", "ops/index.md")],
            ],
        )
    )
    directory = builders._page_links("controls.md", table, published, directory_urls=True)
    assert [
        line[line.index("<a") : line.index(">", line.index("<a")) + 1]
        for line in directory.splitlines()
        if "<a" in line
    ] == ['<a href="../">', '<a href="../ops/run%20book/">', '<a href="../ops/">']
    files = builders._page_links("controls.md", table, published, directory_urls=False)
    assert '<a href="index.html">' in files
    assert '<a href="ops/run%20book.html">' in files
    assert '<a href="ops/index.html">' in files


def test_a_generated_paragraph_renders_as_raw_html_would_and_its_links_resolve() -> None:
    paragraph = "\n".join(
        markup.html_paragraph(
            "<strong>Runbooks:</strong> " + markup.html_link("Restore &", "../restore.md")
        )
    )
    page = f"# Outage\n\n{paragraph}\n## Timeline\n\n<p>\nkept as written</p>\n"
    assert render(page) == render(page, stash=False)
    resolved, unknown = markup.page_links(page, {"../restore.md": "../restore/"}.get)
    assert unknown == []
    assert '<a href="../restore/">Restore &#38;</a>' in resolved
    assert render(resolved).endswith("<p> kept as written</p>")
