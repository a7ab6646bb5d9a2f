"""Whether each source is published: decided once per run, before the checks, then only read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Publication:
    """What a build publishes. `publish.withhold.decide` makes it; every later step (the
    checks, the redaction, the generated pages, the manifest, the builder's file list) reads
    this one object, so they cannot disagree about a page."""

    withheld: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Documents the audit edition leaves out on purpose, with the reason (`internal`,
    `unsanitized`): what the publication report counts and links to them report."""
    unpublished: frozenset[str] = frozenset()
    """Every src_uri the build must not publish: the withheld documents, documents that
    could not be read, links that leave the repository and, in the audit edition,
    documents whose internal markers do not pair and stray files."""
    stray: tuple[str, ...] = ()
    """Files that are neither pages, typed data nor an allowed asset type (audit edition)."""

    def publishes(self, src_uri: str) -> bool:
        """Whether the build may publish the source at `src_uri`."""
        return src_uri not in self.unpublished


def frozen(withheld: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy of `withheld`, sorted by src_uri."""
    return MappingProxyType(dict(sorted(withheld.items())))
