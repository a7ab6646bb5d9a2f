"""What a build leaves out, decided once (`decide`): pages marked internal, postmortems not
sanitized, unreadable pages and stray files; and blocks between `<!-- internal -->` markers."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core import mdtext
from ..core.loader import MARKDOWN, type_for
from ..core.model import Document, Finding
from ..core.options.publish import (
    INTERNAL,
)
from ..core.publication import Publication, frozen

if TYPE_CHECKING:
    from ..core.evidence import Evidence

# ---------------------------------------------------------------- what is withheld


def decide(evidence: Evidence) -> Publication:
    """Whether each source is published: the pipeline's one decision, made before the
    checks run; nothing changes it afterwards."""
    tree = evidence.tree
    unpublished = set(tree.unpublishable)
    unpublished.update(uri for uri, doc in tree.documents.items() if not doc.publishable)
    if not evidence.settings.publish.audit:
        return Publication(unpublished=frozenset(unpublished))
    withheld = _withheld(evidence)
    unpublished.update(withheld)
    for src_uri, doc in tree.documents.items():
        if src_uri not in unpublished and internal_blocks(doc.body).problems:
            unpublished.add(src_uri)
    stray = tuple(_stray(evidence))
    unpublished.update(stray)
    return Publication(frozen(withheld), frozenset(unpublished), stray)


def _withheld(evidence: Evidence) -> dict[str, str]:
    """Documents the audit edition leaves out, with the reason (src_uri -> reason)."""
    result = {}
    for src_uri, doc in evidence.tree.documents.items():
        if doc.field("visibility") == INTERNAL:
            result[src_uri] = "internal"
        elif doc.doc_type == "postmortem" and doc.field("sanitized") is not True:
            result[src_uri] = "unsanitized"
    return result


def _stray(evidence: Evidence) -> list[str]:
    """Files that are neither pages, typed data nor an allowed asset type: never copied."""
    settings = evidence.settings
    allowed = settings.publish.allowed_assets
    found = []
    # The loader has already reported links that leave the repository.
    for src_uri in evidence.tree.files:
        if src_uri.endswith(MARKDOWN) or src_uri in evidence.tree.data:
            continue
        if type_for(src_uri, settings.types):
            continue
        if extension(src_uri) not in allowed:
            found.append(src_uri)
    return found


def extension(src_uri: str) -> str:
    """The lower-case extension of a file name, empty when it has none."""
    name = posixpath.basename(src_uri)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# ---------------------------------------------------------------- internal blocks

_MARKER = re.compile(r"^([ \t]{0,12})<!--[ \t]*(/?)internal[ \t]*-->[ \t]*$", re.IGNORECASE)
_ANY_MARKER = re.compile(r"<!--[ \t]{0,10}/?internal[ \t]{0,10}-->", re.IGNORECASE)
# What both of the above need somewhere in a body (unbounded, as `_MARKER` is).
_SOME_MARKER = re.compile(r"<!--[ \t]*/?internal[ \t]*-->", re.IGNORECASE)
REDACTED_BLOCK = "*Redacted: internal content is not part of the audit edition.*"
WITHHELD_PAGE = "*Withheld: this document is not part of the audit edition.*\n"


@dataclass(frozen=True)
class Blocks:
    """The internal blocks of a body: line ranges (0-based, inclusive) and marker errors."""

    ranges: tuple[tuple[int, int], ...]
    problems: tuple[tuple[int, str], ...]
    indents: tuple[str, ...] = ()

    def covers(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.ranges)


_NO_BLOCKS = Blocks((), ())


def internal_blocks(body: str) -> Blocks:
    """Pair the markers outside code; nested blocks are cut with their outer block."""
    if not _SOME_MARKER.search(body):
        return _NO_BLOCKS  # most documents: no marker, and no line to walk
    markers: list[tuple[int, bool, str]] = []
    stray: list[tuple[int, str]] = []

    def collect(text: str, index: int, column: int) -> str:
        if "internal" not in text.lower():
            return text
        marker = _MARKER.match(text) if column == 0 else None
        if marker:
            markers.append((index, marker.group(2) == "/", marker.group(1)))
        elif _ANY_MARKER.search(text):
            stray.append((index, "inline"))
        return text

    if "internal" in body.lower():
        mdtext.map_prose(body, collect)
    ranges: list[tuple[int, int]] = []
    indents: list[str] = []
    problems: list[tuple[int, str]] = []
    depth, opened, indent = 0, 0, ""
    for index, closing, spaces in markers:
        if not closing:
            if depth == 0:
                opened, indent = index, spaces
            depth += 1
        elif depth == 0:
            problems.append((index, "close"))
        else:
            depth -= 1
            if depth == 0:
                ranges.append((opened, index))
                indents.append(indent)
    if depth:
        problems.append((opened, "open"))
    problems = sorted(problems + stray)
    return Blocks(tuple(ranges), tuple(problems), tuple(indents))


def cut_blocks(body: str, blocks: Blocks) -> str:
    """The body with each internal block replaced by one visible note."""
    if not blocks.ranges:
        return body
    lines = body.split("\n")
    out: list[str] = []
    last = 0
    for (start, end), indent in zip(blocks.ranges, blocks.indents, strict=True):
        out.extend(lines[last:start])
        out.append(indent + REDACTED_BLOCK)
        last = end + 1
    out.extend(lines[last:])
    return "\n".join(out)


def marker_findings(doc: Document, blocks: Blocks) -> list[Finding]:
    findings = []
    for index, kind in blocks.problems:
        if kind == "open":
            message = (
                "<!-- internal --> is never closed, so the audit edition does not publish "
                "this page; close the block with <!-- /internal -->"
            )
        elif kind == "inline":
            message = (
                "an internal marker that is not a line of its own (in a quote, a table or "
                "after text) cuts nothing, so the audit edition does not publish this page; "
                "put the marker on its own line"
            )
        else:
            message = (
                "<!-- /internal --> closes no block, so the audit edition does not publish "
                "this page; remove it or open the block with <!-- internal -->"
            )
        findings.append(Finding(doc.path, doc.body_line + index, 1, "internal-marker", message))
    return findings


def prune_nav(nav: Any, hidden: Mapping[str, str] | AbstractSet[str]) -> Any:
    """The `nav` config without entries for withheld pages, and without emptied sections."""
    if isinstance(nav, list):
        items = [prune_nav(item, hidden) for item in nav]
        return [item for item in items if item not in (None, [], {})]
    if isinstance(nav, dict):
        result = {}
        for title, value in nav.items():
            kept = prune_nav(value, hidden)
            if kept not in (None, [], {}):
                result[title] = kept
        return result
    if isinstance(nav, str) and nav.lstrip("/") in hidden:
        return None
    return nav
