"""The engine: load -> parse -> validate -> fill -> assess. Both front doors call `run`.

Extension points, so each concern lives in its own module and registers here:
- RULES: functions over the loaded tree that return findings (validation, placeholders, ...);
- GENERATORS: functions that return pages made from data (src_uri -> markdown);
- PAGE_TRANSFORMS: functions that change a document's page after its placeholders are
  filled (cards, tables from front matter); redaction is registered last so it sees all.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .core.loader import Tree, load_tree
from .core.model import Document, Finding, Mark, Parsed
from .core.schemas import SchemaSet, builtin_dir
from .core.settings import Settings
from .pages import dashboard
from .pages import incidents as incident_pages
from .publish import sanitize
from .rules import controls, incidents, oncall, placeholders, review

# libyaml's emitter: the pure-Python one was a sixth of an audit build of 2,000 pages.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_schemas(settings: Settings) -> SchemaSet:
    """The shipped schemas plus the project's own; raises SchemaError for a broken one."""
    folders = [builtin_dir()]
    if settings.schemas_dir:
        folders.append(settings.schemas_dir)
    return SchemaSet(folders)


@dataclass
class Page:
    """What MkDocs will render for one document: front matter and markdown body."""

    meta: dict[str, Any]
    body: str


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
    invalid: set[str] = field(default_factory=set)
    """src_uris of documents and data files that failed their schema."""
    cache: dict[str, Any] = field(default_factory=dict)
    """Results computed once per run and shared by rules, generators and page transforms,
    keyed by the module that owns them (e.g. `review` statuses)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def fill(self, value: Any) -> Any:
        """`value` (text, or a mapping or list of them) with placeholders filled as plain
        text, not yet escaped or redacted: pages generated from it are redacted, last."""
        return placeholders.fill_meta(value, self.values)

    def filled_meta(self, doc: Document) -> dict[str, Any]:
        """A document's front matter with placeholders filled (see `fill`)."""
        meta = self.fill(doc.meta.value)
        return meta if isinstance(meta, dict) else {}

    def page(self, src_uri: str) -> Page | None:
        """The page of a publishable document, placeholders filled and transforms applied."""
        doc = self.tree.documents.get(src_uri)
        if doc is None or not doc.publishable:
            return None
        meta = placeholders.fill_meta(doc.meta.value, self.values)
        page = Page(meta, placeholders.fill_body(doc.body, self.values))
        for transform in PAGE_TRANSFORMS:
            page = transform(self, doc, page)
        return page

    def page_source(self, src_uri: str) -> str | None:
        """The markdown MkDocs should read for a document, front matter included."""
        page = self.page(src_uri)
        if page is None:
            return None
        if not page.meta:
            return page.body
        # The meta is already escaped for HTML (sanitize.transform): MkDocs themes print
        # titles and descriptions as they are.
        header = yaml.dump(
            page.meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000
        )
        return f"---\n{header}---\n\n{page.body}"


Rule = Callable[[Evidence], list[Finding]]
Generator = Callable[[Evidence], dict[str, str]]
PageTransform = Callable[[Evidence, Document, Page], Page]


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # The tree is kept whole and holds no cycles, so the cyclic collector would only scan
    # it again and again as it grows: ~15% more per document at 10,000 than at 1,000.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def assess(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """Load and check the whole evidence tree: every rule's findings, no pages (what
    `evidence-kit check` needs); never raises for bad input."""
    with _cyclic_gc_paused():
        schemas = schemas or load_schemas(settings)
        tree = load_tree(settings)
        evidence = Evidence(settings, schemas, tree, placeholders.resolve(settings, tree.data))
        findings = list(tree.findings)
        for rule in RULES:
            findings.extend(rule(evidence))
        evidence.findings = sorted(set(findings), key=Finding.sort_key)
    return evidence


def run(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """`assess`, then the pages made from the tree (what a build publishes)."""
    evidence = assess(settings, schemas)
    with _cyclic_gc_paused():
        for generate in GENERATORS:
            evidence.generated.update(generate(evidence))
    return evidence


def validate(evidence: Evidence) -> list[Finding]:
    """Each typed document and data file against its type's schema."""
    findings: list[Finding] = []
    for doc in evidence.tree.documents.values():
        if doc.doc_type:
            start = Mark(2) if doc.has_front_matter else Mark(1)
            found = _validate(evidence.schemas, doc.doc_type, doc.meta, doc.path, start)
            if found:
                evidence.invalid.add(doc.src_uri)
            findings.extend(found)
    for data in evidence.tree.data.values():
        found = _validate(evidence.schemas, data.doc_type, data.data, data.path, Mark(1))
        if found or not data.valid:
            evidence.invalid.add(data.src_uri)
        findings.extend(found)
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


def oncall_pages(evidence: Evidence) -> dict[str, str]:
    """The on-call page of every valid on-call data file."""
    return oncall.pages(evidence.tree, evidence.invalid, evidence.settings.today)


# Order matters: validation first, so later rules can skip what `invalid` names.
RULES: list[Rule] = [
    validate,
    check_placeholders,
    review.check,
    incidents.check,
    oncall.check,
    controls.check,
    sanitize.rule,
]
# The controls pages list the pages generated before them; sanitize.generated stays
# last: it redacts the pages the generators before it made.
GENERATORS: list[Generator] = [
    oncall_pages,
    dashboard.pages,
    incident_pages.pages,
    controls.pages,
    sanitize.generated,
]
# sanitize.transform stays last: it redacts and escapes what the transforms before it made.
PAGE_TRANSFORMS: list[PageTransform] = [
    dashboard.evidence_card,
    incident_pages.postmortem_tables,
    sanitize.transform,
]
