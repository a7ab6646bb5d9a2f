"""The run's result: the loaded tree, placeholder values, review statuses and every finding."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import fill, history
from .loader import Tree
from .model import Document, Finding
from .publication import Publication
from .references import References
from .settings import Settings
from .statuses import Reviews

if TYPE_CHECKING:
    from .schemas import SchemaSet


@dataclass
class Page:
    """What the builder will render for one document: front matter and markdown body."""

    meta: dict[str, Any]
    body: str


@dataclass
class Evidence:
    """One run over the evidence tree. The pipeline fills it stage by stage; rules and pages
    only read it."""

    settings: Settings
    schemas: SchemaSet
    tree: Tree
    values: dict[str, fill.Value]
    invalid: frozenset[str] = frozenset()
    """src_uris of documents and data files that failed their schema."""
    reviews: Reviews | None = None
    """Every reviewable document's status; set once, before the rules run."""
    decided: Publication | None = None
    """What the build publishes; decided once, before the rules run (see `publication`)."""
    findings: list[Finding] = field(default_factory=list)
    generated: dict[str, str] = field(default_factory=dict)
    """Pages made from data (src_uri -> markdown), e.g. the on-call rotation."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def statuses(self) -> Reviews:
        """The review statuses every view shows, so they cannot disagree."""
        if self.reviews is None:
            raise RuntimeError("review statuses are read before the pipeline assessed them")
        return self.reviews

    @property
    def publication(self) -> Publication:
        """Whether each source is published, as every later step must read it."""
        if self.decided is None:
            raise RuntimeError("publication is read before the pipeline decided it")
        return self.decided

    @functools.cached_property
    def references(self) -> References:
        """The documents a postmortem's `runbooks:` may name, indexed once per run."""
        cadence = self.settings.review.cadence
        targets = {uri: d for uri, d in self.tree.documents.items() if d.doc_type in cadence}
        return References.of(targets)

    @functools.cached_property
    def data_history(self) -> history.FileLog:
        """Every recorded version of the tree's typed data files (the on-call schedule as it
        stood at each commit), from one `git log` per run."""
        return history.file_log(self.settings.docs_dir, self.tree.data)

    def fill(self, value: Any) -> Any:
        """`value` (text, or a mapping or list of them) with placeholders filled as plain
        text, not yet escaped or redacted: pages generated from it are redacted, last."""
        return fill.fill_meta(value, self.values)

    def filled_meta(self, doc: Document) -> dict[str, Any]:
        """A document's front matter with placeholders filled (see `fill`)."""
        meta = self.fill(doc.meta.value)
        return meta if isinstance(meta, dict) else {}
