"""The document model every rule reads and the findings every rule returns."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


class SchemaError(Exception):
    """A schema file is unusable; the build cannot go on without it."""


class Severity(str, enum.Enum):
    """How a finding affects a build: errors fail it, warnings are reported."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Mark:
    """A 1-based position in a source file."""

    line: int
    column: int = 1


@dataclass(frozen=True)
class Finding:
    """One problem at one place, with the rule that found it and what to do."""

    path: str
    line: int
    column: int
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}: {self.rule}: "
        return where + (f"{self.field}: " if self.field else "") + self.message


@dataclass(frozen=True)
class Parsed:
    """A YAML value turned JSON-shaped, with the position of every node by JSON path."""

    value: Any
    marks: dict[str, Mark] = field(default_factory=dict)
    raw: dict[str, tuple[str, str]] = field(default_factory=dict)
    """For plain scalars YAML read as non-strings: JSON path -> (source text, YAML type)."""
    read_texts: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    """The string values as the reader met them, when it kept them (`texts`)."""

    @functools.cached_property
    def texts(self) -> tuple[str, ...]:
        """Every string value, in document order: `texts_of(value)`, walked once."""
        return self.read_texts if self.read_texts is not None else tuple(texts_of(self.value))

    def mark(self, json_path: str, default: Mark | None = None) -> Mark:
        """The position of `json_path`, or of its nearest ancestor that has one."""
        path = json_path
        while path:
            if path in self.marks:
                return self.marks[path]
            path = parent_path(path)
        return default or Mark(1, 1)


def parent_path(json_path: str) -> str:
    """`$.a.b[2]` -> `$.a.b`; `$` -> ``."""
    if json_path == "$":
        return ""
    cut = max(json_path.rfind("."), json_path.rfind("["))
    return json_path[:cut] if cut > 0 else "$"


def child_path(json_path: str, key: str | int) -> str:
    """The JSON path of a mapping key or sequence index below `json_path`."""
    # The same spelling as jsonschema's `ValidationError.json_path`.
    return f"{json_path}[{key}]" if isinstance(key, int) else f"{json_path}.{key}"


def strings(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """(JSON path, text) of every string of a JSON-shaped value, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, child_path(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, child_path(path, index))


def texts_of(value: Any) -> Iterator[str]:
    """Every string of a JSON-shaped value, in document order (`strings` without paths)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def text_of(value: Any) -> str | None:
    """A front-matter value shown as text: a string or number, stripped; None for anything
    else (missing, empty, a mapping, a list, true/false)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A JSON-shaped value with `change` applied to each of its strings."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, change) for item in value]
    return value


@dataclass(frozen=True)
class Document:
    """A markdown page of the evidence tree, parsed from its raw file."""

    src_uri: str
    """Path below the docs dir, with forward slashes (what MkDocs calls `src_uri`)."""
    path: str
    """Path below the project root, as findings print it."""
    doc_type: str | None
    meta: Parsed
    body: str
    body_line: int
    """The file line on which `body` starts, so body offsets map back to the file."""
    has_front_matter: bool = False
    publishable: bool = True
    """False when the front matter could not be read: such a page is never published."""

    def field(self, name: str, default: Any = None) -> Any:
        value = self.meta.value
        return value.get(name, default) if isinstance(value, dict) else default


@dataclass(frozen=True)
class DataFile:
    """A typed YAML data file of the evidence tree (on-call rotation, ...)."""

    src_uri: str
    path: str
    doc_type: str
    data: Parsed
    valid: bool = True
