"""Redaction before rendering: every sensitive value replaced by a visible mark in pages,
front matter and generated pages, and escaping of what reaches HTML."""

from __future__ import annotations

import bisect
import dataclasses
import html
import itertools
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..core.model import Document, map_strings, strings
from ..core.options.publish import (
    REDACTED_PREFIX,
)
from . import detectors
from .detectors import Detector, detector_for
from .html import link_embeds, neutralize
from .withhold import WITHHELD_PAGE, cut_blocks, internal_blocks

if TYPE_CHECKING:
    from ..core.evidence import Evidence, Page

# ---------------------------------------------------------------- the page transform


def transform(evidence: Evidence, doc: Document, page: Page) -> Page:
    """The page as the audience may see it; registered last, so it sees every change."""
    publish = evidence.settings.publish
    if publish.audit and not evidence.publication.publishes(doc.src_uri):
        # Only a generated page that gathers others (a print view) asks for one of these.
        return dataclasses.replace(page, meta={"title": "Withheld"}, body=WITHHELD_PAGE)
    body = page.body
    meta = page.meta
    if publish.audit:
        body = link_embeds(cut_blocks(body, internal_blocks(body)))
        detector = detector_for(publish)
        body = redact_text(body, detector)
        meta = redact_meta(meta, detector)
    body = neutralize(body)
    meta = map_strings(meta, lambda s: html.escape(s, quote=True))
    return dataclasses.replace(page, meta=meta, body=body)


def redact_text(text: str, detector: Detector) -> str:
    """`text` with every sensitive value replaced by a visible redaction mark."""
    return detectors.redact(text, detector, detectors.note_for)[0]


def redact_meta(meta: Any, detector: Detector) -> Any:
    """Front matter with every sensitive value redacted: one search over all its strings
    finds the ones that hold a value (the same search the redaction findings make), and only
    those are redacted, each on its own."""
    texts = dict(strings(meta))
    dirty = {texts[json_path] for json_path, _ in find_in_strings(detector, list(texts.items()))}
    if not dirty:
        return meta
    return map_strings(meta, lambda text: redact_text(text, detector) if text in dirty else text)


# Between front-matter strings searched as one text: no pattern matches across a NUL.
STRING_SEPARATOR = "\n\x00\n"


def joined_starts(texts: Sequence[str]) -> list[int]:
    """Where each text starts once they are joined with STRING_SEPARATOR (and, last, where
    a text after them would)."""
    gap = len(STRING_SEPARATOR)
    return list(itertools.accumulate((len(text) + gap for text in texts), initial=0))


def find_in_strings(
    detector: Detector, texts: list[tuple[str, str]]
) -> Iterator[tuple[str, detectors.Match]]:
    """(json path, match) of every sensitive value in (json path, text) pairs.

    One search over the joined texts: a document has dozens of short strings, and a search
    per string paid the detectors' fixed cost dozens of times.
    """
    if not texts:
        return
    starts = joined_starts([text for _, text in texts])
    joined = STRING_SEPARATOR.join(text for _, text in texts)
    for match in detector.find(joined):
        index = bisect.bisect_right(starts, match.start) - 1
        json_path, text = texts[index]
        if match.end <= starts[index] + len(text):
            yield json_path, match


# ---------------------------------------------------------------- generated pages


def generated_pages(evidence: Evidence, generated: Mapping[str, str]) -> dict[str, str]:
    """Generated pages as the audience may see them: in the audit edition redacted and
    with active HTML made inert; the generators' own escaping is kept either way."""
    publish = evidence.settings.publish
    if not publish.audit:
        return dict(generated)
    detector = detector_for(publish)
    return {
        # Markdown has its active HTML made inert; a data file (the calendar) is no page.
        src_uri: (neutralize(text) if src_uri.endswith(".md") else text)
        for src_uri, content in generated.items()
        for text in (redact_text(content, detector),)
    }


KIND_LABELS = {
    "internal-block": "Internal blocks",
    "secret": "Secrets",
    "email": "Emails",
    "phone": "Phone numbers",
    "ip-address": "IP addresses",
    "card-number": "Card numbers",
    "iban": "IBANs",
    "internal-host": "Internal hosts",
    "deny-term": "Deny-listed terms",
}


def redaction_counts(evidence: Evidence) -> dict[str, Counter[str]]:
    """Per source path, how many items of each kind the audit edition redacts."""
    counts: dict[str, Counter[str]] = {}
    if not evidence.settings.publish.audit:
        return counts
    kinds = {r.id: r.kind for r in detector_for(evidence.settings.publish).rules}
    for finding in evidence.findings:
        if finding.rule.startswith(REDACTED_PREFIX):
            kind = kinds.get(finding.rule[len(REDACTED_PREFIX) :], "secret")
            counts.setdefault(finding.path, Counter())[kind] += 1
    for src_uri, doc in evidence.tree.documents.items():
        if not evidence.publication.publishes(src_uri):
            continue
        blocks = len(internal_blocks(doc.body).ranges)
        if blocks:
            counts.setdefault(doc.path, Counter())["internal-block"] += blocks
    return counts
