"""`<<Name>>` placeholders: find them, give them values, fill them in as safe text."""

from __future__ import annotations

import difflib
import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..core import mdtext
from ..core.model import DataFile, Document, Finding, Severity, map_strings, strings
from ..core.settings import PlaceholderSource, Settings, is_safe_url

# Bounded name, no nesting, so a long line scans in linear time.
PATTERN = re.compile(r"(\\?)<<([A-Za-z0-9][A-Za-z0-9 _./-]{0,78}?)>>")
# The seed style, recognised only when it looks like a placeholder name (a capital first),
# so Jinja such as `{{ page.title }}` in an ordinary site is left alone.
SEED_PATTERN = re.compile(r"\{\{\s?([A-Z][A-Za-z0-9 _-]{0,78}?)\s?\}\}")

# Characters Markdown would read as syntax, written as entities so a value stays text.
_MARKDOWN_SYNTAX = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~"})


@dataclass(frozen=True)
class Placeholder:
    """One use of `<<name>>` in a document."""

    name: str
    path: str
    line: int
    column: int
    field: str | None = None


@dataclass(frozen=True)
class Value:
    """A placeholder's resolved value; `text` None when it has none."""

    text: str | None
    url: bool
    why_missing: str = ""


def find(doc: Document) -> Iterator[Placeholder]:
    """Every placeholder of a document: in its front matter strings and its body prose."""
    for field, text in strings(doc.meta.value):
        if "<<" not in text:
            continue
        mark = doc.meta.mark(field)
        for match in PATTERN.finditer(text):
            if not match.group(1):
                yield Placeholder(match.group(2), doc.path, mark.line, mark.column, field)
    found: list[Placeholder] = []

    def collect(text: str, index: int, column: int) -> str:
        for match in PATTERN.finditer(text):
            if not match.group(1):
                line, col = doc.body_line + index, column + match.start() + 1
                found.append(Placeholder(match.group(2), doc.path, line, col))
        return text

    if "<<" in doc.body:
        mdtext.map_prose(doc.body, collect)
    yield from found


def seed_style(doc: Document) -> list[Finding]:
    """`{{Name}}` pasted from elsewhere: reported, because it would go out unfilled."""
    findings: list[Finding] = []

    def collect(text: str, index: int, column: int) -> str:
        for match in SEED_PATTERN.finditer(text):
            name = match.group(1).strip()
            findings.append(
                Finding(
                    doc.path,
                    doc.body_line + index,
                    column + match.start() + 1,
                    "placeholder-syntax",
                    f"{match.group()} is not a placeholder; write <<{name}>>",
                )
            )
        return text

    if "{{" in doc.body:
        mdtext.map_prose(doc.body, collect)
    return findings


def resolve(settings: Settings, data: Mapping[str, DataFile]) -> dict[str, Value]:
    """The value of every configured placeholder, from config, environment or data files."""
    values = {}
    for name, source in settings.placeholders.items():
        values[name] = _resolve(source, data)
    return values


def _resolve(source: PlaceholderSource, data: Mapping[str, DataFile]) -> Value:
    if source.env:
        text = os.environ.get(source.env)
        missing = f"environment variable {source.env} is not set"
        return Value(text, source.url, missing if text is None else "")
    if source.data:
        file = data.get(source.data)
        if file is None:
            return Value(None, source.url, f"{source.data} is not a typed data file of the kit")
        found = _lookup(file.data.value, str(source.key))
        if found is None or isinstance(found, (dict, list)):
            return Value(None, source.url, f"{source.data} has no text at {source.key}")
        return Value(str(found), source.url)
    return Value(source.value, source.url)


def _lookup(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def check(
    uses: Iterable[Placeholder], values: Mapping[str, Value], settings: Settings
) -> list[Finding]:
    """Uses without a value (errors) and configured values nobody uses (warnings)."""
    findings = []
    used: set[str] = set()
    for use in uses:
        used.add(use.name)
        value = values.get(use.name)
        problem = _problem(use.name, value)
        if problem:
            findings.append(
                Finding(
                    use.path, use.line, use.column, "placeholder-missing", problem, field=use.field
                )
            )
    for name, source in settings.placeholders.items():
        if name in used:
            continue
        close = difflib.get_close_matches(name, sorted(used), n=1, cutoff=0.75)
        hint = f"; did you mean <<{close[0]}>>?" if close else "; remove it or use it"
        findings.append(
            Finding(
                settings.config_file,
                source.mark.line,
                source.mark.column,
                "placeholder-unused",
                f"<<{name}>> has a value but no page uses it{hint}",
                severity=Severity.WARNING,
            )
        )
    return findings


def _problem(name: str, value: Value | None) -> str:
    if value is None:
        return f"<<{name}>> has no value; add it under placeholders in the evidence plugin config"
    if value.text is None:
        return f"<<{name}>> has no value: {value.why_missing}"
    if not value.text.strip():
        return f"<<{name}>> is empty; give it a value"
    if value.url and not is_safe_url(value.text):
        return f"<<{name}>> is not an absolute https:// link; fix its value"
    return ""


def fill_body(body: str, values: Mapping[str, Value]) -> str:
    """The body with placeholders replaced by escaped text (or links) and `\\<<` made literal."""
    if "<<" not in body:
        return body

    def replace(text: str, index: int, column: int) -> str:
        return PATTERN.sub(lambda m: _render(m, values), text.replace("\\<<", "&lt;&lt;"))

    return mdtext.map_prose(body, replace)


def _render(match: re.Match[str], values: Mapping[str, Value]) -> str:
    value = values.get(match.group(2))
    if value is None or not value.text:
        return match.group()
    shown = html.escape(value.text, quote=False).translate(_MARKDOWN_SYNTAX)
    if value.url and is_safe_url(value.text):
        return f'<a href="{html.escape(value.text.strip(), quote=True)}">{shown}</a>'
    return shown


def fill_meta(value: Any, values: Mapping[str, Value]) -> Any:
    """Front matter with placeholders in its strings replaced by their plain values."""

    def fill(text: str) -> str:
        return PATTERN.sub(lambda m: _plain(m, values), text) if "<<" in text else text

    return map_strings(value, fill)


def _plain(match: re.Match[str], values: Mapping[str, Value]) -> str:
    if match.group(1):
        return match.group()[1:]
    value = values.get(match.group(2))
    return value.text if value is not None and value.text else match.group()
