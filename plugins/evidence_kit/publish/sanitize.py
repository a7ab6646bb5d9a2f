"""Publication for an audience: what the audit edition leaves out, redacts and escapes.

Two audiences, one source. The audit edition (the default) leaves out pages marked
`visibility: internal`, blocks between `<!-- internal -->` and `<!-- /internal -->`,
postmortems not marked `sanitized: true` and every file that is not an allowed asset; it
replaces personal data, secrets, internal host names and deny-listed terms in markdown and
front matter before MkDocs renders anything, so neither anchors nor the search index ever
see them. The internal edition publishes everything, for the team. Both escape front
matter and config text that reaches HTML (Jinja autoescape is off in MkDocs) and refuse
raw active HTML.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import difflib
import html
import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core import mdtext
from ..core.model import Document, Finding, Mark, Severity, map_strings, strings
from ..publish import detectors
from ..publish.detectors import Detector

if TYPE_CHECKING:
    from ..pipeline import Evidence, Page

AUDIT = "audit"
INTERNAL = "internal"
AUDIENCES = (AUDIT, INTERNAL)
ENV_AUDIENCE = "EVIDENCE_AUDIENCE"

DEFAULT_ASSETS = ("png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "css", "pdf")
# Data and secrets formats: never copied to a site, whatever the config says.
NEVER_ASSETS = frozenset(
    {
        *("yml", "yaml", "json", "jsonl", "csv", "tsv", "env", "log", "ini", "toml", "conf"),
        *("cfg", "sql", "db", "sqlite", "bak", "key", "pem", "p12", "pfx", "jks", "kdbx"),
        *("md", "markdown"),
    }
)
REPORT_PAGE = "publication-report.md"
REDACTED_PREFIX = "redacted-"


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class AllowEntry:
    """An exception of the post-build gate: one fingerprint, owned, reasoned, expiring."""

    fingerprint: str
    owner: str
    reason: str
    expires: dt.date
    index: int = 0


@dataclass(frozen=True)
class Publish:
    """The `publish:` option: audience, copied assets and the redaction rules."""

    audience: str = AUDIT
    allowed_assets: frozenset[str] = frozenset(DEFAULT_ASSETS)
    private_files: tuple[str, ...] = ()
    internal_hosts: tuple[str, ...] = ()
    deny_terms: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    allow: Mapping[str, frozenset[str]] = field(default_factory=dict)
    gate_allow: tuple[AllowEntry, ...] = ()
    detector: Detector = field(default_factory=lambda: Detector.configure(), compare=False)

    @property
    def audit(self) -> bool:
        return self.audience == AUDIT


_KEYS = (
    "audience",
    "allowed_assets",
    "private_files",
    "internal_hosts",
    "deny_terms",
    "rules",
    "allow",
    "gate_allow",
)
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_EXTENSION = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,15}$")


def parse_publish(value: Any, errors: list[str], env: Mapping[str, str] | None = None) -> Publish:
    """The `publish:` option checked; EVIDENCE_AUDIENCE overrides its audience."""
    env = os.environ if env is None else env
    options = value if value is not None else {}
    if not isinstance(options, Mapping):
        errors.append("publish: expected a mapping of publication options")
        options = {}
    for key in options:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; use {', '.join(_KEYS)}"
            errors.append(f"publish: unknown option {key!r}{hint}")
    audience = env.get(ENV_AUDIENCE) or options.get("audience", AUDIT)
    if audience not in AUDIENCES:
        source = ENV_AUDIENCE if env.get(ENV_AUDIENCE) else "publish: audience"
        errors.append(f"{source}: {audience!r} is not one of {', '.join(AUDIENCES)}")
        audience = AUDIT
    assets = _assets(options.get("allowed_assets", list(DEFAULT_ASSETS)), errors)
    private = _texts(options.get("private_files", []), "private_files", errors)
    hosts = _texts(options.get("internal_hosts", []), "internal_hosts", errors)
    for pattern in hosts:
        if not detectors.valid_host_pattern(pattern):
            errors.append(f"publish: internal_hosts: {pattern!r} is not a host name pattern")
    terms = _texts(options.get("deny_terms", []), "deny_terms", errors)
    disabled = _switches(options.get("rules", {}), errors)
    allow = _allow(options.get("allow", {}), errors)
    gate_allow = _gate_allow(options.get("gate_allow", []), errors)
    detector = Detector.configure(
        disabled=disabled, allow=allow, internal_hosts=hosts, deny_terms=terms
    )
    return Publish(
        audience=str(audience),
        allowed_assets=assets,
        private_files=tuple(private),
        internal_hosts=tuple(hosts),
        deny_terms=tuple(terms),
        disabled=disabled,
        allow=allow,
        gate_allow=gate_allow,
        detector=detector,
    )


def _texts(value: Any, name: str, errors: list[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"publish: {name}: expected a list of texts")
        return []
    return [v.strip() for v in value]


def _assets(value: Any, errors: list[str]) -> frozenset[str]:
    result = set()
    for ext in _texts(value, "allowed_assets", errors):
        ext = ext.lower().lstrip(".")
        if not _EXTENSION.match(ext):
            errors.append(f"publish: allowed_assets: {ext!r} is not a file extension")
        elif ext in NEVER_ASSETS:
            errors.append(
                f"publish: allowed_assets: .{ext} files are data and are never published; remove it"
            )
        else:
            result.add(ext)
    return frozenset(result)


def _rule_id(rule: Any, where: str, errors: list[str]) -> bool:
    if rule in detectors.RULE_IDS:
        return True
    close = difflib.get_close_matches(str(rule), detectors.RULE_IDS, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see the README for the rule ids"
    errors.append(f"publish: {where}: unknown rule {rule!r}; {hint}")
    return False


def _switches(value: Any, errors: list[str]) -> frozenset[str]:
    if not isinstance(value, Mapping):
        errors.append("publish: rules: expected a mapping of rule ids to true or false")
        return frozenset()
    off = set()
    for rule, on in value.items():
        if not _rule_id(rule, "rules", errors):
            continue
        if not isinstance(on, bool):
            errors.append(f"publish: rules: {rule}: expected true or false, got {on!r}")
        elif not on:
            off.add(str(rule))
    return frozenset(off)


def _allow(value: Any, errors: list[str]) -> dict[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        errors.append("publish: allow: expected a mapping of rule ids to lists of exact values")
        return {}
    result = {}
    for rule, values in value.items():
        if _rule_id(rule, "allow", errors):
            result[str(rule)] = frozenset(_texts(values, f"allow: {rule}", errors))
    return result


def _gate_allow(value: Any, errors: list[str]) -> tuple[AllowEntry, ...]:
    if not isinstance(value, list):
        errors.append(
            "publish: gate_allow: expected a list of {fingerprint, owner, reason, expires}"
        )
        return ()
    entries = []
    for index, item in enumerate(value):
        where = f"publish: gate_allow[{index}]"
        if not isinstance(item, Mapping) or set(item) != {
            "fingerprint",
            "owner",
            "reason",
            "expires",
        }:
            errors.append(f"{where}: give exactly fingerprint, owner, reason and expires")
            continue
        fingerprint, owner, reason = item["fingerprint"], item["owner"], item["reason"]
        if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
            errors.append(f"{where}: fingerprint: expected the 16 hex digits a finding names")
            continue
        if not all(isinstance(v, str) and v.strip() for v in (owner, reason)):
            errors.append(f"{where}: owner and reason must be texts")
            continue
        expires = _date(item["expires"])
        if expires is None:
            errors.append(f"{where}: expires: {item['expires']!r} is not a date (YYYY-MM-DD)")
            continue
        entries.append(AllowEntry(fingerprint, owner.strip(), reason.strip(), expires, index))
    return tuple(entries)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------- what is withheld


def withheld(evidence: Evidence) -> dict[str, str]:
    """Documents the audit edition leaves out, with the reason (src_uri -> reason)."""
    if not evidence.settings.publish.audit:
        return {}
    result = {}
    for src_uri, doc in evidence.tree.documents.items():
        if doc.field("visibility") == INTERNAL:
            result[src_uri] = "internal"
        elif doc.doc_type == "postmortem" and doc.field("sanitized") is not True:
            result[src_uri] = "unsanitized"
    return result


# ---------------------------------------------------------------- internal blocks

_MARKER = re.compile(r"^([ \t]{0,12})<!--[ \t]*(/?)internal[ \t]*-->[ \t]*$", re.IGNORECASE)
_ANY_MARKER = re.compile(r"<!--[ \t]{0,10}/?internal[ \t]{0,10}-->", re.IGNORECASE)
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


def internal_blocks(body: str) -> Blocks:
    """Pair the markers outside code; nested blocks are cut with their outer block."""
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


def _marker_findings(doc: Document, blocks: Blocks) -> list[Finding]:
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


@dataclass(frozen=True)
class Active:
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


# ---------------------------------------------------------------- the rule


def rule(evidence: Evidence) -> list[Finding]:
    """Source findings of publication: markers, active HTML, external assets, withheld
    documents and links to them, redactions (warnings, never the values), stray files."""
    publish = evidence.settings.publish
    tree = evidence.tree
    hidden = withheld(evidence)
    findings: list[Finding] = []
    for src_uri, doc in sorted(tree.documents.items()):
        if not doc.publishable or src_uri in tree.unpublishable:
            continue
        if src_uri in hidden:
            tree.unpublishable.add(src_uri)
            if hidden[src_uri] == "unsanitized":
                findings.append(_withheld_postmortem(doc))
            continue
        blocks = internal_blocks(doc.body)
        findings.extend(_marker_findings(doc, blocks))
        if publish.audit and blocks.problems:
            tree.unpublishable.add(src_uri)
            continue
        findings.extend(_page_findings(evidence, doc, blocks, hidden))
    if publish.audit:
        findings.extend(_data_findings(evidence))
        findings.extend(_stray_files(evidence))
    return findings


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
    evidence: Evidence, doc: Document, blocks: Blocks, hidden: Mapping[str, str]
) -> list[Finding]:
    from ..rules import placeholders

    audit = evidence.settings.publish.audit
    body = placeholders.fill_body(doc.body, evidence.values)
    findings: list[Finding] = []

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
            message = (
                f"an asset loaded from {host} would be fetched by readers' browsers; "
                "copy the file into the evidence folder and link it relatively"
            )
            findings.append(Finding(doc.path, line, column + start + 1, "external-asset", message))
        if audit:
            for start, target in link_targets(text):
                findings.extend(_withheld_link(doc, line, column + start + 1, target, hidden))
        return text

    mdtext.map_prose(body, check)
    if audit:
        findings.extend(_redactions(evidence, doc, body, blocks))
        findings.extend(_path_findings(evidence, doc.src_uri, doc.path))
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
    from ..rules import placeholders

    detector = evidence.settings.publish.detector
    findings = []
    line_starts = _line_starts(body)
    _, spans = detectors.redact(body, detector, detectors.note_for)
    for match, start, _ in spans:
        index = _line_of(line_starts, start)
        if blocks.covers(index):
            continue
        column = start - line_starts[index] + 1
        findings.append(_redaction(doc.path, doc.body_line + index, column, match))
    meta = placeholders.fill_meta(doc.meta.value, evidence.values)
    for json_path, match in _find_in_strings(detector, list(strings(meta))):
        at = doc.meta.mark(json_path)
        findings.append(_redaction(doc.path, at.line, at.column, match, json_path))
    return findings


# Between front-matter strings searched as one text: no pattern matches across a NUL.
_STRING_SEPARATOR = "\n\x00\n"


def _find_in_strings(
    detector: Detector, strings: list[tuple[str, str]]
) -> Iterator[tuple[str, detectors.Match]]:
    """(json path, match) of every sensitive value in (json path, text) pairs.

    One search over the joined texts: a document has dozens of short strings, and a search
    per string paid the detectors' fixed cost dozens of times.
    """
    if not strings:
        return
    starts = []
    offset = 0
    for _, text in strings:
        starts.append(offset)
        offset += len(text) + len(_STRING_SEPARATOR)
    joined = _STRING_SEPARATOR.join(text for _, text in strings)
    for match in detector.find(joined):
        index = bisect.bisect_right(starts, match.start) - 1
        json_path, text = strings[index]
        if match.end <= starts[index] + len(text):
            yield json_path, match


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
    for match in evidence.settings.publish.detector.find(src_uri):
        message = (
            f"the file name contains {match.rule.description} (fingerprint "
            f"{match.fingerprint}), which would be published in the page's URL; rename the file"
        )
        findings.append(Finding(path, 1, 1, "file-name", message))
    return findings


def _data_findings(evidence: Evidence) -> list[Finding]:
    """Values of typed data files that pages made from them would show redacted."""
    detector = evidence.settings.publish.detector
    findings = []
    for src_uri, data in sorted(evidence.tree.data.items()):
        if src_uri in evidence.invalid:
            continue
        for json_path, text in strings(data.data.value):
            for match in detector.find(text):
                at = data.data.mark(json_path)
                findings.append(_redaction(data.path, at.line, at.column, match, json_path))
    return findings


def _stray_files(evidence: Evidence) -> list[Finding]:
    """Files that are neither pages, typed data nor allowed assets: never copied."""
    from ..core.loader import MARKDOWN, Tree, _walk, type_for

    settings = evidence.settings
    publish = settings.publish
    findings = []
    # A scratch tree: the real walk has already reported links that leave the repository.
    for src_uri, path in _walk(settings, Tree()):
        if src_uri.endswith(MARKDOWN) or src_uri in evidence.tree.data:
            continue
        if type_for(src_uri, settings.types):
            continue
        ext = src_uri.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(src_uri) else ""
        if ext in publish.allowed_assets:
            continue
        evidence.tree.unpublishable.add(src_uri)
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


# ---------------------------------------------------------------- the page transform


def transform(evidence: Evidence, doc: Document, page: Page) -> Page:
    """The page as the audience may see it; registered last, so it sees every change."""
    publish = evidence.settings.publish
    if publish.audit and doc.src_uri in evidence.tree.unpublishable:
        # Only a generated page that gathers others (a print view) asks for one of these.
        return dataclasses.replace(page, meta={"title": "Withheld"}, body=WITHHELD_PAGE)
    body = page.body
    meta = page.meta
    if publish.audit:
        body = cut_blocks(body, internal_blocks(body))
        body = redact_text(body, publish.detector)
        meta = map_strings(meta, lambda s: redact_text(s, publish.detector))
    body = neutralize(body)
    meta = map_strings(meta, lambda s: html.escape(s, quote=True))
    return dataclasses.replace(page, meta=meta, body=body)


def redact_text(text: str, detector: Detector) -> str:
    """`text` with every sensitive value replaced by a visible redaction mark."""
    return detectors.redact(text, detector, detectors.note_for)[0]


# ---------------------------------------------------------------- generated pages


def generated(evidence: Evidence) -> dict[str, str]:
    """The publication report, and every other generated page redacted for the audit
    edition. Registered as the LAST generator, so it sees all the others' pages."""
    publish = evidence.settings.publish
    result = {}
    if publish.audit:
        for src_uri, content in evidence.generated.items():
            result[src_uri] = neutralize(redact_text(content, publish.detector))
    if REPORT_PAGE not in evidence.tree.documents:
        report = report_page(evidence)
        result[REPORT_PAGE] = redact_text(report, publish.detector) if publish.audit else report
    return result


_KIND_LABELS = {
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
    kinds = {r.id: r.kind for r in evidence.settings.publish.detector.rules}
    for finding in evidence.findings:
        if finding.rule.startswith(REDACTED_PREFIX):
            kind = kinds.get(finding.rule[len(REDACTED_PREFIX) :], "secret")
            counts.setdefault(finding.path, Counter())[kind] += 1
    for src_uri, doc in evidence.tree.documents.items():
        if src_uri in evidence.tree.unpublishable or not doc.publishable:
            continue
        blocks = len(internal_blocks(doc.body).ranges)
        if blocks:
            counts.setdefault(doc.path, Counter())["internal-block"] += blocks
    return counts


def report_page(evidence: Evidence) -> str:
    """The generated page that tells readers what was left out and how much was redacted."""
    lines = ["---", "title: Publication report", "---", "", "# Publication report", ""]
    if not evidence.settings.publish.audit:
        lines += [
            "This is the **internal edition**, for the team: nothing is withheld or redacted.",
            "Do not share it outside the team; the audit edition (`audience: audit`) is the",
            "one to publish.",
            "",
        ]
        return "\n".join(lines)
    lines += [
        "This is the **audit edition**. Before publication, pages and blocks marked internal",
        "were left out, postmortems not marked `sanitized: true` were withheld, and personal",
        "data, secrets, internal host names and deny-listed terms were replaced by a",
        "redaction mark. This page says how much; the values themselves are never published.",
        "",
        "## Withheld documents",
        "",
    ]
    hidden = withheld(evidence)
    internal = sum(1 for why in hidden.values() if why == "internal")
    lines.append(f"- Pages marked `visibility: internal`: {internal}.")
    for src_uri, why in sorted(hidden.items()):
        if why == "unsanitized":
            lines.append(f"- `{src_uri}`: a postmortem not marked `sanitized: true`.")
    lines += ["", "## Redactions", ""]
    counts = redaction_counts(evidence)
    if not counts:
        lines += ["Nothing was redacted.", ""]
        return "\n".join(lines)
    kinds = [k for k in _KIND_LABELS if any(k in c for c in counts.values())]
    lines.append("| Document | " + " | ".join(_KIND_LABELS[k] for k in kinds) + " |")
    lines.append("| --- |" + " ---: |" * len(kinds))
    for path, counter in sorted(counts.items()):
        cells = " | ".join(str(counter.get(k, 0)) for k in kinds)
        lines.append(f"| `{path}` | {cells} |")
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- config text and nav


_CONFIG_TEXTS = ("site_name", "site_description", "site_author")


def publish_config(
    config: MutableMapping[str, Any],
    publish: Publish,
    commit: str,
    built: str,
    modified: bool,
) -> list[str]:
    """Redact (audit edition) and escape the config text MkDocs puts into pages raw (site
    name, description, author, nav titles and links), and add the edition, build date and
    commit to every page's footer. Returns what was redacted, without the values."""
    redacted: list[str] = []

    def text(value: str, where: str) -> str:
        if publish.audit:
            value, spans = detectors.redact(value, publish.detector, detectors.note_for)
            redacted.extend(
                f"{where}: {m.rule.description} is redacted from the audit edition "
                f"(fingerprint {m.fingerprint}); remove it from the config"
                for m, _, _ in spans
            )
        return html.escape(value, quote=True)

    for key in _CONFIG_TEXTS:
        if isinstance(config.get(key), str):
            config[key] = text(config[key], key)
    if config.get("nav"):
        config["nav"] = _nav_texts(config["nav"], text)
    config["copyright"] = footer(config.get("copyright"), publish.audience, commit, built, modified)
    return redacted


def _nav_texts(nav: Any, text: Callable[[str, str], str]) -> Any:
    """The `nav` config with its titles (and external links) passed through `text`."""
    if isinstance(nav, list):
        return [_nav_texts(item, text) for item in nav]
    if isinstance(nav, dict):
        return {text(str(k), "nav"): _nav_texts(v, text) for k, v in nav.items()}
    if isinstance(nav, str) and "://" in nav:
        return text(nav, "nav")
    return nav


def prune_nav(nav: Any, hidden: Mapping[str, str] | set[str]) -> Any:
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


def footer(
    copyright: str | None, audience: str, commit: str, built: str, modified: bool = False
) -> str:
    """The footer line of every page: edition, build date and commit."""
    changes = " with uncommitted changes" if modified else ""
    edition = "Audit edition" if audience == AUDIT else "Internal edition, not for sharing"
    note = (
        f'<span class="evidence-edition" data-audience="{html.escape(audience, quote=True)}">'
        f"{edition} &middot; built {html.escape(built)} from commit "
        f"<code>{html.escape(commit[:12])}</code>{changes}</span>"
    )
    return f"{copyright}<br>{note}" if copyright else note


def summary(evidence: Evidence) -> str:
    """One line for the build log: the edition and what it left out."""
    publish = evidence.settings.publish
    if not publish.audit:
        return "internal edition: nothing withheld or redacted"
    totals: Counter[str] = Counter()
    for counts in redaction_counts(evidence).values():
        totals.update(counts)
    hidden = withheld(evidence)
    parts = [f"{n} {_KIND_LABELS[k].lower()}" for k, n in sorted(totals.items())]
    redacted = ", ".join(parts) if parts else "nothing"
    return f"audit edition: {len(hidden)} documents withheld; redacted: {redacted}"
