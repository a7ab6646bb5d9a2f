"""The engine: load -> parse -> validate -> fill -> assess. Both front doors call `run`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from . import oncall, placeholders
from .loader import Tree, load_tree
from .model import Finding, Mark, Parsed
from .schemas import SchemaSet, builtin_dir
from .settings import Settings

Rule = Callable[["Evidence"], list[Finding]]
"""A rule over the whole loaded tree; returns its findings."""


def load_schemas(settings: Settings) -> SchemaSet:
    """The shipped schemas plus the project's own; raises SchemaError for a broken one."""
    folders = [builtin_dir()]
    if settings.schemas_dir:
        folders.append(settings.schemas_dir)
    return SchemaSet(folders)


@dataclass
class Evidence:
    """The outcome of one run: the loaded tree, placeholder values and every finding."""

    settings: Settings
    schemas: SchemaSet
    tree: Tree
    values: dict[str, placeholders.Value]
    findings: list[Finding] = field(default_factory=list)
    generated: dict[str, str] = field(default_factory=dict)
    """Pages made from data (src_uri -> markdown), e.g. the on-call rotation."""
    invalid_data: set[str] = field(default_factory=set)
    """Data files that failed their schema: nothing is rendered from them."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def page_source(self, src_uri: str) -> str | None:
        """The markdown MkDocs should render for a document: placeholders filled."""
        doc = self.tree.documents.get(src_uri)
        if doc is None or not doc.publishable:
            return None
        body = placeholders.fill_body(doc.body, self.values)
        if not doc.has_front_matter:
            return body
        meta = placeholders.fill_meta(doc.meta.value, self.values)
        header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
        return f"---\n{header}---\n\n{body}"


def run(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """Load and check the whole evidence tree; never raises for bad input."""
    schemas = schemas or load_schemas(settings)
    tree = load_tree(settings)
    evidence = Evidence(settings, schemas, tree, placeholders.resolve(settings, tree.data))
    findings = list(tree.findings)
    for rule in RULES:
        findings.extend(rule(evidence))
    evidence.findings = sorted(set(findings), key=Finding.sort_key)
    evidence.generated = oncall.pages(evidence.tree, evidence.invalid_data)
    return evidence


def validate(evidence: Evidence) -> list[Finding]:
    """Each typed document and data file against its type's schema."""
    findings: list[Finding] = []
    invalid: set[str] = set()
    for doc in evidence.tree.documents.values():
        if doc.doc_type:
            findings.extend(_validate(evidence.schemas, doc.doc_type, doc.meta, doc.path, Mark(2)))
    for data in evidence.tree.data.values():
        found = _validate(evidence.schemas, data.doc_type, data.data, data.path, Mark(1))
        if found or not data.valid:
            invalid.add(data.src_uri)
        findings.extend(found)
    evidence.invalid_data = invalid
    return findings


def _validate(
    schemas: SchemaSet, doc_type: str, parsed: Parsed, path: str, start: Mark
) -> list[Finding]:
    if doc_type not in schemas.types:
        at = parsed.mark("$.type", start)
        known = ", ".join(sorted(schemas.types))
        message = f"no schema for document type {doc_type!r}; use one of {known} or add a schema"
        return [Finding(path, at.line, at.column, "unknown-type", message, field="$.type")]
    return schemas.validate(doc_type, parsed, path, start)


def check_placeholders(evidence: Evidence) -> list[Finding]:
    """Placeholders without values, values nobody uses, and `{{Name}}` left from templates."""
    docs = evidence.tree.documents.values()
    uses = [use for doc in docs for use in placeholders.find(doc)]
    findings = placeholders.check(uses, evidence.values, evidence.settings)
    for doc in docs:
        findings.extend(placeholders.seed_style(doc))
    return findings


RULES: list[Rule] = [validate, check_placeholders]
