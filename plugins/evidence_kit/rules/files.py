"""Rules about reading the tree: files that cannot be read, YAML that cannot be trusted.

The loader (`core/loader.py`, `core/yamlio.py`) finds these while it reads, because a file
it cannot read has nothing for the other rules to check; this module declares them.
"""

from __future__ import annotations

from ..core.evidence import Evidence
from ..core.model import Finding, Severity
from . import Rule, declare

RULES: tuple[Rule, ...] = (
    *declare(
        "file",
        Severity.ERROR,
        file_encoding="A file is not UTF-8.",
        file_too_large="A file is over the max_file_size limit.",
        file_unreadable="A file cannot be read.",
    ),
    *declare("symlink", Severity.ERROR, symlink_outside="A symlink points outside the repository."),
    *declare(
        "front-matter",
        Severity.ERROR,
        front_matter_unclosed="Front matter is opened with --- but never closed.",
        front_matter_shape="Front matter is not a mapping.",
    ),
    *declare(
        "yaml",
        Severity.ERROR,
        yaml_syntax="YAML that cannot be parsed.",
        yaml_duplicate_key="A YAML mapping repeats a key.",
        yaml_alias="YAML anchors, aliases or merge keys, which evidence must not use.",
        yaml_tag="A custom YAML tag.",
        yaml_too_deep="YAML nested deeper than the limit.",
    ),
)


def check(evidence: Evidence) -> list[Finding]:
    """What the loader found while reading the tree."""
    return list(evidence.tree.findings)
