"""The post-build gate: an independent scan of a finished site, whoever built it.

It trusts nothing the build did. Every file is read as raw text, HTML and XML also as text
with entities unescaped and tags joined (syntax highlighting splits a secret across
`<span>`s) and as attribute values, JSON as its decoded strings, `.gz` files gunzipped.
Scripts, styles and binary files get the precise rules only; the text a viewer shows of a
PDF or a PNG (`embedded`) gets every rule. A finding names the file, line, rule and a
fingerprint of the value, never the value. A site without the plugin's manifest fails: it
was built by something that skipped the sanitizer.
"""

from __future__ import annotations

import bisect
import contextlib
import html
import re
import subprocess
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import mkdocs_yml
from ..core.model import Finding, Mark
from ..rules import Rule, table
from . import embedded, fastscan, jsonstream, manifest
from .detectors import Detector, Detectors, Match, detector_for
from .embedded import Unread
from .fastscan import Part, Seen
from .prescan import Sharing

RULES: tuple[Rule, ...] = table(
    """
    audience-internal  gate  error
        The site is the internal edition, which must not be published.
    allowlist-expired  gate  error
        A publish: gate_allow exception past its expiry date.
    file-unchecked     gate  error
        A published file the gate cannot read, or read in full.
    """
)
"""The gate's own rules; what it finds in the site carries the detectors' rule ids."""

if TYPE_CHECKING:
    from ..core.options.publish import AllowEntry, Publish
    from ..core.settings import Settings

MARKUP = fastscan.MARKUP
JSON = fastscan.JSON
SCRIPTS = (".js", ".mjs", ".css", ".map")
TEXT = (".txt", ".md", ".csv", ".tsv", ".yml", ".yaml", ".env", ".log", ".ini", ".toml")
CALENDARS = (".ics",)
"""iCalendar: text whose long lines are folded, read unfolded (one line per property)."""
TEXTS = CALENDARS + MARKUP + JSON + TEXT
MAX_GUNZIPPED = 64 * 1024 * 1024
CHUNK = 1 << 20
_GZIP = b"\x1f\x8b"
# A site whose pages and JSON are this large (some hundred pages) is read by the gate and a
# helper process together: below, the helper's start costs about as much as it saves.
SHARED_FROM = 4_000_000
# A file this large is a search index of some thousand pages (the helper reads it first) or
# a print version of them (read in two parts: see `_shareable`).
LARGE_FILE = 4_000_000
# A manifest of this many files is of a site the gate is likely to share (`SHARED_FROM`:
# some hundred pages): its helper is started before the site is listed, and has started
# by the time the gate knows what to share.
SHARED_FROM_FILES = 200
# Of a large page, the share of the bytes the gate reads: the helper reads the rest once it
# has started and read the search index, which takes it about as long as the gate takes
# over the site's scripts and the rest of this page (2,000-document audit site).
GATE_PART = 0.7

Shared = tuple[str, Path, Part | None]
"""A file below the site (`rel`, its path), or a part of one, that the gate and its helper
share."""
_BREAKS = fastscan.BREAKS
_CODE = frozenset(("pre", "code", "script", "style", "textarea"))
STRUCTURE_ATTRIBUTES = fastscan.STRUCTURE_ATTRIBUTES


@dataclass(frozen=True)
class Hit:
    """A value found in a published file."""

    rule: str
    description: str
    fingerprint: str
    line: int
    column: int
    field: str | None = None


def scan(
    site_dir: Path, settings: Settings, shown_as: str, clean: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every finding of the gate for the site in `site_dir` (paths printed below
    `shown_as`): missing manifest, internal edition, expired exceptions, found values.

    `clean` names files already read and found clean elsewhere (`fastscan.clean_sha256`, by a
    helper process while the build wrote the rest), with the sha256 of what was read: each
    is skipped only while the manifest records that same sha256 for it, so bytes other than
    those the build recorded are read here."""
    built = manifest.read(site_dir)
    recorded = built["files"] if built is not None else {}
    early = None
    if clean is None and len(recorded) >= SHARED_FROM_FILES:
        early = Sharing.spawn()
    try:
        return _scan(site_dir, settings, shown_as, clean, built, early)
    finally:
        if early is not None:
            Sharing.discard(early)  # stopped already, unless reading a file failed


def _scan(
    site_dir: Path,
    settings: Settings,
    shown_as: str,
    clean: Mapping[str, str] | None,
    built: dict[str, Any] | None,
    early: subprocess.Popen[bytes] | None,
) -> list[Finding]:
    findings: list[Finding] = []
    recorded = built["files"] if built is not None else {}
    if built is None:
        findings.append(manifest.missing(shown_as))
    elif built.get("build", {}).get("audience") != "audit":
        findings.append(
            Finding(
                f"{shown_as}/{manifest.NAME}",
                1,
                1,
                "audience-internal",
                "the site is the internal edition, which must not be published; build it "
                "with publish: audience: audit (and EVIDENCE_AUDIENCE unset)",
            )
        )
    allowed = set()
    marks = mkdocs_yml.item_marks(settings.root / settings.config_file, "publish", "gate_allow")
    for entry in settings.publish.gate_allow:
        if entry.expires < settings.today:
            findings.append(_expired(entry, settings, marks))
        else:
            allowed.add(entry.fingerprint)
    rules = Detectors.of(settings.publish)
    listed = manifest.listing(site_dir)
    findings.extend(manifest.irregular(listed, shown_as))
    files = listed.files
    if (site_dir / manifest.NAME).is_file():
        files.append((manifest.NAME, site_dir / manifest.NAME))
    seen = Seen()

    def read(rel: str, path: Path) -> None:
        findings.extend(_read_found(rel, path, shown_as, allowed, rules, seen))

    whole: set[str] = set()

    def take(rel: str, path: Path, part: Part | None, digest: str | None) -> None:
        """A shared file or part: clean if the helper read it so (`digest`) as the manifest
        records it; else read here. A part is read here the quick way, and where that finds
        anything, or other bytes than the manifest records, the file is read whole the
        exact way (its lines are seen by now: the quick way would pass them)."""
        if rel in whole or _as_recorded(rel, digest, recorded):
            return
        if part is None:
            read(rel, path)
            return
        mine = None
        with contextlib.suppress(OSError):  # a file gone is reported by the exact reading
            mine = fastscan.clean_sha256(path, rules, seen, part)
        if not _as_recorded(rel, mine, recorded):
            whole.add(rel)
            findings.extend(_read_found(rel, path, shown_as, allowed, rules, seen, quick=False))

    sharing: Sharing | None = None
    shared: list[Shared] = []
    if clean is None:
        shared = _shareable(files, recorded)
        sharing = Sharing.start(settings.publish, shared, early) if shared else None
        shared = shared if sharing is not None else []
    if sharing is None and early is not None:
        Sharing.discard(early)  # a site too small to share after all
    clean = clean or {}
    own = {rel for rel, _, _ in shared}
    try:
        for rel, path in files:
            if rel not in own and not _as_recorded(rel, clean.get(rel), recorded):
                read(rel, path)
        if sharing is not None:
            done = 0
            while done < sharing.reached:
                take(*shared[done], None)
                done += 1
            # What the helper does not vouch for (it found something, read other bytes
            # than the manifest records, or was stopped before it) is read here.
            vouched = sharing.stop()
            for index in range(done, len(shared)):
                take(*shared[index], vouched.get(index))
    finally:
        if sharing is not None:
            sharing.stop()  # stopped already, unless reading a file here failed
    return sorted(findings, key=Finding.sort_key)


def _as_recorded(rel: str, digest: str | None, recorded: Mapping[str, str]) -> bool:
    """Whether `digest`, the sha256 of the file `rel` where it was read and found clean, is
    the one the manifest records: the bytes read are those published."""
    return digest is not None and digest == recorded.get(rel)


def _read_found(
    rel: str,
    path: Path,
    shown_as: str,
    allowed: set[str],
    rules: Detectors,
    seen: Seen,
    *,
    quick: bool = True,
) -> list[Finding]:
    """`_found`, or the finding that the file cannot be read (it went, or may not be read):
    a file the gate has not read fails the site."""
    try:
        return list(_found(rel, path, shown_as, allowed, rules, seen, quick=quick))
    except OSError as exc:
        why = f"cannot be read ({exc.strerror or type(exc).__name__})"
        fix = "build the site again, or make the file readable"
    except Unread as exc:
        why, fix = exc.args
    message = f"{why}, so what it publishes is unchecked; {fix}"
    return [Finding(f"{shown_as}/{manifest.shown(rel)}", 1, 1, "file-unchecked", message)]


def _found(
    rel: str,
    path: Path,
    shown_as: str,
    allowed: set[str],
    rules: Detectors,
    seen: Seen,
    *,
    quick: bool = True,
) -> Iterator[Finding]:
    """The gate's findings in one file, `rel` below the site (markup read the exact way
    only, not `quick`ly first)."""
    name = rel.lower()
    if name.endswith(MARKUP) and not quick:
        hits = exact(name, _read(path), rules, seen)
    elif name.endswith(MARKUP):
        # The quick reading straight from the file: a page as large as the whole site
        # (the print view) is never held whole unless something is found in it.
        with fastscan.open_text(path) as handle:
            quick = fastscan.markup_read(handle.read, rules, seen)
        hits = exact(name, _read(path), rules, seen) if quick else []
    elif name.endswith(TEXTS):
        hits = scan_text(name, _read(path), rules, seen)
    else:
        hits = scan_file(rel, path.read_bytes(), rules, seen)
    for hit in hits:
        if hit.fingerprint not in allowed:
            yield _finding(f"{shown_as}/{manifest.shown(rel)}", hit)


def _shareable(files: Sequence[tuple[str, Path]], recorded: Mapping[str, str]) -> list[Shared]:
    """The files a helper may read beside the gate (`prescan.Sharing`), in the order the
    gate reads them: HTML, XML and JSON that the manifest records (the helper vouches for a
    file with its sha256), large JSON last, so that the helper, which starts from the last,
    reads the search index while the gate reads pages. None for a small site, where the
    helper's start costs more than it saves.

    A large page (a print version: every page's text in one) is read in two parts, the
    gate's first and the helper's just after the search index: the lines each sees there
    make the pages it then reads quick to read, where reading the whole page in one process
    would have the other read its pages' text anew."""
    sized = [(rel, path, size) for rel, path in files if rel in recorded and (size := _size(path))]
    if sum(size for _, _, size in sized) < SHARED_FROM:
        return []
    firsts: list[Shared] = []
    pages: list[Shared] = []
    lasts: list[Shared] = []
    indexes: list[Shared] = []
    for rel, path, size in sized:
        name = rel.lower()
        if name.endswith(JSON):
            (indexes if size >= LARGE_FILE else pages).append((rel, path, None))
        elif name.endswith(MARKUP) and size < LARGE_FILE:
            pages.append((rel, path, None))
        elif name.endswith(MARKUP):
            cut = int(size * GATE_PART)
            firsts.append((rel, path, (0, cut)))
            lasts.append((rel, path, (cut, None)))
    return [*firsts, *pages, *lasts, *indexes]


def _size(path: Path) -> int:
    """A file's size; 0 for one that cannot be read, which is left to the gate to report."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def warm(publish: Publish) -> None:
    """Compile the rules the gate reads a site with, which they otherwise are at their
    first use: a build does it while it waits for its evidence, not once its site is
    written."""
    detector_for(publish).compile()


def _finding(where: str, hit: Hit) -> Finding:
    if hit.rule == "external-asset":
        message = hit.description
    else:
        message = (
            f"{hit.description} (fingerprint {hit.fingerprint}) is published; remove it from "
            "the source and build again, or allow the fingerprint under publish: gate_allow"
        )
    return Finding(where, hit.line, hit.column, hit.rule, message, field=hit.field)


def _expired(entry: AllowEntry, settings: Settings, marks: Sequence[Mark]) -> Finding:
    at = marks[entry.index] if entry.index < len(marks) else Mark(1, 1)
    return Finding(
        settings.config_file,
        at.line,
        at.column,
        "allowlist-expired",
        f"the gate exception for fingerprint {entry.fingerprint} (owner {entry.owner}) expired "
        f"on {entry.expires.isoformat()}; remove the value from the site or renew the "
        "exception with a new expiry",
        field=f"$.publish.gate_allow[{entry.index}]",
    )


# ---------------------------------------------------------------- one file


def scan_file(rel: str, data: bytes, rules: Detectors, seen: Seen | None = None) -> list[Hit]:
    """Every hit in one published file, by its type; each value once per line.

    With `seen` (the texts of the files scanned before), HTML, XML and JSON are first read
    quickly: only what no earlier file had, by a parser in C. Only a file where that finds
    something is read again the exact way, which places each hit on its line.
    """
    name = rel.lower()
    if name.endswith(".gz"):
        data = _gunzip(data)
        name = name[:-3]
    if name.endswith(TEXTS):
        return scan_text(name, fastscan.decode(data), rules, seen)
    # Scripts, styles, images, fonts, PDFs: only what no look-alike can match. Each byte is
    # a character, unless a mark says the file is UTF-16 or UTF-32 text.
    codec = fastscan.encoding(data[:4])
    text = data.decode("latin-1") if codec == "utf-8" else data.decode(codec, errors="replace")
    hits = list(_raw(text, rules.all, precise=True))
    # What a viewer shows of it (a PDF's pages, a PNG's text chunks) is text: every rule.
    for where, shown in embedded.texts(name, data, MAX_GUNZIPPED):
        hits.extend(_hits(rules.all.find(shown), _Lines(shown), field=where))
    return _unique(hits)


def _read(path: Path) -> str:
    """A text file decoded, its line endings as written; the bytes are not kept."""
    with fastscan.open_text(path) as handle:
        return handle.read()


def scan_text(name: str, text: str, rules: Detectors, seen: Seen | None = None) -> list[Hit]:
    """Every hit in one published text file (`name` in lower case tells its type)."""
    if seen is not None and name.endswith(MARKUP + JSON):
        quick = fastscan.markup(text, rules, seen) if name.endswith(MARKUP) else None
        if name.endswith(JSON):
            quick = fastscan.json_strings(text, rules, seen)
        if quick is not None and not quick:
            return []
    return exact(name, text, rules, seen)


def exact(name: str, text: str, rules: Detectors, seen: Seen | None = None) -> list[Hit]:
    """Every hit in one published text file, each placed on its line (the exact reading;
    `seen` learns the lines where something was found)."""
    hits: list[Hit] = []
    if name.endswith(CALENDARS):
        # A value folded across lines (CRLF and a space) is whole again once unfolded.
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
        hits.extend(_raw(text.replace("\r\n", "\n"), rules.all, precise=False))
    else:
        # Raw first in markup (its columns are exact), decoded first in JSON (its JSON
        # path says where in the file); a value found both ways is reported once. Loose
        # rules read markup's text and attribute values, not its raw bytes: SVG path data
        # (`9.5.5.08`) is structure, not data.
        if name.endswith(JSON):
            hits.extend(_json(text, rules))
        hits.extend(_raw(text, rules.all, precise=name.endswith(MARKUP)))
        if name.endswith(MARKUP):
            hits.extend(_markup(text, rules))
            if seen is not None:
                lines = text.split("\n")
                seen.dirty_lines.update(
                    hash(lines[h.line - 1]) for h in hits if h.line <= len(lines)
                )
    return _unique(hits)


def _unique(hits: Iterable[Hit]) -> list[Hit]:
    """Each value once per line."""
    reported = set()
    unique = []
    for hit in hits:
        key = (hit.rule, hit.fingerprint, hit.line)
        if key not in reported:
            reported.add(key)
            unique.append(hit)
    return unique


def _gunzip(data: bytes) -> bytes:
    """The content of a gzip file, every member of it; the bytes as they are if they are not
    gzip. Bounded so that a small bomb cannot fill the memory; past the bound, `Unread`.
    zlib rather than `gzip`, which keeps nothing of a file cut short."""
    chunks: list[bytes] = []
    size = 0
    rest = data
    whole = False
    with contextlib.suppress(zlib.error):
        while rest.startswith(_GZIP):
            member = zlib.decompressobj(wbits=31)
            pending = rest
            while not member.eof:
                # A megabyte at a time; zlib may hold output back after its input is taken.
                chunk = member.decompress(pending, min(CHUNK, MAX_GUNZIPPED + 1 - size))
                if not chunk and not pending:
                    break  # the input ended before the member did
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_GUNZIPPED:
                    raise Unread(
                        f"unpacks to more than {MAX_GUNZIPPED:,} bytes, more than the gate reads",
                        "publish it unpacked, or smaller",
                    )
                pending = member.unconsumed_tail
            if not member.eof:
                break
            rest = member.unused_data
            whole = not rest
    if whole or not chunks:
        return b"".join(chunks) if chunks else data
    # Cut short, damaged or followed by other bytes: what unpacks (all that anyone can read
    # of it as gzip), then the bytes as they are.
    return b"".join((*chunks, b"\n", data))


def _hits(matches: list[Match], lines: _Lines, field: str | None = None) -> Iterator[Hit]:
    for match in matches:
        line, column = lines.at(match.start)
        rule = match.rule
        yield Hit(rule.id, rule.description, match.fingerprint, line, column, field)


class _Lines:
    """Offsets of a text turned into 1-based line and column, from a first line on."""

    def __init__(self, text: str, first: int = 1) -> None:
        self.starts = [0]
        self.first = first
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.first + index, offset - self.starts[index] + 1


def _raw(text: str, detector: Detector, *, precise: bool) -> Iterator[Hit]:
    yield from _hits(detector.find(text, precise_only=precise), _Lines(text))


# ---------------------------------------------------------------- HTML and XML


@dataclass
class _Run:
    """A run of text between block tags, as pieces with the line and column each starts
    on, and whether it is code."""

    pieces: list[tuple[int, int, str, bool]]


# An unquoted `<` ends a tag's attributes, so a run of unclosed tags is read in linear
# time. A regex tokenizer, not html.parser: the gate reads every page of the site, and the pure-
# Python parser was most of a build's time. Comments, doctypes and processing instructions
# carry no text; the content of script and style is raw text, as browsers read it.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<[!?][^>]*>?"
    r"|<(/?)([A-Za-z][^\s/>]*)(" + fastscan.WRITTEN_ATTRIBUTES + ")>",
    re.DOTALL,
)
_RAW_TEXT_END = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}


class _Markup:
    """Text runs (entities decoded, inline tags joined) and attribute values of a page."""

    def __init__(self, text: str) -> None:
        self.runs: list[_Run] = []
        self.attrs: list[tuple[int, int, str, str, dict[str, str]]] = []
        self._pieces: list[tuple[int, int, str, bool]] = []
        self._code = 0
        self._lines = _Lines(text)
        self._read(text)

    def _read(self, text: str) -> None:
        pos = start = 0
        while pos < len(text):
            token = _TOKEN.search(text, pos)
            if token is not None and _written_as_text(text, token):
                pos = token.end()
                continue
            stop = token.start() if token else len(text)
            if stop > start:
                self._data(start, html.unescape(text[start:stop]))
            if token is None:
                break
            pos = start = token.end()
            if token.group(2) is None:
                # A comment's text is read on its own, and the text on either side runs
                # on, as a browser shows it; doctypes and processing instructions carry none.
                if token.group().startswith("<!--"):
                    comment = token.group()[4:].removesuffix("-->")
                    line, column = self._lines.at(token.start() + 4)
                    self.runs.append(_Run([(line, column, comment, self._code > 0)]))
                continue
            tag = token.group(2).lower()
            if token.group(1):
                self._end(tag)
                continue
            attributes = token.group(3)
            self._tag(token.start(), tag, attributes)
            if attributes.rstrip().endswith("/"):
                continue
            if tag in _CODE:
                self._code += 1
            if tag in _RAW_TEXT_END:
                close = _RAW_TEXT_END[tag].search(text, pos)
                stop = close.start() if close else len(text)
                if stop > pos:
                    self._data(pos, text[pos:stop])
                pos = start = stop

    def _tag(self, offset: int, tag: str, attributes: str) -> None:
        line, column = self._lines.at(offset)
        values = fastscan.tag_attributes(attributes)
        for name in values:
            self.attrs.append((line, column, tag, name, values))
        if tag in _BREAKS:
            self._flush()

    def _end(self, tag: str) -> None:
        if tag in _CODE:
            self._code = max(0, self._code - 1)
        if tag in _BREAKS:
            self._flush()

    def _data(self, offset: int, data: str) -> None:
        self._pieces.append((*self._lines.at(offset), data, self._code > 0))

    def _flush(self) -> None:
        if self._pieces:
            self.runs.append(_Run(self._pieces))
            self._pieces = []

    def close(self) -> None:
        self._flush()


def _written_as_text(text: str, token: re.Match[str]) -> bool:
    """A start tag between `&lt;` and `&gt;` is text: how a builder that escapes only the
    outer brackets renders `<<Name>>` (`&lt;<Name>&gt;`)."""
    return (
        token.group(2) is not None
        and not token.group(1)
        and text.endswith("&lt;", 0, token.start())
        and text.startswith("&gt;", token.end())
    )


@dataclass(frozen=True)
class _Segment:
    """A text the rules read (a run of text, an attribute value), and where it is."""

    text: str
    starts: tuple[int, ...]
    """Offsets where the pieces of the text start..."""
    lines: tuple[int, ...]
    """...and the line of the file each piece starts on."""
    column: int = 1
    field: str | None = None
    columns: tuple[int, ...] = ()
    """...and its column, for text runs (an attribute value has its attribute's column)."""

    def line_at(self, offset: int) -> int:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[index] + self.text.count("\n", self.starts[index], offset)

    def column_at(self, offset: int) -> int:
        """The column of `offset`, counted in the text as read (an entity before it on the
        same line counts as its one character)."""
        if not self.columns:
            return self.column
        index = bisect.bisect_right(self.starts, offset) - 1
        newline = self.text.rfind("\n", self.starts[index], offset)
        if newline >= 0:
            return offset - newline
        return self.columns[index] + offset - self.starts[index]


# Joins segments so that one pass of the rules reads them all; no rule's pattern crosses
# it (it is neither a token character nor a space alone), and a match that swallows it
# anyway is dropped.
_SEPARATOR = "\n\x00\n\n"


def _find(detector: Detector, segments: Sequence[_Segment]) -> Iterator[Hit]:
    """The hits of `detector` in every segment, with one pass over them all."""
    if not segments:
        return
    offsets = []
    size = 0
    for segment in segments:
        offsets.append(size)
        size += len(segment.text) + len(_SEPARATOR)
    joined = _SEPARATOR.join(segment.text for segment in segments)
    for match in detector.find(joined):
        if "\x00" in match.value:
            continue
        index = bisect.bisect_right(offsets, match.start) - 1
        segment = segments[index]
        at = match.start - offsets[index]
        rule = match.rule
        line, column = segment.line_at(at), segment.column_at(at)
        yield Hit(rule.id, rule.description, match.fingerprint, line, column, segment.field)


@dataclass
class _Page:
    """What the rules read in one HTML or XML text."""

    segments: list[_Segment]
    prose: list[_Segment]
    """Pieces of text outside code, for the unfilled-placeholder rule."""
    external: list[Hit]


def _read_markup(text: str, first: int = 1, field: str | None = None) -> _Page:
    parser = _Markup(text)
    parser.close()
    page = _Page([], [], [])
    for run in parser.runs:
        starts, lines, columns, size = [], [], [], 0
        for line, column, piece, code in run.pieces:
            starts.append(size)
            lines.append(first + line - 1)
            columns.append(column)
            size += len(piece)
            if not code and "<<" in piece:
                on = (first + line - 1,)
                page.prose.append(_Segment(piece, (0,), on, column, field, (column,)))
        joined = "".join(piece for _, _, piece, _ in run.pieces)
        segment = _Segment(joined, tuple(starts), tuple(lines), 1, field, tuple(columns))
        page.segments.append(segment)
    for line, column, tag, name, values in parser.attrs:
        at = first + line - 1
        if name not in STRUCTURE_ATTRIBUTES:
            segment = _Segment(values[name], (0,), (at,), column, field)
            page.segments.append(segment)
            if "<<" in segment.text:
                # Builders put front matter raw into attributes (`<meta name="description">`).
                page.prose.append(segment)
        page.external.extend(_external(tag, name, values, at, column, field))
    return page


def _markup(text: str, rules: Detectors) -> Iterator[Hit]:
    page = _read_markup(text)
    yield from _find(rules.all, page.segments)
    yield from _find(rules.placeholders, page.prose)
    yield from page.external


def _external(
    tag: str, name: str, values: dict[str, str], line: int, column: int, field: str | None
) -> Iterator[Hit]:
    if not fastscan.loads_asset(tag, name, values[name], values):
        return
    host = values[name].strip().split("//", 1)[1].split("/", 1)[0]
    message = (
        f"<{tag} {name}> loads an asset from {host}, which readers' browsers would fetch; "
        "the audit site loads nothing from other sites (set theme.font: false, copy images "
        "and scripts into the evidence folder)"
    )
    yield Hit("external-asset", message, "", line, column, field)


# ---------------------------------------------------------------- JSON


def _json(text: str, rules: Detectors) -> Iterator[Hit]:
    segments: list[_Segment] = []
    prose: list[_Segment] = []
    try:
        for path, string in jsonstream.strings(text):
            if "<" in string and ">" in string:
                page = _read_markup(string, 1, path)
                segments.extend(page.segments)
                prose.extend(page.prose)
            else:
                segments.append(_Segment(string, (0,), (1,), 1, path))
    except (ValueError, RecursionError):
        pass  # the strings before the text stops being JSON; the raw reading sees the rest
    # A line inside a JSON string means nothing in the file: the JSON path locates it.
    for hit in (*_find(rules.all, segments), *_find(rules.placeholders, prose)):
        yield Hit(hit.rule, hit.description, hit.fingerprint, 1, 1, hit.field)
