"""A commit's view of a run: findings in the files it changes, the tree read whole.

Rules across files (placeholders, references) need the whole tree, so the engine always
reads it; only the report is narrowed to the files given (as pre-commit passes them) and to
findings about the project itself (`mkdocs.yml`). A changed config, schema or data file can
break any page, so then nothing is narrowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .evidence import Evidence
from .model import Finding
from .settings import Settings


@dataclass(frozen=True)
class Scope:
    """The findings to report, the files they cover, and how many were left out."""

    findings: list[Finding]
    checked: list[str]
    left_out: int = 0


def tree_paths(evidence: Evidence) -> list[str]:
    """Every document and typed data file the run read, as findings name them."""
    docs = (d.path for d in evidence.tree.documents.values())
    return sorted({*docs, *(d.path for d in evidence.tree.data.values())})


def whole(evidence: Evidence) -> Scope:
    return Scope(list(evidence.findings), tree_paths(evidence))


def rel(settings: Settings, path: Path) -> str:
    """`path` (relative to the working folder, as git gives it) as findings name it."""
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        try:
            return candidate.relative_to(settings.root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _affects_every_page(settings: Settings, evidence: Evidence, path: str) -> bool:
    if path == settings.config_file:
        return True
    if settings.schemas_dir is not None and path.startswith(
        settings.rel(settings.schemas_dir) + "/"
    ):
        return True
    return path in {d.path for d in evidence.tree.data.values()}


def limit(evidence: Evidence, files: Iterable[Path]) -> Scope:
    """The findings of `files` plus the project-level ones; everything if a shared file changed."""
    settings = evidence.settings
    given = sorted({rel(settings, Path(f)) for f in files})
    if any(_affects_every_page(settings, evidence, path) for path in given):
        return whole(evidence)
    docs = settings.rel(settings.docs_dir) + "/"
    wanted = set(given)
    kept = [f for f in evidence.findings if f.path in wanted or not f.path.startswith(docs)]
    checked = [p for p in tree_paths(evidence) if p in wanted]
    return Scope(kept, checked, len(evidence.findings) - len(kept))
