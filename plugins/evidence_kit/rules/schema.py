"""Schema rules: each typed document and data file against its type's JSON Schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.evidence import Evidence
from ..core.model import Finding, Mark, Parsed
from . import Rule, table

if TYPE_CHECKING:
    from ..core.schemas import SchemaSet

RULES: tuple[Rule, ...] = table(
    """
    schema        schema  error
        Front matter or data does not match its document type's schema.
    unknown-type  schema  error
        A document type without a schema.
    """
)


def validate(evidence: Evidence) -> tuple[list[Finding], frozenset[str]]:
    """Every schema finding, and the src_uris that failed (the other rules skip them)."""
    findings: list[Finding] = []
    invalid: set[str] = set()
    for doc in evidence.tree.documents.values():
        if doc.doc_type:
            start = Mark(2) if doc.has_front_matter else Mark(1)
            meta = doc.meta
            if isinstance(meta.value, dict) and "type" not in meta.value:
                # A folder rule (`types:`) gave the type: the schema sees it as resolved.
                meta = Parsed({**meta.value, "type": doc.doc_type}, meta.marks, meta.raw)
            found = _validate(evidence.schemas, doc.doc_type, meta, doc.path, start)
            if found:
                invalid.add(doc.src_uri)
            findings.extend(found)
    for data in evidence.tree.data.values():
        found = _validate(evidence.schemas, data.doc_type, data.data, data.path, Mark(1))
        if found or not data.valid:
            invalid.add(data.src_uri)
        findings.extend(found)
    return findings, frozenset(invalid)


def _validate(
    schemas: SchemaSet, doc_type: str, parsed: Parsed, path: str, start: Mark
) -> list[Finding]:
    if doc_type not in schemas.types:
        at = parsed.mark("$.type", start)
        known = ", ".join(sorted(schemas.types))
        message = f"no schema for document type {doc_type!r}; use one of {known} or add a schema"
        return [Finding(path, at.line, at.column, "unknown-type", message, field="$.type")]
    return schemas.validate(doc_type, parsed, path, start)
