"""The gate's quick first reading of a site: only what no earlier file had, parsed in C.

A site repeats itself: the theme's header, navigation, footer and icons are on every page,
and the search index holds the pages' text again. The gate reads each distinct line of
HTML and XML once (with the neighbours its text runs on with, so a value wrapped over two
lines is read whole), parses those lines with lexbor (selectolax) into text runs (inline
tags joined, entities decoded), reads their attribute values and comments with the exact
reading's patterns, and runs the rules once over the texts no earlier file had. A file
where this finds nothing is clean; a file where it finds anything, or that holds a text or
line where something was found before, is read again the exact way (gate.py), which places
each hit on its line and column.

The quick reading must find something wherever the exact one does, on markup of any shape
(`tests/publish/test_gate.py` states it with hypothesis): where a browser's parser and the
exact reading's tokenizer read a text apart (a quote that opens no value, a template), the
file is read the exact way.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import html as html_text
import io
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from selectolax.lexbor import LexborHTMLParser

from . import jsonstream

if TYPE_CHECKING:
    from .detectors import Detectors

BREAKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "br", "button", "canvas"),
        *("caption", "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div"),
        *("dl", "dt", "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame"),
        *("frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr"),
        *("html", "iframe", "img", "input", "legend", "li", "link", "main", "math", "menu"),
        *("meta", "nav", "noembed", "noframes", "noscript", "object", "ol", "optgroup"),
        *("option", "p", "plaintext", "pre", "script", "search", "section", "select"),
        *("source", "style", "summary", "svg", "table", "tbody", "td", "template"),
        *("textarea", "tfoot", "th", "thead", "title", "tr", "ul", "video", "audio", "xmp"),
    }
)
"""The tags that end a run of text: blocks, table parts (so that cells do not join into one
number), line breaks, embedded content and the elements whose content is not shown as
text. Any other tag, an unknown or a custom element (`<x-k>`, `<font>`) included, is
inline in a browser: the text on either side of it (a highlighted token split into spans)
is shown, and copied, as one."""
# What follows a tag's name up to its end, as written: anything but `<` and `>` outside
# quotes, so a tag ends at its first `>` outside quotes, and a run of unclosed tags is read
# in linear time (`[^>]*` would read to the end of the text from each of them).
WRITTEN_ATTRIBUTES = r"""[^'"<>]*(?:(?:"[^"]*"|'[^']*')[^'"<>]*)*"""


def _cased(source: str, flags: int = 0) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A pattern of tags, and the same ignoring case, to index with whether a text has a
    capital in a tag's name (`_UPPER_CASE_TAG`). The builder writes tags in lower case, and
    a pattern that ignores case reads markup at a third of the speed."""
    return re.compile(source, flags), re.compile(source, flags | re.IGNORECASE)


def _trie(words: Iterable[str]) -> str:
    """A pattern matching any of `words`, as a tree of their letters: `re` tries a list of
    alternatives one by one at every position, twice as slow here as one letter at a time."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def branches(node: dict[str, Any]) -> str:
        ways = [re.escape(c) + branches(rest) for c, rest in sorted(node.items()) if c]
        if not ways:
            return ""
        way = ways[0] if len(ways) == 1 else "(?:" + "|".join(ways) + ")"
        return f"(?:{way})?" if "" in node else way

    return branches(tree)


# Any tag but those in BREAKS.
_INLINE_TAG = _cased(
    r"</?(?!" + _trie(BREAKS) + r"[\s/>])[A-Za-z][^\s/>]*" + WRITTEN_ATTRIBUTES + ">"
)
_UPPER_CASE_TAG = re.compile(r"</?[a-z0-9]*[A-Z]")
# A tag not written as a builder writes one: a quote that does not open a value, a `<` or
# an odd character in it, a value with a `<` (a builder writes `&lt;`), no `>` to end it.
# Where the exact reading (which reads a quote anywhere in a tag as one) and a browser end
# such a tag, and so what they read as its text, may differ.
_SPACE = r"[ \t\n\r\f]"
_NAME = r"[^\s\"'<>/=`]+"
_VALUE = r"(\"[^\"<]*\"|'[^'<]*'|[^\s\"'<>=`]+)"
if sys.version_info >= (3, 11):
    # Each tag read once: possessive quantifiers never step back into it.
    _IRREGULAR_TAG = re.compile(
        rf"</?[A-Za-z][^\s/<>]*+(?:{_SPACE}++{_NAME}+(?:{_SPACE}*+={_SPACE}*+{_VALUE}"
        rf")?+)*+{_SPACE}*+/?+(?!>)"
    )
else:  # pragma: no cover - the same, a lookahead and its backreference for an atomic group
    _IRREGULAR_TAG = re.compile(
        rf"</?(?=([A-Za-z][^\s/<>]*(?:{_SPACE}+{_NAME}(?:{_SPACE}*={_SPACE}*{_VALUE})?)*"
        rf"{_SPACE}*/?))\1(?!>)"
    )
# What follows the name of every start tag.
_TAG_ATTRIBUTES = re.compile(r"<[A-Za-z][^\s/>]*(" + WRITTEN_ATTRIBUTES + ")>")
_TEMPLATE = _cased(r"<template[\s/>]")
_TAG_WRITTEN_AS_TEXT = re.compile(r"&lt;(<[A-Za-z][^\s/<>]*" + WRITTEN_ATTRIBUTES + r">)&gt;")
# A `<` that opens no tag, comment, doctype or end tag.
_STRAY_ANGLE = re.compile(r"<(?![A-Za-z/!?])")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Attributes that hold markup structure (SVG geometry, presentation, classes), not data:
# Material's inline icons draw `d="M9.5.5.08..."`, which reads like an address.
STRUCTURE_ATTRIBUTES = frozenset(
    {
        *("d", "points", "viewbox", "transform", "path", "x", "y", "x1", "y1", "x2", "y2"),
        *("cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height", "fill", "stroke"),
        *("stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray"),
        *("fill-rule", "clip-rule", "opacity", "offset", "gradienttransform", "class"),
        *("style", "xmlns", "xmlns:xlink", "version", "preserveaspectratio", "integrity"),
    }
)
ASSET_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# A tag that may load an asset.
_ASSET_TAG = _cased(
    r"<(" + "|".join(("link", *ASSET_ATTRS)) + r")(?=[\s/>])(" + WRITTEN_ATTRIBUTES + ")>"
)
ASSET_LINKS = frozenset(("stylesheet", "preload", "modulepreload", "icon", "preconnect", "import"))
_EXTERNAL = ("http://", "https://", "//")

# Between texts read in one pass of the rules: no pattern matches across it (it is
# neither a token character nor a space alone), and a match that swallows it is dropped.
SEPARATOR = "\n\x00\n\n"
# Between lines that are not neighbours in the file: a block tag, so that neither a text
# run nor a raw token joins across the gap.
_GAP = "<hr>"
# Characters parsed at a time: a tree of a whole large page costs more memory than time.
CHUNK = 250_000
MARKUP = (".html", ".htm", ".xhtml", ".xml", ".svg")
"""Files read as HTML or XML."""
JSON = (".json", ".webmanifest")
"""Files read as JSON (their strings)."""
# An element whose content a browser reads as text, tags and all, with that content.
_RAW_TEXT = _cased(
    r"<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)"
    r"(?:[\s/][^>]*)?>(.*?)(?:</\1\s*>|\Z)",
    re.DOTALL,
)
_COMMENT = re.compile(r"<!--(.*?)(?:-->|\Z)", re.DOTALL)


class Seen:
    """What earlier files of the site held: lines of markup and texts, each clean or not.

    A text, or a line, where something was found is dirty: a later file that has it is read
    the exact way too, so a value in the chrome is reported on every page that shows it,
    and a value in a page again in the search index.

    Lines and texts are kept as their hashes (64 bits, seeded per process): the site's
    distinct text is not held twice in memory. What is remembered is bounded (`LIMIT`
    hashes of each kind): past it the clean ones are forgotten, and a text that recurs
    (the theme's chrome) is soon known again. Dirty ones are never forgotten.
    """

    LIMIT = 1 << 17

    def __init__(self) -> None:
        self.lines: set[int] = set()
        self.dirty_lines: set[int] = set()
        self.texts: dict[int, bool] = {}
        """Hash of a text's words -> whether the rules found something in it."""
        self.words: dict[int, int] = {}
        """Hash of a text as written -> hash of its words, for a text not written as its
        words (wrapped over lines, indented)."""

    def bound(self) -> None:
        """Forget the clean lines and texts past `LIMIT`: what the gate holds does not grow
        with the site (a print view of every page adds as many lines as the pages)."""
        if len(self.lines) > self.LIMIT:
            self.lines.clear()
        if len(self.texts) > self.LIMIT or len(self.words) > self.LIMIT:
            self.texts = {key: True for key, dirty in self.texts.items() if dirty}
            self.words.clear()


# Byte order marks that make a file another encoding than UTF-8, whatever it declares, for
# browsers (UTF-16) and editors (both): UTF-32's little-endian mark begins with UTF-16's.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding(head: bytes) -> str:
    """The encoding of a published text that begins with `head` (its first four bytes, or
    all of a shorter one): UTF-8 unless a byte order mark says UTF-16 or UTF-32. Read as
    UTF-8, such a text has a NUL between its letters, and no rule would find a token."""
    return next((name for mark, name in _MARKS if head.startswith(mark)), "utf-8")


def decode(data: bytes) -> str:
    """A published text's bytes as text (`encoding`), errors replaced."""
    return data.decode(encoding(data[:4]), errors="replace")


def open_text(path: Path) -> IO[str]:
    """A published text file open for reading (`encoding`), errors replaced, line endings
    as written."""
    handle = path.open("rb")
    return io.TextIOWrapper(
        handle, encoding=encoding(handle.peek(4)[:4]), errors="replace", newline=""
    )


Part = tuple[int, int | None]
"""Part of a large file, read by one of two processes: the lines that start from the first
newline at or after byte `start` (the file's start for 0) up to the first at or after byte
`end` (its end for None). Parts cut at the same bytes cover every line once, as one
reading does, and each is read with the line on either side of it as context."""


def clean_sha256(path: Path, rules: Detectors, seen: Seen, part: Part | None = None) -> str | None:
    """The sha256 of an HTML or XML file (`MARKUP`: the caller picks them) that the quick
    reading finds clean, or the `part` of it (its lines, with the line on either side) that
    it finds clean; None for one where it finds anything (the gate reads that one again
    itself). The digest is of every byte of the file as read, so a file rewritten later
    does not pass as it, and two parts vouched for with the same digest are of one file.

    After a file where something is found, `seen` is no longer fit to vouch for another:
    it holds that file's lines as seen, not as dirty (only the exact reading marks them).
    """
    with path.open("rb") as handle:
        text = _Hashing(handle.read, part)
        if _found_in(text.own(windows(text)), rules, seen):
            return None
        return text.hexdigest()


def clean_json_sha256(path: Path, rules: Detectors, seen: Seen) -> str | None:
    """The sha256 of a JSON file (`JSON`) whose strings the quick reading finds clean; None
    for one where it finds anything, or that is not JSON (the gate reads it as text)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    # Read as text only: a search index is megabytes, held once rather than twice.
    text = decode(data)
    del data
    return digest if json_strings(text, rules, seen) is False else None


class _Hashing:
    """Bytes read as text (`encoding`, errors replaced, line endings as written) by the
    block, with the sha256 of every byte; of a `part`, only its lines and the line on either
    side are read as text (`before`, `after`: whether there is one)."""

    def __init__(self, read: Callable[[int], bytes], part: Part | None = None) -> None:
        self.read = read
        self.digest = hashlib.sha256()
        self.codec = "utf-8"
        self.decoder: codecs.IncrementalDecoder | None = None
        self.before = self.after = False
        self.empty = False
        """Whether no line of the file is the part's (its lines are the others')."""
        self.pieces = self._pieces(part)

    def __call__(self, size: int) -> str:
        for data in self.pieces:
            if self.decoder is None:
                self.decoder = codecs.getincrementaldecoder(self.codec)(errors="replace")
            # A block may end inside a character: the decoder keeps its first bytes.
            if text := self.decoder.decode(data):
                return text
        return "" if self.decoder is None else self.decoder.decode(b"", final=True)

    def hexdigest(self) -> str:
        """The sha256 of all the bytes, those not read yet included."""
        for _ in self._blocks():
            pass
        return self.digest.hexdigest()

    def own(self, windows: Iterable[tuple[list[str], range]]) -> Iterator[tuple[list[str], range]]:
        """The `windows` of the text with the lines before and after a part (the first and
        the last) only their neighbours: they are the other part's own."""
        held: tuple[list[str], range] | None = None
        for lines, own in windows:
            if held is None and self.before:
                own = range(own.start + 1, own.stop)
            if held is not None:
                yield held
            held = (lines, own)
        if held is not None and not self.empty:
            lines, own = held
            yield lines, range(own.start, own.stop - 1) if self.after else own

    def _blocks(self) -> Iterator[bytes]:
        while data := self.read(CHUNK):
            self.digest.update(data)
            yield data

    def _pieces(self, part: Part | None) -> Iterator[bytes]:
        blocks = self._blocks()
        head = next(blocks, b"")
        # A file's first block is the whole of it or more than a mark.
        self.codec = encoding(head[:4])
        if part is None or self.codec != "utf-8":
            # UTF-16 or UTF-32 has no newline byte to cut at: the first part is all of it.
            if part is None or part[0] == 0:
                yield head
                yield from blocks
            else:
                self.empty = True
            return
        start, end = part
        data, at = head, 0  # bytes from offset `at`, where a line starts
        if start > 0:
            # The first newline at or after `start` ends the line before the part.
            while (cut := data.find(b"\n", max(start - at, 0))) < 0:
                line = data.rfind(b"\n") + 1
                block = next(blocks, b"")
                if not block:
                    self.empty = True  # no line starts in the part
                    return
                data, at = data[line:] + block, at + line
            line = data.rfind(b"\n", 0, cut) + 1
            data, at = data[line:], at + line
            self.before = True
        if end is None:
            yield data
            yield from blocks
            return
        # The first newline at or after `end` ends the part; the line after it is context.
        last = -1
        for block in itertools.chain((data,), blocks):
            offset, at = at, at + len(block)
            if last < 0:
                cut = block.find(b"\n", max(end - offset, 0))
                if cut < 0:
                    yield block
                    continue
                last = offset + cut
            stop = block.find(b"\n", max(last + 1 - offset, 0))
            if stop >= 0:
                self.after = True
                yield block[:stop]
                return
            yield block
        # The line after the part runs to the end, or is the empty one after a last newline.
        self.after = last >= 0


def markup(text: str, rules: Detectors, seen: Seen) -> bool:
    """Whether the lines of an HTML or XML text that no earlier file had hold anything
    the rules find (or an asset loaded from another site)."""
    return markup_read(reader(text), rules, seen)


def markup_read(read: Callable[[int], str], rules: Detectors, seen: Seen) -> bool:
    """`markup` of a text given by `read` (a file's): read a window of about CHUNK
    characters at a time, each with the line before and after it as context, so that the
    memory it takes does not grow with the file (the print view of the whole site)."""
    return _found_in(windows(read), rules, seen)


def _found_in(windows: Iterable[tuple[list[str], range]], rules: Detectors, seen: Seen) -> bool:
    """Whether the rules find anything in the own lines of any of `windows`."""
    return any(_window(lines, own, rules, seen) for lines, own in windows)


def reader(text: str) -> Callable[[int], str]:
    """A text read like a file, a block at a time, without a copy of it."""
    position = 0

    def read(size: int) -> str:
        nonlocal position
        block = text[position : position + size]
        position += len(block)
        return block

    return read


def windows(read: Callable[[int], str]) -> Iterator[tuple[list[str], range]]:
    """The lines of a text a window at a time: the window's own lines of about CHUNK
    characters, with the line before and the line after (the neighbours a text may run
    on with), and which of them are its own. Every line is own to one window."""
    buffer = ""
    done = False
    previous: list[str] = []
    while True:
        # Read until the buffer holds a cut (a newline past CHUNK) and the line after it;
        # what was searched is not searched again, so a line of any length reads linearly.
        cut = -1
        searched = 0
        while not done:
            if cut < 0:
                cut = buffer.find("\n", max(CHUNK, searched))
            if cut >= 0 and buffer.find("\n", max(cut + 1, searched)) >= 0:
                break
            searched = len(buffer)
            block = read(CHUNK)
            done = not block
            buffer += block
        cut = buffer.find("\n", min(CHUNK, len(buffer)))
        if cut < 0:
            own = buffer.split("\n")
            yield previous + own, range(len(previous), len(previous) + len(own))
            return
        own = buffer[:cut].split("\n")
        buffer = buffer[cut + 1 :]
        after = buffer.split("\n", 1)[0]
        yield [*previous, *own, after], range(len(previous), len(previous) + len(own))
        previous = own[-1:]


def _window(lines: list[str], own: range, rules: Detectors, seen: Seen) -> bool:
    seen.bound()
    hashes = list(map(hash, lines[own.start : own.stop]))
    lines_seen = seen.lines
    fresh = set(hashes)
    fresh -= lines_seen
    lines_seen |= fresh
    if seen.dirty_lines and not seen.dirty_lines.isdisjoint(hashes):
        return True
    if not fresh:
        return False
    new = list(itertools.compress(own, map(fresh.__contains__, hashes)))
    # A new line with the neighbours its text may run on with: the line before unless it
    # starts with a tag, the line after unless it ends with one.
    keep = set(new)
    last = len(lines) - 1
    for index in new:
        line = lines[index].strip()
        if index > 0 and not line.startswith("<"):
            keep.add(index - 1)
        if index < last and not line.endswith(">"):
            keep.add(index + 1)
    return any(_excerpt(chunk, rules, seen) for chunk in _chunks(lines, sorted(keep)))


def _chunks(lines: list[str], keep: list[int]) -> Iterator[str]:
    """The kept lines as excerpts of about CHUNK characters, a gap where lines were left
    out; each excerpt after the first starts with the previous one's last line, so that
    no two neighbouring lines are read apart. A large page (the print view of the whole
    site) is parsed a piece at a time, not as one tree."""
    parts: list[str] = []
    size = 0
    previous = -2
    for index in keep:
        if index != previous + 1 and parts:
            parts.append(_GAP)
        elif size > CHUNK:
            yield "\n".join(parts)
            parts, size = [parts[-1]], len(parts[-1])
        parts.append(lines[index])
        size += len(lines[index]) + 1
        previous = index
    if parts:
        yield "\n".join(parts)


def _excerpt(excerpt: str, rules: Detectors, seen: Seen) -> bool:
    if rules.all.find(excerpt, precise_only=True):
        return True
    texts = markup_texts(excerpt)
    return texts is None or found(texts, rules, seen)


def markup_texts(html: str) -> list[str] | None:
    """The text runs, data attribute values and comments of an HTML text; None when it
    loads an asset from another site, or holds a tag not written as a builder writes one
    (the exact reading reports what is there)."""
    upper = _UPPER_CASE_TAG.search(html) is not None
    if _IRREGULAR_TAG.search(html) or _TEMPLATE[upper].search(html):
        # A tag a browser and the exact reading may end apart; a template, whose content a
        # parser keeps out of the tree.
        return None
    texts = _attribute_values(html, upper)
    if texts is None:
        return None
    texts.extend(m.group(1) for m in _COMMENT.finditer(html))
    if "&lt;<" in html:
        # A tag between `&lt;` and `&gt;`, which the exact reading reads as text: how a
        # builder that escapes only the outer brackets writes `<<Name>>`.
        texts.extend(f"<{m.group(1)}>" for m in _TAG_WRITTEN_AS_TEXT.finditer(html))
    # The content of a script, a textarea and the like, which the exact reading reads as
    # text (a script's) or as markup (a textarea's), as written and decoded: below, inline
    # tags are taken out of the whole text, a script's strings included.
    for element in _RAW_TEXT[upper].finditer(html):
        texts.append(element.group(2))
        if "&" in element.group(2):
            texts.append(html_text.unescape(element.group(2)))
    # Inline tags are taken out of the source before it is parsed, so that the text on
    # either side is one text node: unwrapping them in the tree cost ten times as much. A
    # `<` that opens no tag is written as text first, so that taking a tag out after it
    # does not make a tag of the text that follows (`<<a>b`; only `<` can come before
    # one and be no tag).
    written = _STRAY_ANGLE.sub("&lt;", html) if "<<" in html else html
    # Comments were read above; the text on either side of one is shown as one.
    written = _COMMENT.sub("", written) if "<!--" in written else written
    # Every other tag ends a run of text, as in the exact reading: a newline before each,
    # where a parser that ignores a stray end tag (`</div>` without its start on a page's
    # new lines) would join the text on either side. Not before a doctype or a processing
    # instruction, which end no run in either reading.
    flat_source = _INLINE_TAG[upper].sub("", written).replace("<", "\n<")
    flat = LexborHTMLParser(flat_source.replace("\n<!", "<!").replace("\n<?", "<?"))
    if flat.root is not None:
        texts.extend(flat.root.text(separator=SEPARATOR).split(SEPARATOR))
    # Each distinct text once (a page repeats its links, labels and blank runs).
    return list(dict.fromkeys(texts))


def _attribute_values(html: str, upper: bool) -> list[str] | None:
    """The values of the data attributes of the tags of an HTML text, entities decoded;
    None when a tag loads an asset from another site.

    Read from the tags as written, by the exact reading's own pattern, not from a parsed
    tree: a parser drops the attributes of a tag out of place (a `<td>` on a line without
    its table, as the quick reading sees a page's new lines) and keeps one value of a name
    given twice. The attributes of all tags are read in one pass, joined by a `>`, which
    no name or value of one tag can run on past."""
    written = ">".join(tag for tag in _TAG_ATTRIBUTES.findall(html) if "=" in tag)
    texts = [
        html_text.unescape(value) if "&" in value else value
        for name, quoted, single, bare in _ATTRIBUTE.findall(written)
        if (value := quoted or single or bare) and name.lower() not in STRUCTURE_ATTRIBUTES
    ]
    for tag in _ASSET_TAG[upper].finditer(html):
        values = tag_attributes(tag.group(2))
        if any(loads_asset(tag.group(1).lower(), n, v, values) for n, v in values.items()):
            return None
    return texts


def tag_attributes(written: str) -> dict[str, str]:
    """The attributes with a value of a start tag (its text after the name): names in lower
    case, values with entities decoded."""
    values = {}
    for m in _ATTRIBUTE.finditer(written):
        value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4)
        if value:
            values[m.group(1).lower()] = html_text.unescape(value)
    return values


def loads_asset(tag: str, name: str, value: str, attributes: dict[str, str]) -> bool:
    """Whether the attribute `name` of a tag (both in lower case) loads an asset from
    another site: a script's, image's or frame's source, a stylesheet or icon link."""
    if tag == "link":
        rels = set((attributes.get("rel") or "").lower().split())
        if name != "href" or not rels & ASSET_LINKS:
            return False
    elif name not in ASSET_ATTRS.get(tag, ()):
        return False
    return value.strip().lower().startswith(_EXTERNAL)


def json_strings(text: str, rules: Detectors, seen: Seen) -> bool | None:
    """Whether the strings of a JSON text (the markup in them read as markup) hold
    anything no earlier file had that the rules find; None when it is not JSON.

    Read a member at a time, and the rules run over about CHUNK characters at a time: a
    search index is never held decoded whole. The text as written is read too, as the exact
    reading reads it: a key and its value (`"password": "..."`), a number, an attribute
    that is markup's structure in a string are values there, and in no one string."""
    if rules.all.find(text):
        return True
    texts: list[str] = []
    fragments: list[str] = []
    size = 0
    try:
        for _, string in jsonstream.strings(text):
            verdict = seen.texts.get(hash(string))
            if verdict is not None:
                if verdict:
                    return True
                continue
            if "<" in string and ">" in string:
                seen.texts[hash(string)] = False
                fragments.append(string)
            else:
                texts.append(string)
            size += len(string)
            if size > CHUNK:
                if _batch(texts, fragments, rules, seen):
                    return True
                texts, fragments, size = [], [], 0
    except (ValueError, RecursionError):
        return None  # not JSON, or nested past what the decoder reads: read as raw text
    return _batch(texts, fragments, rules, seen)


def _batch(texts: list[str], fragments: list[str], rules: Detectors, seen: Seen) -> bool:
    """Whether the rules find anything in texts, or in fragments of markup read as markup
    (a block tag between them keeps them apart)."""
    if found(texts, rules, seen):
        return True
    if not fragments:
        return False
    inner = markup_texts(_GAP.join(fragments))
    return inner is None or found(inner, rules, seen)


def found(texts: list[str], rules: Detectors, seen: Seen) -> bool:
    """Whether the rules find anything in the texts: texts read before count as they were
    found then; the others are read in one pass and recorded.

    Texts are known and read by their words, with single spaces: a page wraps a paragraph
    over lines where the search index has spaces, and no rule needs a line break to find
    a value. A text with indented lines (code, a manifest) is also read as written, for
    the rules that read lines.
    """
    seen.bound()
    known = seen.texts
    spelled = seen.words
    novel: list[str] = []
    keys: list[int] = []
    dirty = False
    for text in texts:
        # Most texts are written as their words: known by their own hash, with no entry
        # in `spelled` (the site's texts are many; each entry is memory the gate holds).
        written = hash(text)
        key = spelled.get(written, written)
        verdict = known.get(key)
        if verdict is None:
            words = " ".join(text.split())
            if words != text:
                key = spelled[written] = hash(words)
                verdict = known.get(key)
        if verdict is None:
            known[key] = False
            if words:
                novel.append(words)
                keys.append(key)
            if words and ("\n " in text or "\n\t" in text):
                # Indented lines (code, a manifest): rules that read lines need them.
                novel.append(text)
                keys.append(key)
        elif verdict:
            dirty = True
    if not novel:
        return dirty
    offsets = []
    size = 0
    for text in novel:
        offsets.append(size)
        size += len(text) + len(SEPARATOR)
    joined = SEPARATOR.join(novel)
    matches = [m for m in rules.all.find(joined) if "\x00" not in m.value]
    if "<<" in joined:
        matches += rules.placeholders.find(joined)
    for match in matches:
        known[keys[bisect.bisect_right(offsets, match.start) - 1]] = True
    return dirty or bool(matches)
