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
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import __version__
from ..core import gitdates
from ..core.model import Finding, text_of
from ..core.statuses import ReviewStatus
from ..rules import Rule, table
from .detectors import detector_for
from .redact import redact_text, redaction_counts

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
    file-irregular    manifest  error
        A path in the site that is a symbolic link, pipe or device rather than a file.
    """
)

if TYPE_CHECKING:
    from ..core.evidence import Evidence
    from ..core.settings import Settings

NAME = "manifest.json"
_SHA256 = re.compile(r"[0-9a-f]{64}")
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


class Listing(NamedTuple):
    """What a site folder holds."""

    files: list[tuple[str, Path]]
    """(path below the site, file) of every regular file but the manifest, sorted."""
    irregular: list[tuple[str, str]]
    """(path below the site, what it is) of every entry that is neither a regular file nor
    a folder, sorted: the gate reads none of them."""


def listing(site_dir: Path) -> Listing:
    """The site's files, and what else it holds. A symbolic link is not followed: a host may
    serve what it points to, from anywhere, so it is reported rather than read (a builder
    copies files, it never links them); nor is a pipe opened (reading one waits forever)."""
    files: list[tuple[str, Path]] = []
    irregular: list[tuple[str, str]] = []
    folders = [(site_dir, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            irregular.append((prefix.rstrip("/") or ".", "a folder that cannot be listed"))
            continue
        for entry in entries:
            rel = prefix + entry.name
            # The type the folder records: no call per file (2,000 pages).
            if entry.is_symlink():
                irregular.append((rel, "a symbolic link"))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((Path(entry.path), f"{rel}/"))
            elif not entry.is_file(follow_symlinks=False):
                irregular.append((rel, "a pipe, socket or device"))
            elif rel != NAME:
                files.append((rel, Path(entry.path)))
    return Listing(sorted(files), sorted(irregular))


def site_files(site_dir: Path) -> Iterator[tuple[str, Path]]:
    """(path below the site, file) of every published file but the manifest, sorted."""
    yield from listing(site_dir).files


def irregular(listed: Listing, shown_as: str) -> list[Finding]:
    """A finding for each entry of the site that is no regular file or folder."""
    return [
        Finding(
            f"{shown_as}/{shown(rel)}",
            1,
            1,
            "file-irregular",
            f"is {what}, which the gate does not read but a web host may serve; build the "
            "site again, with files only",
        )
        for rel, what in listed.irregular
    ]


def shown(rel: str) -> str:
    """A path below the site as it is printed: a name that is not UTF-8 (kept as the
    operating system gave it, with escapes) has its odd bytes replaced, so every report
    format can write it."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
    publish = evidence.settings.publish
    detector = detector_for(publish) if publish.audit else None
    result = []
    for src_uri, doc in sorted(tree.documents.items()):
        if not evidence.publication.publishes(src_uri):
            continue
        owner = text_of(doc.field("owner"))
        if owner is not None and detector is not None:
            # The manifest is published with the site: its owner is redacted as the page's.
            owner = redact_text(owner, detector)
        result.append(
            _document(evidence, src_uri, doc.path, doc.doc_type, commit)
            | {
                "owner": owner,
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
    """The site's manifest, or None when it is missing, unreadable or not of the shape this
    tool writes (a file's hash is 64 hex digits: an empty one never matches a file's)."""
    path = site_dir / NAME
    if not path.is_file():  # a pipe would be waited on forever
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("build", {}), dict):
        return None
    files = value.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(digest, str) and _SHA256.fullmatch(digest) for digest in files.values()
    ):
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
    listed = listing(site_dir)
    findings = irregular(listed, shown_as)
    present = dict(listed.files)
    for rel in sorted(set(recorded) | set(present)):
        where = f"{shown_as}/{shown(rel)}"
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
