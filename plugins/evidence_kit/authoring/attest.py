"""`evidence-kit review`: record a review in a document's front matter, changing nothing else.

A review is an attestation: who reviewed the document, on which day, and optionally a note.
The YAML is never dumped again: each field's value is replaced in place at the line its node
starts on (or a line is added), so comments, quoting, key order and line endings stay as the
author wrote them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core import yamlio
from ..core.loader import read_document
from ..core.model import Finding, Mark
from ..core.moments import as_date
from ..core.schemas import SchemaSet
from ..core.settings import Settings

NEVER = "never"
"""`last_reviewed: never`: what `init` writes; nobody has reviewed the document yet."""
FIELDS = ("last_reviewed", "reviewed_by", "review_note")

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ._,()@/'-]{0,200}")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", NEVER}


class ReviewError(Exception):
    """The review cannot be recorded; the message says why and what to do."""


@dataclass(frozen=True)
class Recorded:
    """A review written to `path`, as the command reports it."""

    path: str
    date: dt.date
    by: str
    previous: str
    """The `last_reviewed` value before: a date, `never`, or empty when there was none."""


def scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as the same text: plain when it can be."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS and value == value.strip():
        return value
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def set_fields(text: str, values: dict[str, str | None]) -> str:
    """`text` (a markdown file with front matter) with each top-level field of `values` set to
    its YAML text, or removed when the value is None; every other byte is kept."""
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :].replace("\r\n", "\n")
    previous = None
    for key, value in values.items():
        body, previous = _set(body, key, value, previous)
    return bom + body.replace("\n", newline)


def _set(text: str, key: str, value: str | None, after: int | None) -> tuple[str, int | None]:
    """Set one key; returns the text and the line index of the key (for the next one)."""
    split = yamlio.split_front_matter(text)
    if split.yaml_text is None:
        raise ReviewError("the file has no front matter (--- lines at its top)")
    root = yaml.compose(split.yaml_text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ReviewError("the front matter is not a mapping of key: value lines")
    lines = text.split("\n")
    # The front matter starts on the file's second line (index 1).
    closing = 1 + split.yaml_text.count("\n")
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value != key:
            continue
        first = 1 + key_node.start_mark.line
        start, end = value_node.start_mark, value_node.end_mark
        single = isinstance(value_node, yaml.ScalarNode) and start.line == end.line
        if value is not None and single:
            line = 1 + start.line
            lines[line] = lines[line][: start.column] + value + lines[line][end.column :]
            return "\n".join(lines), line
        # Block or multi-line values: the key's lines are replaced by one `key: value` line.
        # A block scalar ends at column 0 of the line after it.
        last = 1 + (end.line - 1 if end.column == 0 and end.line > start.line else end.line)
        new = [f"{key}: {value}"] if value is not None else []
        lines[first : last + 1] = new
        return "\n".join(lines), first if new else (first - 1)
    if value is None:
        return text, after
    at = (after + 1) if after is not None else closing
    lines.insert(at, f"{key}: {value}")
    return "\n".join(lines), at


def record(
    settings: Settings,
    schemas: SchemaSet,
    path: Path,
    *,
    by: str,
    date: dt.date,
    note: str | None = None,
) -> Recorded:
    """Write a review of `path` (a reviewable document below the docs folder): the result is
    validated against the document's schema before anything is written."""
    by, note = by.strip(), (note.strip() if note is not None else None)
    if not by:
        raise ReviewError("--by: name the person who reviewed the document")
    if note == "":
        raise ReviewError("--note: give the note some text, or leave the option out")
    if date > settings.today:
        raise ReviewError(
            f"--date: {date} is after today ({settings.today}); record the day the review "
            "took place"
        )
    absolute = path.resolve()
    docs = settings.docs_dir.resolve()
    if not absolute.is_relative_to(docs) or absolute.suffix.lower() not in (".md", ".markdown"):
        raise ReviewError(f"{path}: not a markdown document below {settings.rel(docs)}/")
    if not absolute.is_file():
        raise ReviewError(f"{path}: no such file")
    src_uri = absolute.relative_to(docs).as_posix()
    rel = settings.rel(absolute)
    problems: list[Finding] = []
    doc = read_document(absolute, src_uri, rel, settings, problems)
    if doc is None or problems or not doc.publishable:
        found = "; ".join(str(p) for p in problems) or "its front matter cannot be read"
        raise ReviewError(f"{rel}: fix the file first: {found}")
    reviewable = settings.review.cadence
    if doc.doc_type is None or doc.doc_type not in reviewable:
        kinds = " or ".join(reviewable)
        raise ReviewError(
            f"{rel}: a {doc.doc_type or 'page without a type'} is not reviewed on a cadence; "
            f"only a {kinds} is"
        )
    raw_previous = doc.field("last_reviewed")
    previous = "" if raw_previous is None else str(raw_previous)
    earlier = as_date(previous) if previous else None
    if earlier is not None and earlier > date:
        raise ReviewError(
            f"{rel}: already reviewed on {earlier}, after {date}; record a later review"
        )
    raw = absolute.read_bytes().decode("utf-8")
    changed = set_fields(
        raw,
        {
            "last_reviewed": date.isoformat(),
            "reviewed_by": scalar(by),
            "review_note": scalar(note) if note is not None else None,
        },
    )
    _validate(changed, doc.doc_type, schemas, rel, {"last_reviewed": date.isoformat(), "by": by})
    absolute.write_bytes(changed.encode("utf-8"))
    return Recorded(rel, date, by, previous)


def _validate(text: str, doc_type: str, schemas: SchemaSet, rel: str, want: dict[str, str]) -> None:
    split = yamlio.split_front_matter(text.lstrip("\ufeff").replace("\r\n", "\n"))
    loaded = yamlio.load(split.yaml_text or "", rel, line_offset=1)
    meta = loaded.parsed
    if loaded.findings or meta is None or not isinstance(meta.value, dict):
        raise ReviewError(f"{rel}: the edited front matter would not read back; nothing written")
    value = meta.value
    if (
        value.get("last_reviewed") != want["last_reviewed"]
        or value.get("reviewed_by") != want["by"]
    ):
        raise ReviewError(f"{rel}: the edited front matter reads back differently; nothing written")
    if doc_type in schemas.types:
        typed = meta if "type" in value else type(meta)({**value, "type": doc_type}, meta.marks)
        found = schemas.validate(doc_type, typed, rel, Mark(2))
        if found:
            listed = "; ".join(str(f) for f in found)
            raise ReviewError(
                f"the reviewed document would not be valid, nothing written: {listed}"
            )
