"""The review lifecycle: cadences, due dates, statuses, incident-triggered reviews, waivers.

A review is an attestation, not an edit: `last_reviewed` in the front matter is the truth,
and git's last change is only shown beside it. Every date is measured from `settings.today`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import enum
import functools
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from ..core import gitdates, mkdocs_yml, workdays
from ..core.model import Document, Finding, Mark, Severity

if TYPE_CHECKING:
    from ..core.settings import Settings
    from ..pipeline import Evidence

OPTION = "review"

OVERDUE = "review-overdue"
DUE_SOON = "review-due-soon"
REQUIRED = "review-required"
FUTURE = "review-future"
REVIEW_DATA = "review-data"
RUNBOOK_UNKNOWN = "runbook-unknown"
WAIVER_EXPIRED = "waiver-expired"
WAIVER_UNKNOWN = "waiver-unknown"
WAIVABLE = (OVERDUE, REQUIRED)
"""Rules a waiver may turn into warnings: the review errors, nothing else."""

POSTMORTEM = "postmortem"
_CACHE = "review"
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_FIX = "review it and set last_reviewed"
_START = Mark(1, 1)


# --- cadence ------------------------------------------------------------------------------

_CADENCE = re.compile(r"^([1-9][0-9]{0,2}) (day|week|month|year)s?$")


@dataclass(frozen=True)
class Cadence:
    """How often a document is reviewed: a number of days, weeks, months or years."""

    count: int
    unit: str

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' * (self.count != 1)}"

    def after(self, day: dt.date) -> dt.date:
        """The day one period after `day` (the last day of the calendar when past it)."""
        try:
            if self.unit == "day":
                return day + dt.timedelta(days=self.count)
            if self.unit == "week":
                return day + dt.timedelta(weeks=self.count)
            return add_months(day, self.count * (12 if self.unit == "year" else 1))
        except (OverflowError, ValueError):
            return dt.date.max


def parse_cadence(text: Any) -> Cadence | None:
    """`12 months`, `1 year`, `2 weeks`, `90 days` -> Cadence; None for anything else."""
    if not isinstance(text, str):
        return None
    match = _CADENCE.match(text.strip())
    return Cadence(int(match.group(1)), match.group(2)) if match else None


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, keeping the day of the month or the month's last day when it
    has fewer: Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year), Feb 29 + 1 year Feb 28."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


# --- settings -----------------------------------------------------------------------------

DEFAULT_CADENCE: Mapping[str, Cadence] = {
    "runbook": Cadence(12, "month"),
    "procedure": Cadence(12, "month"),
}
DEFAULT_DUE_SOON_DAYS = 30
DEFAULT_GRACE_BUSINESS_DAYS = 10
DEFAULT_TRIGGER_SEVERITIES = ("SEV1", "SEV2")
_KEYS = (
    "cadence",
    "due_soon_days",
    "grace_business_days",
    "trigger_severities",
    "waivers",
)
_WAIVER_KEYS = ("document", "rule", "reason", "approver", "expires")


@dataclass(frozen=True)
class Waiver:
    """A time-boxed exception: until `expires` (inclusive), `rule` on `document` is a warning."""

    document: str
    rule: str
    reason: str
    approver: str
    expires: dt.date
    index: int = 0
    """Position in `review.waivers`, so a finding can point at the entry in the config."""

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "document": self.document,
            "rule": self.rule,
            "reason": self.reason,
            "approver": self.approver,
            "expires": self.expires.isoformat(),
            "active": self.active(today),
        }


@dataclass(frozen=True)
class ReviewSettings:
    """The `review:` plugin option: which types are reviewed, how often, and the exceptions."""

    cadence: Mapping[str, Cadence] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    """Reviewable document type -> its default cadence (`review_every` overrides it)."""
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    grace_business_days: int = DEFAULT_GRACE_BUSINESS_DAYS
    trigger_severities: tuple[str, ...] = DEFAULT_TRIGGER_SEVERITIES
    holidays: str | None = None
    """Country (ISO 3166, `GB`, `US-CA`) whose public holidays are not business days."""
    waivers: tuple[Waiver, ...] = ()


def parse_settings(value: Any, errors: list[str], holidays: str | None = None) -> ReviewSettings:
    """Check the `review:` option; each problem is appended to `errors`, naming the option.
    `holidays` is the plugin's one holiday country, checked by the caller."""
    if value is None:
        return ReviewSettings(holidays=holidays)
    if not isinstance(value, Mapping):
        errors.append(f"{OPTION}: expected a mapping with keys {', '.join(_KEYS)}")
        return ReviewSettings(holidays=holidays)
    unknown = sorted(str(k) for k in value if k not in _KEYS)
    if unknown:
        errors.append(
            f"{OPTION}: unknown key {', '.join(map(repr, unknown))}; use {', '.join(_KEYS)}"
        )
    return ReviewSettings(
        cadence=_cadences(value.get("cadence"), errors),
        due_soon_days=_days(value, "due_soon_days", DEFAULT_DUE_SOON_DAYS, errors),
        grace_business_days=_days(
            value, "grace_business_days", DEFAULT_GRACE_BUSINESS_DAYS, errors
        ),
        trigger_severities=_severities(value.get("trigger_severities"), errors),
        holidays=holidays,
        waivers=tuple(_waivers(value.get("waivers"), errors)),
    )


def _cadences(value: Any, errors: list[str]) -> dict[str, Cadence]:
    """The defaults, with the configured types added or replaced (`null` stops reviewing)."""
    result = dict(DEFAULT_CADENCE)
    if value is None:
        return result
    if not isinstance(value, Mapping):
        errors.append(f"{OPTION}: cadence: expected a mapping of document type -> '12 months'")
        return result
    for doc_type, text in value.items():
        if text is None:
            result.pop(str(doc_type), None)
            continue
        cadence = parse_cadence(text)
        if cadence is None:
            errors.append(
                f"{OPTION}: cadence: {doc_type}: {text!r} is not a cadence; "
                "write a number and a unit, e.g. '12 months' or '2 weeks'"
            )
            continue
        result[str(doc_type)] = cadence
    return result


def _days(value: Mapping[str, Any], key: str, default: int, errors: list[str]) -> int:
    days = value.get(key, default)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3660:
        errors.append(f"{OPTION}: {key}: expected a number of days from 0 to 3660, got {days!r}")
        return default
    return days


def _severities(value: Any, errors: list[str]) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_TRIGGER_SEVERITIES
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        errors.append(f"{OPTION}: trigger_severities: expected a list such as [SEV1, SEV2]")
        return DEFAULT_TRIGGER_SEVERITIES
    return tuple(value)


def _waivers(value: Any, errors: list[str]) -> Iterable[Waiver]:
    if value is None:
        return
    if not isinstance(value, list):
        errors.append(f"{OPTION}: waivers: expected a list of {{{', '.join(_WAIVER_KEYS)}}}")
        return
    for index, entry in enumerate(value):
        where = f"{OPTION}: waivers[{index}]"
        if not isinstance(entry, Mapping):
            errors.append(f"{where}: expected a mapping with {', '.join(_WAIVER_KEYS)}")
            continue
        problems = [f"{key} is missing" for key in _WAIVER_KEYS if not entry.get(key)]
        problems += [f"unknown key {key!r}" for key in entry if key not in _WAIVER_KEYS]
        rule = entry.get("rule")
        if rule and rule not in WAIVABLE:
            problems.append(f"rule {rule!r} cannot be waived; use {' or '.join(WAIVABLE)}")
        expires = _as_date(entry.get("expires"))
        if entry.get("expires") and expires is None:
            problems.append(f"expires {entry.get('expires')!r} is not a date; write YYYY-MM-DD")
        if problems or expires is None:
            errors.append(f"{where}: {'; '.join(problems)}")
            continue
        yield Waiver(
            document=str(entry["document"]).strip().lstrip("/"),
            rule=str(rule),
            reason=str(entry["reason"]),
            approver=str(entry["approver"]),
            expires=expires,
            index=index,
        )


def _as_date(value: Any) -> dt.date | None:
    """An ISO date from front matter or config (YAML may already have made it a date)."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# --- statuses -----------------------------------------------------------------------------


class Status(str, enum.Enum):
    """Where a document stands in its review cycle, worst last."""

    CURRENT = "current"
    DUE_SOON = "due-soon"
    REVIEW_REQUIRED = "review-required"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


STATUS_ORDER = (Status.OVERDUE, Status.REVIEW_REQUIRED, Status.DUE_SOON, Status.CURRENT)


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
        return {
            "path": self.path,
            "src_uri": self.src_uri,
            "title": self.title,
            "severity": self.severity,
            "date": self.date.isoformat(),
            "review_by": self.review_by.isoformat(),
            "late": self.late,
        }


@dataclass(frozen=True)
class ReviewStatus:
    """One reviewable document: who owns it, when it was reviewed, when it is due, its status."""

    src_uri: str
    path: str
    doc_type: str
    title: str
    owner: str | None
    reviewed_by: str | None
    last_reviewed: dt.date
    cadence: Cadence
    due: dt.date
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
            "path": self.path,
            "src_uri": self.src_uri,
            "type": self.doc_type,
            "title": self.title,
            "owner": self.owner,
            "last_reviewed": self.last_reviewed.isoformat(),
            "reviewed_by": self.reviewed_by,
            "review_every": str(self.cadence),
            "due": self.due.isoformat(),
            "status": self.status.value,
            "days_left": self.days_left,
            "last_changed": self.last_changed.isoformat() if self.last_changed else None,
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


def reviews(evidence: Evidence) -> Reviews:
    """The statuses every view shows (findings, cards, dashboard, `evidence-kit status`)."""
    cached = evidence.cache.get(_CACHE)
    if isinstance(cached, Reviews):
        return cached
    result = assess(evidence)
    evidence.cache[_CACHE] = result
    return result


def assess(evidence: Evidence) -> Reviews:
    """Compute every reviewable document's status; use `reviews`, which computes it once."""
    settings = evidence.settings
    config = settings.review
    today = settings.today
    refs = references(evidence)
    reviewable = refs.targets
    problems: list[Finding] = []
    triggers = _triggers(evidence, refs, problems)
    history = gitdates.history(settings.docs_dir) if reviewable else gitdates.History()
    statuses: list[ReviewStatus] = []
    unassessed: list[str] = []
    for uri, doc in reviewable.items():
        if uri in evidence.invalid or not doc.publishable:
            unassessed.append(doc.path)
            continue
        last = _as_date(doc.field("last_reviewed"))
        every = doc.field("review_every")
        cadence = parse_cadence(every) if every is not None else config.cadence[str(doc.doc_type)]
        problem = _review_data(doc, last, every, cadence)
        if problem or last is None or cadence is None:
            problems.extend(problem)
            unassessed.append(doc.path)
            continue
        meta = evidence.filled_meta(doc)
        due = cadence.after(last)
        days_left = (due - today).days
        found = tuple(sorted(t for t in triggers.get(uri, ()) if t.date > last))
        statuses.append(
            ReviewStatus(
                src_uri=uri,
                path=doc.path,
                doc_type=str(doc.doc_type),
                title=_text(meta.get("title")) or PurePosixPath(uri).stem.replace("-", " "),
                owner=_text(meta.get("owner")),
                reviewed_by=_text(meta.get("reviewed_by")),
                last_reviewed=last,
                cadence=cadence,
                due=due,
                status=_status(days_left, found, config.due_soon_days),
                days_left=days_left,
                last_changed=history.last_changed(uri),
                last_changed_unknown=history.why_unknown(uri),
                triggers=found,
                waivers=tuple(
                    w for w in config.waivers if w.active(today) and w.document in (uri, doc.path)
                ),
                mark=doc.meta.mark("$.last_reviewed", Mark(2)),
            )
        )
    statuses.sort(key=lambda s: (s.due, s.path))
    return Reviews(
        today, tuple(statuses), tuple(sorted(unassessed)), config.waivers, tuple(problems)
    )


def _status(days_left: int, triggers: tuple[Trigger, ...], due_soon_days: int) -> Status:
    if days_left < 0:
        return Status.OVERDUE
    if triggers:
        return Status.REVIEW_REQUIRED
    if days_left <= due_soon_days:
        return Status.DUE_SOON
    return Status.CURRENT


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value).strip() else None


def _review_data(
    doc: Document, last: dt.date | None, every: Any, cadence: Cadence | None
) -> list[Finding]:
    """Review data a project's own schema let through but the lifecycle cannot use."""
    problems = []
    if last is None:
        at = doc.meta.mark("$.last_reviewed", Mark(2))
        raw = doc.field("last_reviewed")
        what = "is missing" if raw is None else f"{raw!r} is not a date"
        problems.append(
            Finding(
                doc.path,
                at.line,
                at.column,
                REVIEW_DATA,
                f"last_reviewed {what}; a {doc.doc_type} needs last_reviewed: YYYY-MM-DD",
                field="$.last_reviewed",
            )
        )
    if cadence is None:
        at = doc.meta.mark("$.review_every", Mark(2))
        problems.append(
            Finding(
                doc.path,
                at.line,
                at.column,
                REVIEW_DATA,
                f"{every!r} is not a cadence; write a number and a unit, e.g. '12 months'",
                field="$.review_every",
            )
        )
    return problems


def _triggers(
    evidence: Evidence, refs: References, problems: list[Finding]
) -> dict[str, list[Trigger]]:
    """Target src_uri -> the postmortems of a triggering severity that name it.

    Every reference of every valid postmortem is resolved, whatever its severity, so an
    unknown runbook is an error even in a SEV3 postmortem.
    """
    config = evidence.settings.review
    today = evidence.settings.today
    kinds = " or ".join(config.cadence) or "reviewable document"
    found: dict[str, list[Trigger]] = {}
    postmortems = [
        doc
        for uri, doc in evidence.tree.documents.items()
        if doc.doc_type == POSTMORTEM and uri not in evidence.invalid and doc.publishable
    ]
    dates = [d for doc in postmortems if (d := _as_date(doc.field("date")))]
    holidays = workdays.holidays_for(config.holidays, workdays.years_around([*dates, today]))
    for doc in postmortems:
        names = doc.field("runbooks") or []
        if not isinstance(names, list):
            continue
        day = _as_date(doc.field("date"))
        severity = doc.field("severity")
        trigger = None
        if day is not None and severity in config.trigger_severities:
            grace = config.grace_business_days
            trigger = Trigger(
                date=day,
                src_uri=doc.src_uri,
                path=doc.path,
                title=_text(evidence.filled_meta(doc).get("title"))
                or PurePosixPath(doc.src_uri).stem,
                severity=str(severity),
                review_by=workdays.add_business_days(day, grace, holidays),
                late=workdays.business_days_between(day, today, holidays) > grace,
            )
        for index, ref in enumerate(names):
            if not isinstance(ref, str):
                continue
            targets = refs.resolve(ref, doc.src_uri)
            if len(targets) == 1:
                if trigger is not None:
                    found.setdefault(targets[0], []).append(trigger)
                continue
            at = doc.meta.mark(f"$.runbooks[{index}]", Mark(2))
            if targets:
                message = (
                    f"{ref!r} matches several documents ({', '.join(targets)}); "
                    "name one by its path below the docs folder"
                )
            else:
                close = difflib.get_close_matches(ref, [*refs.by_stem, *refs.targets], n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "name one by its file name or its path below the docs folder"
                )
                message = f"{ref!r} is not a {kinds}; {hint}"
            problems.append(
                Finding(
                    doc.path,
                    at.line,
                    at.column,
                    RUNBOOK_UNKNOWN,
                    message,
                    field=f"$.runbooks[{index}]",
                )
            )
    return found


@dataclass(frozen=True)
class References:
    """The documents a postmortem's `runbooks:` may name, indexed once per run."""

    targets: Mapping[str, Document]
    by_stem: Mapping[str, list[str]]

    def resolve(self, ref: str, origin: str) -> list[str]:
        """The src_uris `ref` names, seen from the postmortem at `origin`."""
        return resolve_reference(ref, origin, self.targets, self.by_stem)


def references(evidence: Evidence) -> References:
    """The reviewable documents by src_uri and by file stem; computed once per run."""
    cached = evidence.cache.get("review.references")
    if isinstance(cached, References):
        return cached
    cadence = evidence.settings.review.cadence
    targets = {uri: doc for uri, doc in evidence.tree.documents.items() if doc.doc_type in cadence}
    by_stem: dict[str, list[str]] = {}
    for uri in targets:
        by_stem.setdefault(PurePosixPath(uri).stem, []).append(uri)
    found = References(targets, by_stem)
    evidence.cache["review.references"] = found
    return found


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


# --- findings -----------------------------------------------------------------------------


def check(evidence: Evidence) -> list[Finding]:
    """Every review finding of the tree: overdue, due soon, review required, dates in the
    future, unknown runbooks, and expired waivers."""
    result = reviews(evidence)
    settings = evidence.settings
    findings = list(result.problems)
    for status in result.statuses:
        findings.extend(findings_for(status, settings))
    findings.extend(waiver_findings(settings, result))
    return findings


def schedule(status: ReviewStatus) -> str:
    """`last reviewed 2026-06-15, due 2027-06-15 (every 12 months)`."""
    return f"last reviewed {status.last_reviewed}, due {status.due} (every {status.cadence})"


def findings_for(status: ReviewStatus, settings: Settings) -> list[Finding]:
    """The findings of one document's status; a waived error becomes a warning that says so."""
    today = settings.today
    grace = settings.review.grace_business_days
    found: list[tuple[str, str, Severity]] = []
    if status.last_reviewed > today:
        message = (
            f"last reviewed {status.last_reviewed} is after today ({today}); "
            "write the date the review took place"
        )
        found.append((FUTURE, message, Severity.WARNING))
    if status.status is Status.OVERDUE:
        found.append((OVERDUE, f"{schedule(status)}; {_FIX}", Severity.ERROR))
    elif 0 <= status.days_left <= settings.review.due_soon_days:
        left = days_text(status.days_left)
        found.append((DUE_SOON, f"{schedule(status)}, {left}; {_FIX}", Severity.WARNING))
    for trigger in status.triggers:
        cause = (
            f"last reviewed {status.last_reviewed}, before the {trigger.severity} postmortem "
            f"{trigger.path} of {trigger.date}"
        )
        if trigger.late:
            message = (
                f"{cause}; the review was due by {trigger.review_by} "
                f"({grace} business days after it); {_FIX}"
            )
            found.append((REQUIRED, message, Severity.ERROR))
        else:
            message = f"{cause}; review it by {trigger.review_by} and set last_reviewed"
            found.append((REQUIRED, message, Severity.WARNING))
    findings = []
    for rule, message, severity in found:
        waiver = status.waiver(rule) if severity is Severity.ERROR else None
        if waiver is not None:
            message += f"; waived until {waiver.expires} by {waiver.approver}: {waiver.reason}"
            severity = Severity.WARNING
        findings.append(
            Finding(
                status.path,
                status.mark.line,
                status.mark.column,
                rule,
                message,
                severity,
                field="$.last_reviewed",
            )
        )
    return findings


def days_text(days: int) -> str:
    """`201 days left`, `due today`, `1 day overdue`."""
    if days == 0:
        return "due today"
    count = abs(days)
    return f"{count} day{'s' * (count != 1)} {'left' if days > 0 else 'overdue'}"


def waiver_findings(settings: Settings, result: Reviews) -> list[Finding]:
    """An expired waiver is an error of its own; one naming no reviewable document is a
    warning (it would silently waive nothing). Both point at the entry in the config file."""
    known = {s.src_uri for s in result.statuses} | {s.path for s in result.statuses}
    known |= set(result.unassessed)
    problems: list[tuple[Waiver, str, str, Severity]] = []
    for waiver in settings.review.waivers:
        if not waiver.active(settings.today):
            message = (
                f"the waiver of {waiver.rule} for {waiver.document} (approved by "
                f"{waiver.approver}) expired on {waiver.expires}; review the document, "
                "then remove the waiver or renew it with a later expiry"
            )
            problems.append((waiver, WAIVER_EXPIRED, message, Severity.ERROR))
        elif waiver.document not in known:
            message = (
                f"the waiver names {waiver.document!r}, which is not a reviewable document; "
                "write its path below the docs folder, or remove the waiver"
            )
            problems.append((waiver, WAIVER_UNKNOWN, message, Severity.WARNING))
    if not problems:
        return []
    marks = mkdocs_yml.item_marks(settings.root / settings.config_file, OPTION, "waivers")
    findings = []
    for waiver, rule, message, severity in problems:
        at = marks[waiver.index] if waiver.index < len(marks) else _START
        findings.append(Finding(settings.config_file, at.line, at.column, rule, message, severity))
    return findings
