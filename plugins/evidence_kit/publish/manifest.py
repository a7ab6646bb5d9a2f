"""Provenance and integrity: `manifest.json` accounts for every published byte.

The manifest names the commit, tools, audience and dates of a build, every evidence
document behind the site with its source hash and schema, and the SHA-256 of every
published file. `verify` recomputes the hashes. Nothing in it depends on the build folder
or the wall clock (SOURCE_DATE_EPOCH sets the build date), so two builds of the same
commit write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core import gitdates
from ..core.model import Finding, text_of
from ..core.statuses import ReviewStatus
from ..rules import Rule, table
from .redact import redaction_counts

RULES: tuple[Rule, ...] = table(
    """
    manifest-missing  manifest  error
        The site has no manifest: the evidence plugin did not build it.
    file-changed      manifest  error
        A site file differs from the hash its manifest records.
    file-added        manifest  error
        A site file its manifest does not list.
    file-removed      manifest  error
        A file the manifest lists is missing from the site.
    """
)

if TYPE_CHECKING:
    from ..core.evidence import Evidence
    from ..core.settings import Settings

NAME = "manifest.json"
FORMAT = 1
UNKNOWN = "unknown"
_TOOLS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jsonschema")


@dataclass(frozen=True)
class Provenance:
    """Where a build comes from: commit, dates, audience and tool versions."""

    audience: str
    commit: str
    modified: bool
    """The build's sources differ from the commit (uncommitted or untracked changes)."""
    build_date: str
    clock_date: str
    tools: dict[str, str]
    as_of: str = ""
    """The day the tree was taken as of (`evidence-kit build --as-of`); empty for the tree
    as it is."""

    def commit_label(self) -> str:
        """The commit as a reader should see it: short, and whether the sources differ."""
        if self.commit == UNKNOWN:
            return "unknown (not a git checkout)"
        if self.as_of:
            return f"{self.commit[:12]} (the evidence as of {self.as_of})"
        return self.commit[:12] + (" with uncommitted changes" if self.modified else "")


def provenance(settings: Settings) -> Provenance:
    """The provenance of a build of `settings` now."""
    commit = git_commit(settings.root)
    sources = [settings.docs_dir, settings.root / settings.config_file]
    return Provenance(
        audience=settings.publish.audience,
        commit=commit,
        modified=commit != UNKNOWN and git_modified(settings.root, sources),
        build_date=build_date(settings.today).isoformat(),
        clock_date=settings.today.isoformat(),
        tools=tool_versions(),
    )


def git_commit(root: Path) -> str:
    """The commit checked out at `root`, or "unknown" outside a git checkout."""
    commit = (gitdates.git(root, "rev-parse", "--verify", "HEAD") or "").strip()
    return commit if len(commit) >= 40 else UNKNOWN


def git_modified(root: Path, paths: list[Path]) -> bool:
    """Whether the evidence or the config differ from the commit (untracked files too)."""
    status = gitdates.git(root, "status", "--porcelain", "--", *(str(p) for p in paths))
    return bool(status and status.strip())


def build_date(today: dt.date) -> dt.date:
    """SOURCE_DATE_EPOCH's date (reproducible builds), else the clock's today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return today


def tool_versions() -> dict[str, str]:
    versions = {"evidence-kit": __version__, "python": platform.python_version()}
    for name in _TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def site_files(site_dir: Path) -> Iterator[tuple[str, Path]]:
    """(path below the site, file) of every published file but the manifest, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames.sort()
        # The folder's path below the site once, not each file's (2,000 pages, 2,000 calls).
        folder = Path(dirpath).relative_to(site_dir).as_posix()
        prefix = "" if folder == "." else f"{folder}/"
        for name in filenames:
            rel = prefix + name
            if rel != NAME:
                found.append((rel, Path(dirpath, name)))
    yield from sorted(found)


def build(evidence: Evidence, site_dir: Path, origin: Provenance) -> dict[str, Any]:
    """The manifest of a finished site."""
    return finish(describe(evidence, origin), site_dir)


def finish(described: dict[str, Any], site_dir: Path) -> dict[str, Any]:
    """The manifest: what `describe` said of the evidence, and every file of the site."""
    return described | {"files": {rel: sha256(path) for rel, path in site_files(site_dir)}}


def describe(evidence: Evidence, origin: Provenance) -> dict[str, Any]:
    """The manifest but its files: what the build made the site from. Known before the
    site is written, so a build need not keep the evidence until the end."""
    hidden = evidence.publication.withheld
    redactions: Counter[str] = Counter()
    for counts in redaction_counts(evidence).values():
        redactions.update(counts)
    errors = len(evidence.errors)
    return {
        "manifest": FORMAT,
        "build": {
            "audience": origin.audience,
            "commit": origin.commit,
            "modified": origin.modified,
            "date": origin.build_date,
            "clock_date": origin.clock_date,
            "tools": origin.tools,
            **({"as_of": origin.as_of} if origin.as_of else {}),
        },
        "counts": {
            "findings": {"errors": errors, "warnings": len(evidence.findings) - errors},
            "redactions": dict(sorted(redactions.items())),
            "withheld": len(hidden),
        },
        "documents": documents(evidence, origin.commit),
    }


def _status(status: ReviewStatus | None) -> str | None:
    """A reviewable document's status; None for documents not reviewed on a cadence."""
    return status.status.value if status is not None else None


def documents(evidence: Evidence, commit: str) -> list[dict[str, Any]]:
    """Every published evidence document and data file, with its source hash and schema."""
    tree = evidence.tree
    statuses = evidence.statuses
    result = []
    for src_uri, doc in sorted(tree.documents.items()):
        if not evidence.publication.publishes(src_uri):
            continue
        result.append(
            _document(evidence, src_uri, doc.path, doc.doc_type, commit)
            | {
                "owner": text_of(doc.field("owner")),
                "last_reviewed": text_of(doc.field("last_reviewed")),
                "review_status": _status(statuses.get(src_uri)),
            }
        )
    for src_uri, data in sorted(tree.data.items()):
        if src_uri in evidence.invalid:
            continue
        result.append(_document(evidence, src_uri, data.path, data.doc_type, commit))
    return result


def _document(
    evidence: Evidence, src_uri: str, path: str, doc_type: str | None, commit: str
) -> dict[str, Any]:
    schema = evidence.schemas.types.get(doc_type) if doc_type else None
    return {
        "source": path,
        "sha256": sha256(evidence.settings.docs_dir / src_uri),
        "type": doc_type,
        "schema": schema.schema_id if schema else None,
        "commit": commit,
    }


def dumps(manifest: dict[str, Any]) -> str:
    """The manifest as stable JSON text."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def write(site_dir: Path, manifest: dict[str, Any]) -> Path:
    path = site_dir / NAME
    path.write_text(dumps(manifest), encoding="utf-8")
    return path


def read(site_dir: Path) -> dict[str, Any] | None:
    """The site's manifest, or None when it is missing or unreadable."""
    try:
        value = json.loads((site_dir / NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("files"), dict):
        return None
    return value


def missing(shown_as: str) -> Finding:
    """The finding for a site without a manifest written by the plugin."""
    return Finding(
        f"{shown_as}/{NAME}",
        1,
        1,
        "manifest-missing",
        "the site has no readable manifest.json, so it was not built by the evidence plugin "
        "or was changed after the build; build it again with mkdocs build",
    )


def verify(site_dir: Path, shown_as: str) -> list[Finding]:
    """Files added, removed or changed since the manifest was written."""
    manifest = read(site_dir)
    if manifest is None:
        return [missing(shown_as)]
    recorded: dict[str, Any] = manifest["files"]
    findings = []
    present = dict(site_files(site_dir))
    for rel in sorted(set(recorded) | set(present)):
        where = f"{shown_as}/{rel}"
        if rel not in present:
            message = "is in the manifest but not in the site; build the site again"
            findings.append(Finding(where, 1, 1, "file-removed", message))
        elif rel not in recorded:
            message = "is not in the manifest: it was added after the build; remove it"
            findings.append(Finding(where, 1, 1, "file-added", message))
        elif sha256(present[rel]) != recorded[rel]:
            message = "differs from its SHA-256 in the manifest: it was changed after the build"
            findings.append(Finding(where, 1, 1, "file-changed", message))
    return findings
