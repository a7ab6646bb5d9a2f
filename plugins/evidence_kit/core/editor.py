"""Editor support: a type's schema as one self-contained file for YAML language servers.

The shipped schemas share definitions through absolute `$ref`s (`https://evidence-kit.example/
schemas/_defs.schema.json#/$defs/text`) that the validator resolves from its registry but an
editor would try to download. Bundling copies each referenced schema under `$defs` and points
the references there, so the file works offline and on its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .schemas import SUFFIX


class UnknownType(KeyError):
    """No schema for the requested document type."""


def _documents(folders: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Schema documents by file name (`runbook`, `_defs`); a later folder's file wins."""
    found: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*" + SUFFIX)):
            found[path.name[: -len(SUFFIX)]] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _name(schema_id: str) -> str:
    """`https://.../schemas/_defs.schema.json` -> `_defs`."""
    return schema_id.rstrip("/").rsplit("/", 1)[-1].removesuffix(".schema.json")


def types(folders: Sequence[Path]) -> list[str]:
    """The document types the schema folders define."""
    return sorted(name for name in _documents(folders) if not name.startswith("_"))


def bundled(folders: Sequence[Path], doc_type: str) -> dict[str, Any]:
    """The schema of `doc_type` with every schema it references embedded under `$defs`.

    `folders` as the engine reads them (shipped first, the project's own after); each
    schema is assumed valid (load it with `SchemaSet` first).
    """
    documents = _documents(folders)
    if doc_type.startswith("_") or doc_type not in documents:
        raise UnknownType(doc_type)
    by_id = {str(d["$id"]): d for d in documents.values() if isinstance(d.get("$id"), str)}
    return _Bundle(by_id, str(documents[doc_type]["$id"])).result()


class _Bundle:
    """One bundling: the documents by id, the root, and what has been embedded so far."""

    def __init__(self, documents: dict[str, dict[str, Any]], root_id: str) -> None:
        self.documents = documents
        self.root_id = root_id
        self.embedded: dict[str, Any] = {}
        self.pending = [root_id]

    def result(self) -> dict[str, Any]:
        while self.pending:
            schema_id = self.pending.pop()
            rewritten = self._rewrite(self.documents[schema_id], schema_id)
            if schema_id != self.root_id:
                rewritten = {k: v for k, v in rewritten.items() if k not in ("$id", "$schema")}
            self.embedded[schema_id] = rewritten
        result = dict(self.embedded[self.root_id])
        extra = {_name(i): s for i, s in sorted(self.embedded.items()) if i != self.root_id}
        if extra:
            result["$defs"] = {**result.get("$defs", {}), **extra}
        return result

    def _rewrite(self, value: Any, base: str) -> Any:
        if isinstance(value, list):
            return [self._rewrite(v, base) for v in value]
        if not isinstance(value, dict):
            return value
        return {
            key: self._reference(item, base)
            if key == "$ref" and isinstance(item, str)
            else self._rewrite(item, base)
            for key, item in value.items()
        }

    def _reference(self, ref: str, base: str) -> str:
        """`ref` as seen from the document `base`, pointing into the bundle."""
        target, _, pointer = urljoin(base, ref).partition("#")
        if target not in self.documents:
            return ref  # not a schema of the set; the validator reports it
        if target == self.root_id:
            return "#" + pointer
        if target not in self.embedded and target not in self.pending:
            self.pending.append(target)
        return f"#/$defs/{_name(target)}{pointer}"
