"""Rules about reading the tree: files that cannot be read, YAML that cannot be trusted.

The loader (`core/loader.py`, `core/yamlio.py`) finds these while it reads, because a file
it cannot read has nothing for the other rules to check; this module declares them.
"""

from __future__ import annotations

from ..core.evidence import Evidence
from ..core.model import Finding
from . import Rule, table

RULES: tuple[Rule, ...] = table(
    """
    file-encoding          file          error
        A file is not UTF-8.
    file-too-large         file          error
        A file is over the max_file_size limit.
    file-unreadable        file          error
        A file cannot be read.
    symlink-outside        symlink       error
        A symlink points outside the repository.
    front-matter-unclosed  front-matter  error
        Front matter is opened with --- but never closed.
    front-matter-shape     front-matter  error
        Front matter is not a mapping.
    yaml-syntax            yaml          error
        YAML that cannot be parsed.
    yaml-duplicate-key     yaml          error
        A YAML mapping repeats a key.
    yaml-alias             yaml          error
        YAML anchors, aliases or merge keys, which evidence must not use.
    yaml-tag               yaml          error
        A custom YAML tag.
    yaml-too-deep          yaml          error
        YAML nested deeper than the limit.
    """
)


def check(evidence: Evidence) -> list[Finding]:
    """What the loader found while reading the tree."""
    return list(evidence.tree.findings)
