"""The run's review results: every reviewable document's status, computed once per run."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import posixpath
from dataclasses import dataclass
from typing import Any

from .history import ReviewHistory
from .model import Finding, Mark
from .options.review import OVERDUE, REQUIRED, Cadence, Waiver

_START = Mark(1, 1)


class Status(str, enum.Enum):
    """Where a document stands in its review cycle, worst last."""

    CURRENT = "current"
    DUE_SOON = "due-soon"
    REVIEW_REQUIRED = "review-required"
    NEVER_REVIEWED = "never-reviewed"
    """`last_reviewed: never`: a document from a template that nobody has reviewed yet."""
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


STATUS_ORDER = (
    Status.OVERDUE,
    Status.NEVER_REVIEWED,
    Status.REVIEW_REQUIRED,
    Status.DUE_SOON,
    Status.CURRENT,
)


@dataclass(frozen=True, order=True)
class Trigger:
    """A postmortem of a triggering severity dated after a document's last review."""

    date: dt.date
    src_uri: str
    path: str
    title: str
    severity: str
    review_by: dt.date
    """The last day of the grace period (business days after the postmortem)."""
    late: bool
    """Older than the grace period: the review is an error now, not a warning."""

    def as_dict(self) -> dict[str, Any]:
        return _record(self, "path", "src_uri", "title", "severity", "date", "review_by", "late")


@dataclass(frozen=True)
class ReviewStatus:
    """One reviewable document: who owns it, when it was reviewed, when it is due, its status."""

    src_uri: str
    path: str
    doc_type: str
    title: str
    owner: str | None
    reviewed_by: str | None
    last_reviewed: dt.date | None
    """None when the document was never reviewed (`last_reviewed: never`)."""
    cadence: Cadence
    due: dt.date
    """For a document never reviewed: today, as its first review is due now."""
    status: Status
    days_left: int
    """Days from today to the due date; negative when overdue."""
    last_changed: dt.date | None
    last_changed_unknown: str
    """Why `last_changed` is None (shallow clone, not a git checkout, not committed)."""
    triggers: tuple[Trigger, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    """Waivers in force for this document today."""
    mark: Mark = _START
    """Where `last_reviewed` is in the file, for findings."""
    history: ReviewHistory | None = None
    """Every attested review from git and the verdict over the audit period."""

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.src_uri)

    def waiver(self, rule: str) -> Waiver | None:
        return next((w for w in self.waivers if w.rule == rule), None)

    @property
    def failing(self) -> bool:
        """An error nobody waived: overdue, or a review required past its grace period."""
        if self.status is Status.OVERDUE and not self.waiver(OVERDUE):
            return True
        return any(t.late for t in self.triggers) and not self.waiver(REQUIRED)

    def as_dict(self) -> dict[str, Any]:
        return {
            **_record(self, "path", "src_uri"),
            "type": self.doc_type,
            **_record(self, "title", "owner", "last_reviewed", "reviewed_by"),
            "review_every": str(self.cadence),
            **_record(self, "due", "status", "days_left", "last_changed"),
            "last_changed_unknown": self.last_changed_unknown or None,
            "triggered_by": [t.as_dict() for t in self.triggers],
            "waivers": [
                {
                    "rule": w.rule,
                    "expires": w.expires.isoformat(),
                    "approver": w.approver,
                    "reason": w.reason,
                }
                for w in self.waivers
            ],
            "history": self.history.as_dict() if self.history else None,
        }


@dataclass(frozen=True)
class Reviews:
    """Every reviewable document's status as of `today`, computed once per run."""

    today: dt.date
    statuses: tuple[ReviewStatus, ...]
    """Sorted by due date, then path."""
    unassessed: tuple[str, ...] = ()
    """Paths of reviewable documents whose review data could not be read (see findings)."""
    waivers: tuple[Waiver, ...] = ()
    problems: tuple[Finding, ...] = ()
    """Findings met while assessing: unknown runbook references, unreadable review data."""

    def get(self, src_uri: str) -> ReviewStatus | None:
        return self._by_uri.get(src_uri)

    @functools.cached_property
    def _by_uri(self) -> dict[str, ReviewStatus]:
        return {s.src_uri: s for s in self.statuses}

    def counts(self) -> dict[str, int]:
        return {s.value: sum(r.status is s for r in self.statuses) for s in STATUS_ORDER}

    @property
    def failing(self) -> bool:
        return bool(self.unassessed) or any(s.failing for s in self.statuses)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "counts": self.counts(),
            "documents": [s.as_dict() for s in self.statuses],
            "waivers": [w.as_dict(self.today) for w in self.waivers],
            "unassessed": list(self.unassessed),
        }


def _record(record: object, *names: str) -> dict[str, Any]:
    """Fields of `record` as JSON values: dates in ISO form, enums by value."""
    result: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        result[name] = value
    return result
