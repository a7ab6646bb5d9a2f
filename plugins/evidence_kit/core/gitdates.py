"""Last-changed dates from git: one `git log` pass over the whole tree, never one per file."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

NOT_A_CHECKOUT = "not a git checkout"
SHALLOW = "shallow clone"
GIT_FAILED = "git log failed"
NOT_COMMITTED = "not committed"

_TIMEOUT = 120
# Marks the start of a commit in the log, a byte no date or raw diff line starts with.
_HEADER = "\x01"


@dataclass(frozen=True)
class History:
    """When each file below the docs dir last changed in content, as git tells it."""

    dates: Mapping[str, dt.date] = field(default_factory=dict)
    """src_uri (path below the docs dir) -> date of the last commit that changed its bytes."""
    unknown: str = ""
    """Why no date is known for any file (not a checkout, shallow clone); empty when known."""

    def last_changed(self, src_uri: str) -> dt.date | None:
        return self.dates.get(src_uri)

    def why_unknown(self, src_uri: str) -> str:
        """Why `last_changed` is None for `src_uri` ("" when it is not)."""
        if self.unknown:
            return self.unknown
        return "" if src_uri in self.dates else NOT_COMMITTED


def history(docs_dir: Path) -> History:
    """The last content change of every file below `docs_dir`, from one `git log` run.

    A shallow clone lacks the older commits, so its dates would be too recent: it says
    unknown rather than lie. So does a tree that is not a git checkout, or a missing git.
    """
    docs = docs_dir.resolve()
    probe = git(docs, "rev-parse", "--is-shallow-repository", "--show-toplevel")
    if probe is None:
        return History(unknown=NOT_A_CHECKOUT)
    lines = probe.splitlines()
    if len(lines) != 2:
        return History(unknown=NOT_A_CHECKOUT)
    if lines[0].strip() == "true":
        return History(unknown=SHALLOW)
    top = Path(lines[1].strip()).resolve()
    try:
        below = docs.relative_to(top).as_posix()
    except ValueError:
        return History(unknown=NOT_A_CHECKOUT)
    log = git(
        top,
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--no-show-signature",
        "--no-color",
        f"--format={_HEADER}%cs",
        "--",
        below,
    )
    if log is None:
        return History(unknown=GIT_FAILED)
    prefix = "" if below == "." else below + "/"
    return History(dates=last_changes(log, prefix))


def last_changes(log: str, prefix: str = "") -> dict[str, dt.date]:
    """Parse `git log -z --raw --format=\\x01%cs`: newest first, so a path's first content
    change is its last. Mode-only changes keep their blob and do not count; a deletion
    seen first means the path has no committed file now.
    """
    dates: dict[str, dt.date] = {}
    seen: set[str] = set()
    for day, old_blob, new_blob, path in _entries(log):
        if old_blob == new_blob or path in seen or not path.startswith(prefix):
            continue
        seen.add(path)
        # A blob id of zeros stands for "no file": the path was deleted.
        if set(new_blob) != {"0"}:
            dates[path[len(prefix) :]] = day
    return dates


def _entries(log: str) -> Iterator[tuple[dt.date, str, str, str]]:
    """(commit date, old blob, new blob, path) of every raw diff line of the log."""
    day: dt.date | None = None
    meta: list[str] | None = None
    for token in log.split("\0"):
        if meta is not None:
            if day is not None and len(meta) >= 4:
                yield day, meta[2], meta[3], token
            meta = None
            continue
        token = token.lstrip("\n")
        if token.startswith(_HEADER):
            try:
                day = dt.date.fromisoformat(token[1:].strip())
            except ValueError:
                day = None
        elif token.startswith(":"):
            meta = token[1:].split()


def git(cwd: Path, *args: str) -> str | None:
    """stdout of `git args` in `cwd`, or None when git is missing or fails."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            env=env,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="surrogateescape")
