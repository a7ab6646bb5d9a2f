"""Raw HTML and links in markdown: what would run in readers' browsers, what loads from
elsewhere, and where a relative link points."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..core import mdtext

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------- active HTML

# Embeds (<iframe>, <object>, <embed>, <video>, <audio>) are not here: what they load is
# their source, which `external_embeds` handles by edition; script URLs in them are caught
# below like any other.
_ACTIVE_TAG = re.compile(
    r"<(?=[A-Za-z])(script|frame|frameset|applet|base|meta)(?![A-Za-z0-9-])",
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
# Wider than `_HANDLER` and than a script or data scheme, and quick to search for (each
# starts with a letter, not a look-behind): what a text must hold for `active_html` to find
# a handler or a URL in it.
_HANDLER_ANYWHERE = re.compile(r"on[a-z]{2,30}[ \t]{0,10}=", re.IGNORECASE)
# `script:` and `data:` with what `_IGNORED_IN_SCHEME` drops between their letters, each
# letter as `re` matches it ignoring case (long s is an `s` to it; dotless i and dotted
# capital I are an `i`): a class, not a flag, so `re` skips to the first letter.
_FOLDS = {"s": "sS\u017f", "i": "iI\u0130\u0131"}
_GAP = "[\x00-\x20]*"
_SCHEMES_ANYWHERE = tuple(
    re.compile(_GAP.join(f"[{_FOLDS.get(c, c + c.upper())}]" for c in word) + _GAP + ":")
    for word in ("script", "data")
)


def _may_hold_scheme(text: str) -> bool:
    """Whether a URL token of `text` could decode to a script or data URL: its decoded
    scheme, control characters dropped, is a piece of the decoded text."""
    decoded = html.unescape(text) if "&" in text else text
    return any(scheme.search(decoded) for scheme in _SCHEMES_ANYWHERE)


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
    # Each of the next two needs something a line seldom has: read tag by tag only then
    # (a generated table is a line of many tags).
    tags = _RAW_TAG.finditer(line) if _HANDLER_ANYWHERE.search(line) else ()
    for tag_match in tags:
        for m in _HANDLER.finditer(line, tag_match.start(), tag_match.end()):
            name = m.group(1).lower()
            what = f"an event-handler attribute {name}="
            found.append(Active(m.start(1), m.end(1), what, "blocked-" + name))
    starts = _URL_START.finditer(line) if _may_hold_scheme(line) else ()
    for m in starts:
        token = _URL_TOKEN.match(line, m.end())
        if token is None:
            continue
        url = _IGNORED_IN_SCHEME.sub("", html.unescape(token.group()))
        scheme = _SCRIPT_SCHEME.match(url)
        if scheme:
            what = f"a {scheme.group(1).lower()}: URL"
            found.append(Active(token.start(), token.end(), what, "blocked:"))
    return sorted(found, key=lambda a: a.start)


def may_be_active(text: str) -> bool:
    """False when `active_html` can find nothing in any part of `text`: no active tag, no
    event handler, and no script or data scheme even once references are decoded and
    control characters dropped (a URL token's decoded scheme is a piece of that)."""
    if _ACTIVE_TAG.search(text) or _HANDLER_ANYWHERE.search(text):
        return True
    return _may_hold_scheme(text)


def neutralize(body: str) -> str:
    """The body with raw active HTML turned into inert text (errors report it anyway)."""
    if not may_be_active(body):
        return body  # most pages: no line to walk

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


# ---------------------------------------------------------------- embeds

# One embed element, over lines: its start tag, then (unless it is a void <embed>) what it
# holds up to its end tag (a <video>'s <source>s, an <iframe>'s fallback text).
_EMBED = re.compile(
    r"<(iframe|video|audio|embed|object)(?![A-Za-z0-9-])([^<>]{0,4000})>"
    r"(?:(?:(?!</?\1\b).){0,20000}?</\1[ \t\n]{0,10}>)?",
    re.IGNORECASE | re.DOTALL,
)
_EMBED_URL = re.compile(
    r"\b(src|data|poster)[ \t\n]{0,10}=[ \t\n]{0,10}[\"']?[ \t\n]{0,10}"
    r"((?:https?:)?//[^\s\"'<>]{1,2000})",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"\btitle[ \t\n]{0,10}=[ \t\n]{0,10}(?:\"([^\"]{1,500})\"|'([^']{1,500})')", re.I
)


@dataclass(frozen=True)
class Embed:
    """An element of a body that embeds content from another site."""

    start: int
    end: int
    tag: str
    url: str
    host: str
    title: str

    def link(self) -> str:
        """The plain link and visible note the audit edition shows instead of the embed."""
        href = html.escape(self.url, quote=True)
        label = html.escape(self.title or self.url, quote=False)
        return (
            f'<span class="evidence-embed"><a href="{href}">{label}</a> '
            f"<em>(embedded from {html.escape(self.host)}; the audit edition links to it "
            "instead of loading it)</em></span>"
        )


def external_embeds(body: str) -> list[Embed]:
    """Every <iframe>, <video>, <audio>, <embed> or <object> in the prose of `body` that
    loads something from another site, in order."""
    if "<" not in body:
        return []
    prose = _prose_ranges(body)
    found = []
    for m in _EMBED.finditer(body):
        if not any(start <= m.start() < end for start, end in prose):
            continue
        # The content itself rather than a video's poster image, when both are external.
        urls = sorted(_EMBED_URL.finditer(m.group()), key=lambda u: u.group(1).lower() == "poster")
        if not urls:
            continue
        target = html.unescape(urls[0].group(2))
        if target.startswith("//"):
            target = "https:" + target
        host = target.split("//", 1)[1].split("/", 1)[0]
        title = _TITLE.search(m.group(2))
        label = html.unescape(title.group(1) or title.group(2)) if title else ""
        found.append(Embed(m.start(), m.end(), m.group(1).lower(), target, host, label))
    return found


def link_embeds(body: str) -> str:
    """`body` with every external embed replaced by a plain link to it and a note."""
    embeds = external_embeds(body)
    if not embeds:
        return body
    out, last = [], 0
    for embed in embeds:
        out.append(body[last : embed.start])
        out.append(embed.link())
        last = embed.end
    out.append(body[last:])
    return "".join(out)


def _prose_ranges(body: str) -> list[tuple[int, int]]:
    """Offsets (start, end) of the runs of prose of `body`: outside code blocks and spans."""
    starts = [0]
    newline = body.find("\n")
    while newline >= 0:
        starts.append(newline + 1)
        newline = body.find("\n", newline + 1)
    ranges: list[tuple[int, int]] = []

    def collect(text: str, index: int, column: int) -> str:
        start = starts[index] + column
        ranges.append((start, start + len(text)))
        return text

    mdtext.map_prose(body, collect)
    return ranges


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
