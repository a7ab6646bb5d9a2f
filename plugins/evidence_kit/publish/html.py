"""Raw HTML and links in markdown: what would run in readers' browsers, what loads from
elsewhere, and where a relative link points."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..core import mdtext

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------- active HTML

_ACTIVE_TAG = re.compile(
    r"<(?=[A-Za-z])(script|iframe|frame|frameset|object|embed|applet|base|meta)(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# A raw start tag; an event handler is active only inside one.
_RAW_TAG = re.compile(r"<[A-Za-z][^<>\n]{0,2000}>?")
_HANDLER = re.compile(r"(?<=[\s\"'/])(on[a-z]{2,30})(?=[ \t]{0,10}=)", re.IGNORECASE)
# Where a URL starts in raw markdown or HTML; the URL itself may be written with entities,
# which browsers decode in attributes and Python-Markdown keeps in link targets.
_URL_START = re.compile(r"(?:\]\([ \t]{0,10}<?|\]:[ \t]{0,10}<?|<|=[ \t]{0,10}[\"']?)[ \t]{0,10}")
_URL_TOKEN = re.compile(r"[^\s\"'<>()]{1,2000}")
_SCRIPT_SCHEME = re.compile(r"((?:java|vb)script|data):", re.IGNORECASE)
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class Active(NamedTuple):
    """Raw active HTML at one place in a line of prose."""

    start: int
    end: int
    what: str
    replacement: str


def active_html(line: str) -> list[Active]:
    """`<script>`-like tags, event-handler attributes and script or data URLs in prose.

    Tags and attributes are matched in the raw text: `&lt;script&gt;` or an escaped value is
    text to a browser, not markup. URLs are matched decoded, because `javascript&#58;` in an
    href is still a script URL.
    """
    if "<" not in line and "=" not in line and "]" not in line:
        return []
    found = []
    for m in _ACTIVE_TAG.finditer(line):
        tag = m.group(1).lower()
        found.append(Active(m.start(), m.end(), f"a raw <{tag}> tag", "&lt;" + m.group()[1:]))
    for tag_match in _RAW_TAG.finditer(line):
        for m in _HANDLER.finditer(line, tag_match.start(), tag_match.end()):
            name = m.group(1).lower()
            what = f"an event-handler attribute {name}="
            found.append(Active(m.start(1), m.end(1), what, "blocked-" + name))
    for m in _URL_START.finditer(line):
        token = _URL_TOKEN.match(line, m.end())
        if token is None:
            continue
        url = _IGNORED_IN_SCHEME.sub("", html.unescape(token.group()))
        scheme = _SCRIPT_SCHEME.match(url)
        if scheme:
            what = f"a {scheme.group(1).lower()}: URL"
            found.append(Active(token.start(), token.end(), what, "blocked:"))
    return sorted(found, key=lambda a: a.start)


def neutralize(body: str) -> str:
    """The body with raw active HTML turned into inert text (errors report it anyway)."""

    def change(text: str, index: int, column: int) -> str:
        out, last = [], 0
        for active in active_html(text):
            if active.start < last:
                continue
            out.append(text[last : active.start])
            out.append(active.replacement)
            last = active.end
        out.append(text[last:])
        return "".join(out)

    return mdtext.map_prose(body, change)


# ---------------------------------------------------------------- links and assets

_IMAGE_URL = re.compile(
    r"!\[[^\]\n]{0,500}\]\([ \t]{0,10}<?[ \t]{0,10}((?:https?:)?//[^\s)>]{1,2000})"
)
_ASSET_ATTR = re.compile(
    r"<(?:img|source|video|audio|script|iframe|link|embed|object|input|track)\b[^<>]{0,2000}?"
    r"\b(?:src|srcset|href|data|poster)[ \t]{0,10}=[ \t]{0,10}[\"']?[ \t]{0,10}"
    r"((?:https?:)?//[^\s\"'>]{1,2000})",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"\]\([ \t]{0,10}<?([^\s)<>]{1,2000})"
    r"|^[ \t]{0,3}\[[^\]\n]{1,999}\]:[ \t]{0,10}<?([^\s<>]{1,2000})"
    r"|\bhref[ \t]{0,10}=[ \t]{0,10}[\"']([^\"'\s]{1,2000})",
    re.IGNORECASE,
)


def external_assets(line: str) -> Iterator[tuple[int, str]]:
    """(column, host) of every image or embedded asset loaded from another site."""
    for pattern in (_IMAGE_URL, _ASSET_ATTR):
        for m in pattern.finditer(line):
            url = m.group(1)
            host = url.split("//", 1)[1].split("/", 1)[0]
            yield m.start(1), host


def link_targets(line: str) -> Iterator[tuple[int, str]]:
    """(column, target) of markdown links, reference definitions and HTML hrefs."""
    for m in _LINK.finditer(line):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        yield m.start(group), m.group(group)


def resolve(src_uri: str, target: str) -> str | None:
    """The src_uri a relative link of a page points to; None for other sites and anchors."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or "://" in target or target.startswith(("//", "mailto:", "tel:")):
        return None
    if target.endswith("/"):
        target += "index.md"
    base = "" if target.startswith("/") else posixpath.dirname(src_uri)
    path = posixpath.normpath(posixpath.join(base, target.lstrip("/")))
    return None if path.startswith("..") else path
