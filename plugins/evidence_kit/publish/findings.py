"""Source findings of publication: markers, active HTML, external assets, withheld
documents and links to them, redactions (warnings, never the values), stray files."""

from __future__ import annotations

import bisect
import posixpath
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..core import mdtext, mkdocs_yml, rendered
from ..core.fill import fill_body, fill_meta, fill_texts
from ..core.loader import type_for
from ..core.model import Document, Finding, Mark, Severity, strings
from ..core.options.incidents import TYPE as POSTMORTEM
from ..core.options.publish import (
    NEVER_ASSETS,
    REDACTED_PREFIX,
)
from ..rules import Rule, table
from . import detectors
from .detectors import detector_for
from .html import Embed, active_html, external_assets, external_embeds, link_targets, resolve
from .redact import STRING_SEPARATOR, find_in_strings, joined_starts
from .withhold import Blocks, extension, internal_blocks, marker_findings

RULES: tuple[Rule, ...] = table(
    """
    internal-marker      publication  error
        An <!-- internal --> marker without its pair, or nested.
    active-html          publication  error
        Raw HTML that would run in readers' browsers: scripts, handlers, js links.
    external-asset       publication  error
        An image, script or style loaded from another site.
    link-withheld        publication  error
        A published page links to a page the audit edition withholds.
    file-name            publication  error
        A file name that contains personal data or a secret, published in a URL.
    file-not-published   publication  error
        A file that is not a page, typed data or an allowed asset type.
    postmortem-withheld  publication  warning
        A postmortem not marked sanitized: true, left out of the audit site.
    external-embed       publication  warning
        A video or iframe from another site, shown as a link in the audit site.
    publish-unprotected  publication  warning
        Postmortems published with no deny_terms or internal_hosts to catch names and hosts.
    """
)

if TYPE_CHECKING:
    from ..core.evidence import Evidence

# ---------------------------------------------------------------- the rule


def check(evidence: Evidence) -> list[Finding]:
    """Source findings of publication: markers, active HTML, external assets, withheld
    documents and links to them, redactions (warnings, never the values), stray files."""
    publish = evidence.settings.publish
    tree = evidence.tree
    hidden = evidence.publication.withheld
    findings: list[Finding] = []
    published: list[tuple[Document, Blocks, str]] = []
    for src_uri, doc in sorted(tree.documents.items()):
        if not doc.publishable or src_uri in tree.unpublishable:
            continue
        if src_uri in hidden:
            if hidden[src_uri] == "unsanitized":
                findings.append(_withheld_postmortem(doc))
            continue
        blocks = internal_blocks(doc.body)
        findings.extend(marker_findings(doc, blocks))
        if publish.audit and blocks.problems:
            continue
        published.append((doc, blocks, fill_body(doc.body, evidence.values)))
        if len(published) == _DOCUMENTS_AT_ONCE:
            findings.extend(_pages_findings(evidence, published))
            published = []
    findings.extend(_pages_findings(evidence, published))
    if publish.audit:
        findings.extend(_data_findings(evidence))
        findings.extend(_stray_files(evidence))
        findings.extend(_unprotected(evidence))
    return findings


# Documents whose filled bodies are held at once: their texts are searched for redactions
# together, and the memory a check takes does not grow with the tree.
_DOCUMENTS_AT_ONCE = 500


def _pages_findings(
    evidence: Evidence, published: list[tuple[Document, Blocks, str]]
) -> list[Finding]:
    """The findings of published documents' pages (bodies filled)."""
    audit = evidence.settings.publish.audit
    hidden = evidence.publication.withheld
    redactable = _redactable(evidence, published) if audit else set()
    named = _named_files(evidence, [doc for doc, _, _ in published]) if audit else set()
    findings: list[Finding] = []
    for doc, blocks, body in published:
        findings.extend(_page_findings(evidence, doc, blocks, body, hidden))
        if doc.src_uri in redactable:
            findings.extend(_redactions(evidence, doc, body, blocks))
        if doc.src_uri in named:
            findings.extend(_path_findings(evidence, doc.src_uri, doc.path))
    return findings


def _unprotected(evidence: Evidence) -> list[Finding]:
    """The audit edition publishes postmortems, but nothing names what they must not say.

    Detectors find emails and keys by their shape; a customer's name or an internal host
    has none, and postmortems are where both appear. A tree without published postmortems
    (a starter, a small project) gets no warning: it would only be noise there.
    """
    settings = evidence.settings
    publish = settings.publish
    if publish.deny_terms or publish.internal_hosts:
        return []
    published = [
        doc
        for src_uri, doc in evidence.tree.documents.items()
        if doc.doc_type == POSTMORTEM
        and src_uri not in evidence.invalid
        and evidence.publication.publishes(src_uri)
    ]
    if not published:
        return []
    count = len(published)
    message = (
        f"the audit edition publishes {count} postmortem{'s' * (count != 1)}, but publish: "
        "deny_terms and internal_hosts are empty, so customer and code names and internal "
        "hosts in them are not caught; list them under publish: deny_terms and internal_hosts"
    )
    at = mkdocs_yml.plugin_mark(settings.root / settings.config_file, "publish")
    return [
        Finding(
            settings.config_file,
            at.line,
            at.column,
            "publish-unprotected",
            message,
            severity=Severity.WARNING,
        )
    ]


def _withheld_postmortem(doc: Document) -> Finding:
    at = doc.meta.mark("$.sanitized", Mark(1, 1))
    return Finding(
        doc.path,
        at.line,
        at.column,
        "postmortem-withheld",
        "not published in the audit edition: sanitized is not true; remove customer names, "
        "personal data and secrets, then set sanitized: true",
        severity=Severity.WARNING,
        field="$.sanitized",
    )


def _page_findings(
    evidence: Evidence, doc: Document, blocks: Blocks, body: str, hidden: Mapping[str, str]
) -> list[Finding]:
    audit = evidence.settings.publish.audit
    findings: list[Finding] = []
    embeds = external_embeds(body)
    line_starts = _line_starts(body) if embeds else [0]
    if audit:
        findings.extend(_embed_findings(doc, embeds, line_starts, blocks))

    def embedded(index: int, column: int) -> bool:
        offset = line_starts[index] + column if embeds else 0
        return any(e.start <= offset < e.end for e in embeds)

    def check(text: str, index: int, column: int) -> str:
        # Tags, attributes, links and images all need one of these characters.
        if "<" not in text and "]" not in text and "=" not in text:
            return text
        if audit and blocks.covers(index):
            return text
        line = doc.body_line + index
        for active in active_html(text):
            message = f"{active.what} would run in readers' browsers; remove it"
            findings.append(
                Finding(doc.path, line, column + active.start + 1, "active-html", message)
            )
        for start, host in external_assets(text):
            if embeds and embedded(index, column + start):
                continue  # an embed's source: left as written, or a link (audit edition)
            message = (
                f"an asset loaded from {host} would be fetched by readers' browsers; "
                "copy the file into the evidence folder and link it relatively"
            )
            findings.append(Finding(doc.path, line, column + start + 1, "external-asset", message))
        if audit and hidden:
            for start, target in link_targets(text):
                findings.extend(_withheld_link(doc, line, column + start + 1, target, hidden))
        return text

    mdtext.map_prose(body, check)
    return findings


# Texts searched at once (a batch of documents' bodies and front matter strings): most hold
# nothing to redact, and one search over many pays the detectors' fixed cost once.
_BATCH = 20_000


def _touched(detector: detectors.Detector, texts: list[str]) -> set[int]:
    """The texts (by index) that a match of the detector touches, searched a batch at a
    time: a text not named holds nothing the detector finds (a match that crossed from one
    text into the next names both)."""
    touched: set[int] = set()
    for first in range(0, len(texts), _BATCH):
        batch = texts[first : first + _BATCH]
        matches = detector.find(STRING_SEPARATOR.join(batch))
        if not matches:
            continue  # the usual case: no offsets to work out
        starts = joined_starts(batch)
        for match in matches:
            begin = bisect.bisect_right(starts, match.start) - 1
            end = bisect.bisect_right(starts, max(match.start, match.end - 1)) - 1
            touched.update(range(first + begin, first + end + 1))
    return touched


def _redactable(evidence: Evidence, published: list[tuple[Document, Blocks, str]]) -> set[str]:
    """The documents whose body or front matter (filled) may hold something to redact."""
    owners: list[str] = []
    texts: list[str] = []
    for doc, _, body in published:
        filled = fill_texts(doc.meta.texts, evidence.values)
        texts += (detectors.Decoded.of(body).text, *filled)
        owners += [doc.src_uri] * (1 + len(filled))
    touched = _touched(detector_for(evidence.settings.publish), texts)
    return {owners[index] for index in touched}


def _named_files(evidence: Evidence, docs: list[Document]) -> set[str]:
    """The documents whose file name may hold something the detectors find."""
    # Without the extension: `.md` would read as part of an address's domain.
    names = [posixpath.splitext(doc.src_uri)[0] for doc in docs]
    touched = _touched(detector_for(evidence.settings.publish), names)
    return {docs[index].src_uri for index in touched}


def _embed_findings(
    doc: Document, embeds: list[Embed], line_starts: list[int], blocks: Blocks
) -> list[Finding]:
    findings = []
    for embed in embeds:
        index = _line_of(line_starts, embed.start)
        if blocks.covers(index):
            continue
        message = (
            f"the <{embed.tag}> from {embed.host} is published as a link in the audit edition, "
            "so readers' browsers load nothing from elsewhere; copy the file into the evidence "
            "folder to embed it"
        )
        column = embed.start - line_starts[index] + 1
        findings.append(
            Finding(
                doc.path,
                doc.body_line + index,
                column,
                "external-embed",
                message,
                severity=Severity.WARNING,
            )
        )
    return findings


def _withheld_link(
    doc: Document, line: int, column: int, target: str, hidden: Mapping[str, str]
) -> list[Finding]:
    path = resolve(doc.src_uri, target)
    if path is None or path not in hidden:
        return []
    why = "visibility: internal" if hidden[path] == "internal" else "not sanitized: true"
    message = (
        f"links to {target.split('#', 1)[0]}, which the audit edition does not publish "
        f"({why}); remove the link or put it in an <!-- internal --> block"
    )
    return [Finding(doc.path, line, column, "link-withheld", message)]


def _redactions(evidence: Evidence, doc: Document, body: str, blocks: Blocks) -> list[Finding]:
    detector = detector_for(evidence.settings.publish)
    findings = []
    line_starts = _line_starts(body)
    _, spans = detectors.redact(body, detector, detectors.note_for)
    for match, start, _ in spans:
        index = _line_of(line_starts, start)
        if blocks.covers(index):
            continue
        column = start - line_starts[index] + 1
        findings.append(_redaction(doc.path, doc.body_line + index, column, match))
    meta = fill_meta(doc.meta.value, evidence.values)
    for json_path, match in find_in_strings(detector, list(strings(meta))):
        at = doc.meta.mark(json_path)
        findings.append(_redaction(doc.path, at.line, at.column, match, json_path))
    return findings


def _redaction(
    path: str, line: int, column: int, match: detectors.Match, json_path: str | None = None
) -> Finding:
    rule = match.rule
    message = (
        f"{rule.description} is redacted from the audit edition (fingerprint "
        f"{match.fingerprint}); remove it from the source, or allow the exact value under "
        f"publish: allow: {rule.id}"
    )
    return Finding(
        path,
        line,
        column,
        REDACTED_PREFIX + rule.id,
        message,
        severity=Severity.WARNING,
        field=json_path,
    )


def _path_findings(evidence: Evidence, src_uri: str, path: str) -> list[Finding]:
    """A file name is published as a URL, which no redaction can change."""
    findings = []
    # Without the extension: `.md` would read as part of an address's domain.
    for match in detector_for(evidence.settings.publish).find(posixpath.splitext(src_uri)[0]):
        message = (
            f"the file name contains {match.rule.description} (fingerprint "
            f"{match.fingerprint}), which would be published in the page's URL; rename the file"
        )
        findings.append(Finding(path, 1, 1, "file-name", message))
    return findings


def _data_findings(evidence: Evidence) -> list[Finding]:
    """Values of typed data files that pages made from them would show redacted; a field
    no page shows (a contact's email) is never published, so nothing is redacted from it."""
    detector = detector_for(evidence.settings.publish)
    findings = []
    for src_uri, data in sorted(evidence.tree.data.items()):
        if src_uri in evidence.invalid:
            continue
        keys = [
            str(source.key)
            for source in evidence.settings.placeholders.values()
            if source.data is not None and source.data.strip("/") == src_uri and source.key
        ]
        for json_path, text in strings(data.data.value):
            if not rendered.shown(data.doc_type, json_path, keys):
                continue
            for match in detector.find(text):
                at = data.data.mark(json_path)
                findings.append(_redaction(data.path, at.line, at.column, match, json_path))
    return findings


def _stray_files(evidence: Evidence) -> list[Finding]:
    """Files that are neither pages, typed data nor allowed assets: never copied."""
    settings = evidence.settings
    publish = settings.publish
    findings = []
    for src_uri in evidence.publication.stray:
        path = settings.docs_dir / src_uri
        ext = extension(src_uri)
        if type_for(src_uri, {p: "private" for p in publish.private_files}):
            continue
        folder = settings.rel(settings.docs_dir)
        if ext in NEVER_ASSETS:
            message = (
                f"not published: .{ext} files are data and are never copied to the site; "
                f"move it out of {folder}/ or list it under publish: private_files"
            )
        else:
            kind = f".{ext} files are" if ext else "a file without extension is"
            message = (
                f"not published: {kind} not an allowed asset type; add the type to "
                f"publish: allowed_assets, list the file under publish: private_files, or "
                f"move it out of {folder}/"
            )
        findings.append(Finding(settings.rel(path), 1, 1, "file-not-published", message))
    return findings


def _line_starts(text: str) -> list[int]:
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1
