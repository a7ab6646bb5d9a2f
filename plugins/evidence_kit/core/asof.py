"""The tree as it was committed at the end of a day: `--as-of`, checked out where it is safe.

The commit is the last one on HEAD's history committed by the end of the day (23:59:59 UTC);
it is checked out as a detached worktree in a temporary folder outside the evidence, so the
working tree is never touched and git history stays readable from it (review history and
on-call versions are then the ones recorded up to that commit). The worktree is removed
afterwards, also on errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .gitdates import git


class AsOfError(Exception):
    """The tree as of that day cannot be had: not a checkout, a shallow clone, no commit."""


@dataclass(frozen=True)
class Checkout:
    """The tree of one commit, checked out below `root` (the checkout's top folder)."""

    day: dt.date
    commit: str
    committed: str
    """The commit's date and time, ISO 8601 with its offset."""
    root: Path
    top: Path
    """The top folder of the working tree the commit was found from."""

    def config(self, config_file: Path) -> Path:
        """Where `config_file` of the working tree is in this checkout."""
        try:
            return self.root / config_file.resolve().relative_to(self.top)
        except ValueError:
            raise AsOfError(f"{config_file} is outside the git checkout {self.top}") from None


def end_of_day(day: dt.date) -> str:
    """The last second of `day` in UTC, as `git rev-list --before` reads it."""
    return f"{day.isoformat()}T23:59:59+00:00"


def find_commit(project: Path, day: dt.date) -> tuple[Path, str, str]:
    """(top folder of the checkout, commit, its ISO date) of the last commit by the end of
    `day`; raises AsOfError with a message a user can act on."""
    probe = git(project, "rev-parse", "--is-shallow-repository", "--show-toplevel")
    lines = probe.splitlines() if probe is not None else []
    if len(lines) != 2:
        raise AsOfError(f"--as-of needs the git history, and {project} is not a git checkout")
    if lines[0].strip() == "true":
        raise AsOfError(
            "--as-of needs the whole git history, and this is a shallow clone; "
            "fetch it with git fetch --unshallow"
        )
    top = Path(lines[1].strip()).resolve()
    found = git(top, "rev-list", "-1", f"--before={end_of_day(day)}", "HEAD")
    commit = (found or "").strip()
    if len(commit) < 40:
        first = (git(top, "log", "--reverse", "--format=%cI", "HEAD") or "").split("\n", 1)[0]
        since = f"; the first commit is from {first.strip()[:10]}" if first.strip() else ""
        raise AsOfError(f"--as-of {day.isoformat()}: no commit on or before that day{since}")
    committed = (git(top, "show", "-s", "--format=%cI", commit) or "").strip()
    return top, commit, committed


@contextlib.contextmanager
def checkout(project: Path, day: dt.date) -> Iterator[Checkout]:
    """The tree of the last commit by the end of `day`, in a temporary detached worktree
    that is removed afterwards."""
    top, commit, committed = find_commit(project, day)
    folder = Path(tempfile.mkdtemp(prefix="evidence-kit-as-of-"))
    tree = folder / "tree"
    try:
        added = git(top, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        if added is None:
            raise AsOfError(f"--as-of {day.isoformat()}: git could not check out {commit[:12]}")
        yield Checkout(day, commit, committed, tree, top)
    finally:
        git(top, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(folder, ignore_errors=True)
        git(top, "worktree", "prune")
