"""Markdown for generated pages where every value from a file stays text, never markup."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote, unquote

# One pass over the raw text, so an entity written here is never escaped again; the
# markdown characters become entities too, so a value cannot start a link or emphasis.
_TEXT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+!|~"})


def text(value: Any) -> str:
    """`value` as inline text of a markdown page or table cell."""
    return " ".join(str(value).split()).translate(_TEXT)


def attribute(value: Any) -> str:
    """`value` inside a quoted HTML attribute or an SVG text node."""
    return html.escape(str(value), quote=True)


def count(number: int, plural: str) -> str:
    """`2 phone numbers`, `1 phone number`, `1 IP address`: the plural made singular for one."""
    if number == 1:
        plural = plural[:-2] if plural.endswith("sses") else plural[:-1]
    return f"{number} {plural}"


def relative(target: str, origin: str) -> str:
    """The path of source file `target` seen from source file `origin` (both `src_uri`s)."""
    return posixpath.relpath(target, posixpath.dirname(origin) or ".")


def link(label: Any, target: str) -> str:
    """A markdown link to a page of the site (a relative `.md` path), label escaped."""
    return f"[{text(label)}]({quote(target)})"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a markdown table; cells must already be escaped with `text`."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


# The first line of a generated HTML block, and its last: MkDocs' front door hands such a
# block to the builder as it is (`plugin.GeneratedHtml`); any other builder reads it as raw
# HTML.
GENERATED_MARK = 'data-generated="evidence-kit"'
GENERATED_TABLE = f"<table {GENERATED_MARK}>"
TABLE_END = "</table>"
GENERATED_PARAGRAPH = f"<p {GENERATED_MARK}>"
PARAGRAPH_END = "</p>"
GENERATED = {GENERATED_TABLE: TABLE_END, GENERATED_PARAGRAPH: PARAGRAPH_END}
"""Each kind of generated block: its first line -> its last."""
_GENERATED_START = re.compile("|".join(re.escape(start) for start in GENERATED))


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of the same table as raw HTML, for cells without markdown (links): a
    builder passes it through instead of parsing every cell, which made a postmortem's
    tables most of its rendering time. Cells must already be escaped with `text`."""
    lines = [GENERATED_TABLE, "<thead>"]
    # Cells apart, as a markdown table's are: a search index (Material's, MkDocs') reads a
    # table as its text, and made one word of two cells written side by side.
    lines.append("<tr>" + " ".join(f"<th>{h}</th>" for h in headers) + "</tr>")
    lines += ["</thead>", "<tbody>"]
    lines += ["<tr>" + " ".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    return [*lines, "</tbody>", TABLE_END, ""]


def html_paragraph(*lines: str) -> list[str]:
    """A paragraph of raw HTML (escaped text, `html_link`s), handed to the builder as it
    is, like an `html_table`: as markdown, a paragraph of inline HTML is parsed tag by tag."""
    return [GENERATED_PARAGRAPH, *lines, PARAGRAPH_END, ""]


def html_link(label: Any, target: str) -> str:
    """`link` for an `html_table` or an `html_paragraph`. The target stays a relative `.md`
    path, as in markdown; no builder reads a link in raw HTML, so each front door turns it
    into the page's URL (`page_links`)."""
    return f'<a href="{attribute(quote(target))}">{text(label)}</a>'


_PAGE_HREF = re.compile(r'<a href="([^"#]*?\.md)(#[^"]*)?">')


def page_links(markdown: str, url_of: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """`markdown` with every `html_link` of its generated blocks pointing at `url_of(path)`
    (`path`: the relative `.md` path as written, unquoted); also the paths `url_of` did not
    know (None), whose links are left as written."""
    unknown: list[str] = []

    def resolve(match: re.Match[str]) -> str:
        path = unquote(html.unescape(match.group(1)))
        url = url_of(path)
        if url is None:
            unknown.append(path)
            return match.group()
        return f'<a href="{attribute(url)}{match.group(2) or ""}">'

    parts: list[str] = []
    at = 0
    while (opening := _GENERATED_START.search(markdown, at)) is not None:
        start, closing = opening.start(), GENERATED[opening.group()]
        end = markdown.find(closing, opening.end())
        end = len(markdown) if end == -1 else end + len(closing)
        parts += [markdown[at:start], _PAGE_HREF.sub(resolve, markdown[start:end])]
        at = end
    parts.append(markdown[at:])
    return "".join(parts), unknown


def title_meta(title: str) -> list[str]:
    """Front matter giving a generated page its title (escaped: themes print it raw)."""
    quoted = html.escape(title).replace("\\", "\\\\").replace('"', '\\"')
    return ["---", f'title: "{quoted}"', "---", ""]
