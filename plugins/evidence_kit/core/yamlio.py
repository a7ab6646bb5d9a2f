"""Safe YAML reading with positions: the parser every evidence file goes through.

PyYAML's constructors lose positions and quietly turn `NO` into False and dates into
`datetime.date`. Here the C composer builds nodes (with marks), and one walk turns them
into JSON-shaped values: timestamps stay strings (JSON Schema formats check them), other
scalars keep YAML's type but remember their source text so a schema error can say "quote
it". Anchors, aliases, merge keys and custom tags are refused: evidence is plain data.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from .model import Finding, Mark, Parsed, child_path

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 64


def data(text: str) -> Any:
    """The plain data of YAML we wrote ourselves (shipped files, generated front matter),
    read by libyaml where PyYAML has it: no marks, no findings."""
    return yaml.load(text, Loader=_Loader)


_STR = "tag:yaml.org,2002:str"
_SCALARS: dict[str, str] = {
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:null": "null",
}
_KNOWN_TAGS = {_STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", *_SCALARS}
_KNOWN_TAGS |= {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

# The same delimiters MkDocs uses (mkdocs.utils.meta.YAML_RE), so both agree on where
# front matter ends; the closing line may be `---` or `...`.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_OPENING = re.compile(r"^-{3}[ \t]*\n")


# MkDocs' MultiMarkdown-style metadata (mkdocs.utils.meta.META_RE, META_MORE_RE): without
# a YAML fence, `key: value` lines at the very top are metadata up to the first blank line
# or the first line that is neither a key nor an indented continuation.
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")


@dataclass(frozen=True)
class MetaLine:
    """One `key: value` line of unfenced metadata, where its key starts (1-based)."""

    key: str
    value: str
    line: int
    column: int


@dataclass
class FrontMatter:
    """The metadata of a markdown file (a YAML block, or unfenced `key: value` lines) and
    the body after it."""

    yaml_text: str | None
    body: str
    body_line: int
    unclosed: bool = False
    lines: tuple[MetaLine, ...] | None = None
    """Unfenced metadata, as MkDocs reads it; None when the file has none."""

    def fields(self) -> dict[str, str]:
        """Unfenced metadata as MkDocs reads it: keys in lower case, a repeated key's
        values and continuation lines joined by a space."""
        result: dict[str, str] = {}
        for item in self.lines or ():
            result[item.key] = (
                f"{result[item.key]} {item.value}" if item.key in result else item.value
            )
        return result


def split_front_matter(text: str) -> FrontMatter:
    """Split `text` (newlines already normalised) into front matter and body."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        # An opening `---` with no closing line: MkDocs would render it as a rule and
        # the YAML as text, so it is reported rather than guessed at.
        lines = text.split("\n", 2)
        unclosed = bool(_OPENING.match(text)) and len(lines) > 1 and ":" in lines[1]
        if unclosed:
            return FrontMatter(None, text, 1, unclosed=True)
        return _unfenced(text)
    body = text[match.end() :]
    lines_before = text[: match.end()].count("\n")
    # MkDocs strips blank lines after the block; keep counting them for positions.
    stripped = body.lstrip("\n")
    lines_before += len(body) - len(stripped)
    return FrontMatter(match.group(1), stripped, lines_before + 1)


def reads_as_metadata(text: str) -> bool:
    """Whether MkDocs would read the start of `text` as metadata (fenced or not)."""
    return bool(_FRONT_MATTER.match(text) or _META_LINE.match(text))


def _unfenced(text: str) -> FrontMatter:
    """MultiMarkdown-style metadata read exactly as `mkdocs.utils.meta.get_data` reads it
    (which also drops a first blank line and the newlines after it when there is none)."""
    lines = text.split("\n")
    found: list[MetaLine] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.strip() == "":
            break
        if meta := _META_LINE.match(line):
            key = meta.group("key").lower().strip()
            found.append(MetaLine(key, meta.group("value").strip(), index, meta.start("key") + 1))
            continue
        more = _META_MORE.match(line)
        if more and found:
            last = found[-1]
            found.append(MetaLine(last.key, more.group("value").strip(), index, last.column))
            continue
        index -= 1
        break
    rest = "\n".join(lines[index:])
    body = rest.lstrip("\n")
    body_line = index + 1 + (len(rest) - len(body))
    return FrontMatter(None, body, body_line, lines=tuple(found) if found else None)


@dataclass
class _Walk:
    path: str
    line_offset: int
    marks: dict[str, Mark] = field(default_factory=dict)
    raw: dict[str, tuple[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    def mark(self, node: yaml.Node) -> Mark:
        return _mark(node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, rule: str, message: str, json_path: str | None) -> None:
        at = self.mark(node)
        self.findings.append(Finding(self.path, at.line, at.column, rule, message, field=json_path))

    def value(self, node: yaml.Node, json_path: str, depth: int) -> Any:
        if json_path not in self.marks:  # a mapping value keeps the mark of its key
            self.marks[json_path] = self.mark(node)
        if id(node) in self.seen:
            # An alias is the anchored node itself: name the place that uses it, not the anchor.
            at = self.marks[json_path]
            message = "anchors and aliases are not allowed in evidence files; write the value out"
            self.findings.append(
                Finding(self.path, at.line, at.column, "yaml-alias", message, field=json_path)
            )
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.fail(node, "yaml-too-deep", f"nested deeper than {MAX_DEPTH} levels", json_path)
            return None
        if node.tag not in _KNOWN_TAGS:
            self.fail(
                node,
                "yaml-tag",
                f"the tag {node.tag!r} is not allowed; evidence files hold plain data",
                json_path,
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, json_path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.value(item, sys.intern(child_path(json_path, i)), depth + 1)
                for i, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, json_path)

    def mapping(self, node: yaml.MappingNode, json_path: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(
                    key_node,
                    "yaml-alias",
                    "merge keys (<<) are not allowed; write the keys out",
                    json_path,
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(
                    key_node, "yaml-syntax", "a mapping key must be a plain string", json_path
                )
                continue
            key = key_node.value
            key_path = sys.intern(child_path(json_path, key))
            at = self.mark(key_node)
            if key in first_seen:
                lines = f"lines {first_seen[key].line} and {at.line}"
                message = f"duplicate key {key!r} ({lines}); keep one"
                self.fail(key_node, "yaml-duplicate-key", message, key_path)
                continue
            first_seen[key] = self.marks[key_path] = at
            result[key] = self.value(value_node, key_path, depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, json_path: str) -> Any:
        text = node.value
        if node.tag in (_STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            self.texts.append(text)
            return text
        kind = _SCALARS[node.tag]
        self.raw[json_path] = (text, kind)
        try:
            # The constructor methods, not construct_object(), which caches every node.
            return _CONSTRUCT[node.tag](node)
        except (ValueError, yaml.YAMLError):  # pragma: no cover - resolver and constructor agree
            return text


# Every document repeats the same positions and JSON paths ("$.timeline[0].at" at 22:5):
# one shared immutable Mark per position and one interned string per path keep the marks
# of a large tree from costing more memory than its text.
@lru_cache(maxsize=1 << 16)
def _mark(line: int, column: int) -> Mark:
    return Mark(line, column)


_SAFE = yaml.SafeLoader("")
_CONSTRUCT = {
    "tag:yaml.org,2002:bool": _SAFE.construct_yaml_bool,
    "tag:yaml.org,2002:int": _SAFE.construct_yaml_int,
    "tag:yaml.org,2002:float": _SAFE.construct_yaml_float,
    "tag:yaml.org,2002:null": _SAFE.construct_yaml_null,
}


@dataclass(frozen=True)
class Loaded:
    """One YAML text read: its value (None when it is not YAML at all) and findings."""

    parsed: Parsed | None
    findings: list[Finding]


def load(text: str, path: str, *, line_offset: int = 0) -> Loaded:
    """Parse `text` into a JSON-shaped value with marks; every problem is a finding."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return Loaded(None, [_syntax_finding(exc, text, path, line_offset)])
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error carries a mark
        return Loaded(None, [Finding(path, line_offset + 1, 1, "yaml-syntax", str(exc))])
    except RecursionError:
        return Loaded(
            None,
            [
                Finding(
                    path,
                    line_offset + 1,
                    1,
                    "yaml-too-deep",
                    f"nested deeper than {MAX_DEPTH} levels",
                )
            ],
        )
    if root is None:
        return Loaded(Parsed(None), [])
    walk = _Walk(path, line_offset)
    value = walk.value(root, "$", 0)
    # What could be read is kept even with findings, so a schema check can still list
    # every other problem of the file in the same run.
    return Loaded(Parsed(value, walk.marks, walk.raw, tuple(walk.texts)), walk.findings)


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, path: str, line_offset: int) -> Finding:
    # The context mark is where the broken construct began (an unclosed bracket or
    # quote), which is the line to fix; libyaml notices the problem later.
    problem_at, context_at = exc.problem_mark, exc.context_mark
    tab = problem_at is not None and _char_at(text, problem_at.line, problem_at.column) == "\t"
    at = problem_at if tab else context_at or problem_at
    line = (at.line + 1 if at else 1) + line_offset
    column = at.column + 1 if at else 1
    message = exc.problem or "invalid YAML"
    if exc.context:
        message = f"{message} {exc.context}"
    if at is context_at and problem_at and context_at and problem_at.line != context_at.line:
        message += f" (noticed at line {problem_at.line + 1 + line_offset})"
    if tab:
        message += "; indent with spaces, not tabs"
    return Finding(path, line, column, "yaml-syntax", f"{message}; fix the YAML here")


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""
