"""The audit period's history from git: every attested review, every recorded version of a
data file. One `git log` process per question for the whole tree, never one per file or
commit; a shallow clone or a tree outside git says why the history is unavailable."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gitdates import GIT_FAILED, NOT_A_CHECKOUT, SHALLOW, git
from .moments import as_date
from .options.review import Cadence

_HEADER = "\x01"
_CONTEXT = 60
"""Lines of context around a change of `last_reviewed`: the whole front matter."""
_FULL = 1_000_000
"""Context that makes a diff's new side the whole file."""
_KEY = re.compile(r"^(last_reviewed|reviewed_by):[ \t]*(.*?)[ \t]*(?:#.*)?$")
UNAVAILABLE = "history unavailable"


@dataclass(frozen=True)
class Attested:
    """One review as git recorded it: the `last_reviewed` a commit set, by whom, when."""

    reviewed: dt.date
    reviewed_by: str | None
    commit: str
    """Abbreviated commit id; empty for a review not committed yet."""
    committed: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_reviewed": self.reviewed.isoformat(),
            "reviewed_by": self.reviewed_by,
            "commit": self.commit or None,
            "committed": self.committed.isoformat() if self.committed else None,
        }


@dataclass(frozen=True)
class ReviewLog:
    """Every change of `last_reviewed` below the docs dir, oldest first per document."""

    reviews: Mapping[str, tuple[Attested, ...]] = field(default_factory=dict)
    unknown: str = ""
    """Why no history is known (shallow clone, not a git checkout); empty when known."""


@dataclass(frozen=True)
class Version:
    """A data file as one commit recorded it."""

    commit: str
    committed: dt.datetime
    text: str | None
    """None when the commit deleted the file."""


@dataclass(frozen=True)
class FileLog:
    """The recorded versions of some files, oldest first."""

    versions: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)
    unknown: str = ""


def _locate(docs_dir: Path) -> tuple[Path, str] | str:
    """(top of the checkout, docs dir below it), or why git cannot tell the history."""
    docs = docs_dir.resolve()
    probe = git(docs, "rev-parse", "--is-shallow-repository", "--show-toplevel")
    lines = probe.splitlines() if probe is not None else []
    if len(lines) != 2:
        return NOT_A_CHECKOUT
    if lines[0].strip() == "true":
        return SHALLOW
    top = Path(lines[1].strip()).resolve()
    try:
        return top, docs.relative_to(top).as_posix()
    except ValueError:
        return NOT_A_CHECKOUT


def _log(top: Path, context: int, *args: str) -> str | None:
    return git(
        top,
        "log",
        "-p",
        f"--unified={context}",
        "--no-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        "--no-color",
        f"--format={_HEADER}%h %cI",
        *args,
    )


def _commits(log: str) -> Iterator[tuple[str, dt.datetime, dict[str, tuple[list[str], list[str]]]]]:
    """(commit, committed, path -> (old-side lines, new-side lines)) of every commit, newest
    first; a deleted file has no new side, an added one no old side."""
    for chunk in log.split(_HEADER)[1:]:
        head, _, body = chunk.partition("\n")
        commit, _, when = head.partition(" ")
        try:
            committed = dt.datetime.fromisoformat(when.strip())
        except ValueError:
            continue
        files: dict[str, tuple[list[str], list[str]]] = {}
        old: list[str] = []
        new: list[str] = []
        path: str | None = None
        in_hunk = False
        for line in body.split("\n"):
            if line.startswith("diff --git "):
                path, in_hunk = None, False
                old, new = [], []
            elif not in_hunk and line.startswith("+++ "):
                target = line[4:]
                path = target[2:] if target.startswith("b/") else None
                if path is not None:
                    files[path] = (old, new)
            elif not in_hunk and line.startswith("--- "):
                source = line[4:]
                if source.startswith("a/"):
                    files.setdefault(source[2:], (old, new))
                    path = source[2:]
            elif line.startswith("@@"):
                in_hunk = True
            elif in_hunk and path is not None:
                if line.startswith(" "):
                    old.append(line[1:])
                    new.append(line[1:])
                elif line.startswith("-"):
                    old.append(line[1:])
                elif line.startswith("+"):
                    new.append(line[1:])
        yield commit, committed, files


def _front_matter(lines: Iterable[str]) -> dict[str, str]:
    """`last_reviewed` and `reviewed_by` as the lines write them (quotes dropped)."""
    found: dict[str, str] = {}
    for line in lines:
        match = _KEY.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2).strip().strip("\"'")
    return found


def review_log(docs_dir: Path) -> ReviewLog:
    """Every commit that changed a `last_reviewed` below `docs_dir`, from one `git log -p
    -G last_reviewed` over the whole folder: the date it set, `reviewed_by` beside it."""
    where = _locate(docs_dir)
    if isinstance(where, str):
        return ReviewLog(unknown=where)
    top, below = where
    log = _log(top, _CONTEXT, "-G^last_reviewed:", "--", below)
    if log is None:
        return ReviewLog(unknown=GIT_FAILED)
    prefix = "" if below == "." else below + "/"
    found: dict[str, list[Attested]] = {}
    for commit, committed, files in _commits(log):
        for path, (old, new) in files.items():
            if not path.startswith(prefix) or not new:
                continue
            before, after = _front_matter(old), _front_matter(new)
            day = as_date(after.get("last_reviewed"))
            if day is None or after.get("last_reviewed") == before.get("last_reviewed"):
                continue
            who = after.get("reviewed_by") or None
            found.setdefault(path[len(prefix) :], []).append(
                Attested(day, who, commit, committed.date())
            )
    return ReviewLog({uri: tuple(reversed(items)) for uri, items in found.items()})


def file_log(docs_dir: Path, src_uris: Iterable[str]) -> FileLog:
    """Every recorded version of the files `src_uris` (below `docs_dir`), oldest first, from
    one `git log -p` with the whole file as context."""
    uris = sorted(set(src_uris))
    if not uris:
        return FileLog()
    where = _locate(docs_dir)
    if isinstance(where, str):
        return FileLog(unknown=where)
    top, below = where
    prefix = "" if below == "." else below + "/"
    log = _log(top, _FULL, "--", *(prefix + uri for uri in uris))
    if log is None:
        return FileLog(unknown=GIT_FAILED)
    found: dict[str, list[Version]] = {}
    for commit, committed, files in _commits(log):
        for path, (_, new) in files.items():
            if path.startswith(prefix):
                text = "\n".join(new) + "\n" if new else None
                found.setdefault(path[len(prefix) :], []).append(Version(commit, committed, text))
    return FileLog({uri: tuple(reversed(items)) for uri, items in found.items()})


# --- the verdict over the audit period ----------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    start: dt.date
    end: dt.date
    """The last overdue day (today when it still is)."""
    ongoing: bool

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "ongoing": self.ongoing}


@dataclass(frozen=True)
class ReviewHistory:
    """A document's attested reviews and its verdict over the audit period."""

    reviews: tuple[Attested, ...]
    period: tuple[dt.date, dt.date]
    unknown: str = ""
    """Why the history is unavailable; then no verdict is given."""
    reviewed_in_period: tuple[dt.date, ...] = ()
    overdue: tuple[Overdue, ...] = ()
    since: dt.date | None = None
    """The first attested review: the period before it is not judged."""

    @property
    def verdict(self) -> str:
        if self.unknown:
            return f"{UNAVAILABLE} ({self.unknown})"
        first = self.period[0]
        said = (
            "reviewed in the period (" + ", ".join(str(d) for d in self.reviewed_in_period) + ")"
            if self.reviewed_in_period
            else "not reviewed in the period"
        )
        if self.overdue:
            spans = "; ".join(
                f"from {o.start} to {o.end}" + (" (still overdue)" if o.ongoing else "")
                for o in self.overdue
            )
            said += f"; overdue {spans}"
        else:
            said += "; never overdue"
        if self.since and self.since > first:
            said += f" (history from {self.since})"
        return said

    @property
    def clean(self) -> bool | None:
        if self.unknown:
            return None
        return bool(self.reviewed_in_period) and not self.overdue

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "available": not self.unknown,
            "unavailable_reason": self.unknown or None,
            "reviews": [r.as_dict() for r in self.reviews],
            "reviewed_in_period": [d.isoformat() for d in self.reviewed_in_period],
            "overdue": [o.as_dict() for o in self.overdue],
            "verdict": self.verdict,
        }


def judge(
    reviews: Iterable[Attested],
    cadence: Cadence,
    period: tuple[dt.date, dt.date],
    today: dt.date,
    unknown: str = "",
) -> ReviewHistory:
    """The verdict over `period`: reviewed within it, and the days it was overdue (the day
    after a review's due date up to the day before the next review), up to today."""
    ordered = tuple(sorted(reviews, key=lambda r: (r.reviewed, r.committed or dt.date.max)))
    if unknown:
        return ReviewHistory(ordered, period, unknown)
    first, last = period
    until = min(last, today)
    days = sorted({r.reviewed for r in ordered})
    overdue = []
    for index, day in enumerate(days):
        late_from = cadence.after(day) + dt.timedelta(days=1)
        following = days[index + 1] if index + 1 < len(days) else None
        late_to = following - dt.timedelta(days=1) if following else until
        start, end = max(late_from, first), min(late_to, until)
        if start <= end:
            overdue.append(Overdue(start, end, following is None and end == today))
    return ReviewHistory(
        ordered,
        period,
        reviewed_in_period=tuple(d for d in days if first <= d <= last),
        overdue=tuple(overdue),
        since=days[0] if days else None,
    )
