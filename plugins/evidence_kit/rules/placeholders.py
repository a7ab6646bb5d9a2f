"""Placeholder rules: uses without a value, values nobody used, `{{Name}}` from elsewhere."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..core import mdtext
from ..core.evidence import Evidence
from ..core.fill import PATTERN, Value
from ..core.model import Document, Finding, Severity, strings
from ..core.settings import Settings, is_safe_url
from . import Rule, table

# The seed style, recognised only when it looks like a placeholder name (a capital first),
# so Jinja such as `{{ page.title }}` in an ordinary site is left alone.
SEED_PATTERN = re.compile(r"\{\{\s?([A-Z][A-Za-z0-9 _-]{0,78}?)\s?\}\}")

RULES: tuple[Rule, ...] = table(
    """
    placeholder-missing  placeholder  error
        A <<placeholder>> without a usable value.
    placeholder-syntax   placeholder  error
        {{Name}} written where <<Name>> was meant.
    placeholder-unused   placeholder  warning
        A placeholder value no page uses.
    """
)


@dataclass(frozen=True)
class Placeholder:
    """One use of `<<name>>` in a document."""

    name: str
    path: str
    line: int
    column: int
    field: str | None = None


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


def check(evidence: Evidence) -> list[Finding]:
    """Placeholders without values, values nobody uses, and `{{Name}}` left from templates."""
    docs = evidence.tree.documents.values()
    uses = [use for doc in docs for use in find(doc)]
    findings = check_uses(uses, evidence.values, evidence.settings)
    for doc in docs:
        findings.extend(seed_style(doc))
    return findings


def check_uses(
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
