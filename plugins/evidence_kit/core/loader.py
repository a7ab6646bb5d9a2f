"""Load the evidence tree: find its files, read them safely, parse their YAML once."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import yamlio
from .model import DataFile, Document, Finding, Mark, Parsed
from .settings import Settings

MARKDOWN = (".md", ".markdown")
YAML = (".yml", ".yaml")


@dataclass
class Tree:
    """Every document and typed data file of the docs dir, with what went wrong reading them."""

    documents: dict[str, Document] = field(default_factory=dict)
    data: dict[str, DataFile] = field(default_factory=dict)
    unpublishable: frozenset[str] = frozenset()
    """src_uris the loader could not read safely (unreadable, links outside the repository):
    never published, whatever the edition (`publish.withhold.decide` starts from these)."""
    findings: list[Finding] = field(default_factory=list)
    files: tuple[str, ...] = ()
    """Every file the builder would see (src_uri, in `walk`'s order), read or not."""


def load_tree(settings: Settings) -> Tree:
    """Read every markdown file and every typed YAML file below the docs dir."""
    tree = Tree()
    unreadable: set[str] = set()
    files = []
    for src_uri, abs_path in walk(settings, tree.findings, unreadable):
        files.append(src_uri)
        rel = settings.rel(abs_path)
        if src_uri.endswith(MARKDOWN):
            doc = read_document(abs_path, src_uri, rel, settings, tree.findings)
            if doc is None or not doc.publishable:
                unreadable.add(src_uri)
            if doc is not None:
                tree.documents[src_uri] = doc
        elif src_uri.endswith(YAML) and (doc_type := type_for(src_uri, settings.types)):
            data = read_data(abs_path, src_uri, rel, doc_type, settings, tree.findings)
            if data is not None:
                tree.data[src_uri] = data
    tree.unpublishable = frozenset(unreadable)
    tree.files = tuple(files)
    return tree


def walk(
    settings: Settings, findings: list[Finding] | None = None, outside: set[str] | None = None
) -> Iterator[tuple[str, Path]]:
    """(src_uri, path) of every file MkDocs would see, in a stable order.

    MkDocs follows symlinks, so a link that leaves the project would publish whatever it
    points at: such a link is an error (added to `findings`, its src_uri to `outside`) and
    its target is never read.
    """
    findings = [] if findings is None else findings
    outside = set() if outside is None else outside
    docs = settings.docs_dir
    root = settings.root.resolve()
    for dirpath, dirnames, filenames in os.walk(docs, followlinks=True):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        kept = []
        for name in dirnames:
            if _outside(here / name, root, settings, findings, outside):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            if _outside(path, root, settings, findings, outside):
                continue
            yield path.relative_to(docs).as_posix(), path


def _outside(
    path: Path, root: Path, settings: Settings, findings: list[Finding], outside: set[str]
) -> bool:
    if not path.is_symlink():
        return False
    target = path.resolve()
    if target == root or root in target.parents:
        return False
    src_uri = path.relative_to(settings.docs_dir).as_posix()
    outside.add(src_uri)
    findings.append(
        Finding(
            settings.rel(path),
            1,
            1,
            "symlink-outside",
            "links to a file outside the repository, which would be published; "
            "copy the content in or remove the link",
        )
    )
    return True


def read_text(path: Path, rel: str, max_size: int, findings: list[Finding]) -> str | None:
    """The file as text with LF newlines, or None with a finding (size, encoding)."""
    try:
        size = path.stat().st_size
        if size > max_size:
            findings.append(
                Finding(
                    rel,
                    1,
                    1,
                    "file-too-large",
                    f"{size} bytes is over the {max_size}-byte limit (max_file_size); "
                    "split the file",
                )
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        findings.append(Finding(rel, 1, 1, "file-unreadable", f"cannot read: {exc.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        findings.append(
            Finding(
                rel,
                line,
                column,
                "file-encoding",
                f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_document(
    path: Path, src_uri: str, rel: str, settings: Settings, findings: list[Finding]
) -> Document | None:
    """Parse one markdown file; a front matter that cannot be read makes it unpublishable."""
    text = read_text(path, rel, settings.max_file_size, findings)
    if text is None:
        return None
    return parse_document(text, src_uri, rel, settings.types, findings)


def parse_document(
    text: str, src_uri: str, rel: str, types: Mapping[str, str], findings: list[Finding]
) -> Document:
    """A document from its text (LF newlines), with its metadata read as MkDocs reads it:
    a YAML block between --- lines, or unfenced `key: value` lines at the very top."""
    split = yamlio.split_front_matter(text)
    if split.unclosed:
        findings.append(
            Finding(
                rel,
                1,
                1,
                "front-matter-unclosed",
                "front matter opened with --- is never closed; end it with a line of ---",
            )
        )
        return Document(src_uri, rel, None, Parsed({}), text, 1, False, publishable=False)
    if split.lines is not None:
        return _unfenced(split, src_uri, rel, types)
    if split.yaml_text is None:
        doc_type = type_for(src_uri, types)
        return Document(src_uri, rel, doc_type, Parsed({}), split.body, split.body_line)
    loaded = yamlio.load(split.yaml_text, rel, line_offset=1)
    findings.extend(loaded.findings)
    meta = loaded.parsed
    if meta is not None and meta.value is None and not loaded.findings:
        # An empty block (or only comments): MkDocs keeps it as page text, and so do we.
        return Document(src_uri, rel, type_for(src_uri, types), Parsed({}), text, 1)
    if meta is not None and not isinstance(meta.value, dict):
        findings.append(
            Finding(
                rel,
                2,
                1,
                "front-matter-shape",
                f"front matter is a {_kind(meta.value)}, not a mapping; write key: value lines",
            )
        )
        meta = None
    if meta is None:
        return Document(
            src_uri, rel, None, Parsed({}), split.body, split.body_line, True, publishable=False
        )
    declared = meta.value.get("type")
    doc_type = declared if isinstance(declared, str) else type_for(src_uri, types)
    readable = not loaded.findings
    return Document(src_uri, rel, doc_type, meta, split.body, split.body_line, True, readable)


def _unfenced(
    split: yamlio.FrontMatter, src_uri: str, rel: str, types: Mapping[str, str]
) -> Document:
    """A document with MultiMarkdown-style metadata: every value is text, as MkDocs reads it."""
    value = split.fields()
    marks: dict[str, Mark] = {}
    for item in split.lines or ():
        marks.setdefault(f"$.{item.key}", Mark(item.line, item.column))
    declared = value.get("type")
    doc_type = declared if declared else type_for(src_uri, types)
    return Document(src_uri, rel, doc_type, Parsed(value, marks), split.body, split.body_line)


def read_data(
    path: Path, src_uri: str, rel: str, doc_type: str, settings: Settings, findings: list[Finding]
) -> DataFile | None:
    """Parse one typed YAML data file."""
    text = read_text(path, rel, settings.max_file_size, findings)
    if text is None:
        return None
    loaded = yamlio.load(text, rel)
    findings.extend(loaded.findings)
    if loaded.parsed is None:
        return None
    return DataFile(src_uri, rel, doc_type, loaded.parsed, valid=not loaded.findings)


def _kind(value: object) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def type_for(src_uri: str, rules: Mapping[str, str]) -> str | None:
    """The document type the first matching folder rule gives `src_uri`, if any."""
    for pattern, doc_type in rules.items():
        if _glob(pattern).match(src_uri):
            return doc_type
    return None


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """`**/` any folders, `*` within one folder, `?` one character."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")
