"""How a postmortem names a runbook: a path below the docs dir or beside it, else a file stem."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .model import Document


@dataclass(frozen=True)
class References:
    """The documents a postmortem's `runbooks:` may name, indexed once per run."""

    targets: Mapping[str, Document]
    by_stem: Mapping[str, list[str]]

    @classmethod
    def of(cls, targets: Mapping[str, Document]) -> References:
        """Index `targets` (src_uri -> document) by file stem too."""
        by_stem: dict[str, list[str]] = {}
        for uri in targets:
            by_stem.setdefault(PurePosixPath(uri).stem, []).append(uri)
        return cls(targets, by_stem)

    def resolve(self, ref: str, origin: str) -> list[str]:
        """The src_uris `ref` names, seen from the postmortem at `origin`."""
        return resolve_reference(ref, origin, self.targets, self.by_stem)


def resolve_reference(
    ref: str, origin: str, targets: Mapping[str, Any], by_stem: Mapping[str, list[str]]
) -> list[str]:
    """The src_uris `ref` may name, seen from the postmortem at `origin`: a path below the
    docs dir or beside the postmortem (`.md` optional), else a file stem; when a stem is in
    several folders, the ones nearest the postmortem win."""
    name = ref.strip()
    path = name if name.endswith(".md") else f"{name}.md"
    for candidate in (
        posixpath.normpath(path.lstrip("/")),
        posixpath.normpath(posixpath.join(posixpath.dirname(origin), path)),
    ):
        if candidate in targets:
            return [candidate]
    if "/" in name:
        return []
    found = by_stem.get(PurePosixPath(path).stem, [])
    if len(found) <= 1:
        return list(found)
    here = PurePosixPath(origin).parent.parts

    def shared(uri: str) -> int:
        there = PurePosixPath(uri).parent.parts
        return next(
            (i for i, (a, b) in enumerate(zip(here, there, strict=False)) if a != b), len(there)
        )

    nearest = max(shared(uri) for uri in found)
    return sorted(uri for uri in found if shared(uri) == nearest)
