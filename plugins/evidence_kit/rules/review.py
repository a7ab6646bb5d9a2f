"""The review lifecycle: cadences, due dates, statuses, incident-triggered reviews, waivers.

A review is an attestation, not an edit: `last_reviewed` in the front matter is the truth,
and git's last change is only shown beside it. Every date is measured from `settings.today`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Collection
from pathlib import PurePosixPath
from typing import Any

from ..core import gitdates, mkdocs_yml, workdays
from ..core import history as review_history
from ..core.evidence import Evidence
from ..core.model import Document, Finding, Mark, Severity, text_of
from ..core.moments import as_date
from ..core.options.review import (
    OPTION,
    OVERDUE,
    REQUIRED,
    WAIVABLE,
    Cadence,
    Waiver,
    parse_cadence,
)
from ..core.references import References
from ..core.settings import Settings
from ..core.statuses import Reviews, ReviewStatus, Status, Trigger
from . import Rule, table

DUE_SOON = "review-due-soon"
NEVER = "review-never"
FUTURE = "review-future"
REVIEW_DATA = "review-data"
RUNBOOK_UNKNOWN = "runbook-unknown"
WAIVER_EXPIRED = "waiver-expired"
WAIVER_UNKNOWN = "waiver-unknown"

POSTMORTEM = "postmortem"
_FIX = "review it and set last_reviewed"
NEVER_REVIEWED = "never"
"""The `last_reviewed` of a document nobody has reviewed yet (what `init` writes)."""
_START = Mark(1, 1)

RULES: tuple[Rule, ...] = table(
    """
    review-overdue   review  error  waivable
        A document past its review due date.
    review-due-soon  review  warning
        A document whose review is due soon.
    review-required  review  error  waivable
        A runbook a later SEV1 or SEV2 postmortem names, not reviewed since.
    review-never     review  warning
        A document nobody has reviewed yet (last_reviewed: never).
    review-future    review  warning
        A last_reviewed date in the future.
    review-data      review  error
        Review data that cannot be read.
    runbook-unknown  review  error  waivable
        A postmortem names a runbook that does not exist.
    waiver-expired   review  error
        A waiver past its expiry date.
    waiver-unknown   review  warning
        A waiver that names no reviewable document.
    """
)
assert set(WAIVABLE) <= {r.id for r in RULES if r.waivable}, "waivable rules disagree"


def assess(evidence: Evidence) -> Reviews:
    """Every reviewable document's status; the pipeline computes it once per run
    (`Evidence.statuses`), before the rules, and every view reads that."""
    settings = evidence.settings
    config = settings.review
    today = settings.today
    refs = evidence.references
    reviewable = refs.targets
    problems: list[Finding] = []
    triggers = _triggers(evidence, refs, problems)
    history = gitdates.history(settings.docs_dir) if reviewable else gitdates.History()
    attested = (
        review_history.review_log(settings.docs_dir) if reviewable else review_history.ReviewLog()
    )
    period = settings.incidents.period(today)
    statuses: list[ReviewStatus] = []
    unassessed: list[str] = []
    for uri, doc in reviewable.items():
        if uri in evidence.invalid or not doc.publishable:
            unassessed.append(doc.path)
            continue
        never = doc.field("last_reviewed") == NEVER_REVIEWED
        last = None if never else as_date(doc.field("last_reviewed"))
        every = doc.field("review_every")
        cadence = parse_cadence(every) if every is not None else config.cadence[str(doc.doc_type)]
        problem = _review_data(doc, today if never else last, every, cadence)
        if problem or (last is None and not never) or cadence is None:
            problems.extend(problem)
            unassessed.append(doc.path)
            continue
        meta = evidence.filled_meta(doc)
        # A first review is due now: nobody has attested the document yet.
        due = today if last is None else cadence.after(last)
        days_left = (due - today).days
        # A first review covers whatever happened before it.
        found = tuple(
            sorted(t for t in triggers.get(uri, ()) if last is not None and t.date > last)
        )
        statuses.append(
            ReviewStatus(
                src_uri=uri,
                path=doc.path,
                doc_type=str(doc.doc_type),
                title=text_of(meta.get("title")) or PurePosixPath(uri).stem.replace("-", " "),
                owner=text_of(meta.get("owner")),
                reviewed_by=text_of(meta.get("reviewed_by")),
                last_reviewed=last,
                cadence=cadence,
                due=due,
                status=Status.NEVER_REVIEWED
                if last is None
                else _status(days_left, found, config.due_soon_days),
                days_left=days_left,
                last_changed=history.last_changed(uri),
                last_changed_unknown=history.why_unknown(uri),
                triggers=found,
                waivers=tuple(
                    w for w in config.waivers if w.active(today) and w.document in (uri, doc.path)
                ),
                mark=doc.meta.mark("$.last_reviewed", Mark(2)),
                history=_history(
                    attested,
                    uri,
                    last,
                    text_of(meta.get("reviewed_by")),
                    cadence,
                    period,
                    today,
                    evidence.fill,
                ),
            )
        )
    statuses.sort(key=lambda s: (s.due, s.path))
    return Reviews(
        today, tuple(statuses), tuple(sorted(unassessed)), config.waivers, tuple(problems)
    )


def _history(
    log: review_history.ReviewLog,
    uri: str,
    last: dt.date | None,
    reviewed_by: str | None,
    cadence: Cadence,
    period: tuple[dt.date, dt.date],
    today: dt.date,
    fill: Callable[[Any], Any],
) -> review_history.ReviewHistory:
    """The document's attested reviews (its current one too, when not committed yet) and
    the verdict over the audit period."""
    reviews = [
        dataclasses.replace(r, reviewed_by=text_of(fill(r.reviewed_by)) if r.reviewed_by else None)
        for r in log.reviews.get(uri, ())
    ]
    # A document never reviewed has no current review to add.
    if last is not None and not log.unknown and all(r.reviewed != last for r in reviews):
        reviews.append(review_history.Attested(last, reviewed_by, "", None))
    return review_history.judge(reviews, cadence, period, today, log.unknown)


def _status(days_left: int, triggers: tuple[Trigger, ...], due_soon_days: int) -> Status:
    if days_left < 0:
        return Status.OVERDUE
    if triggers:
        return Status.REVIEW_REQUIRED
    if days_left <= due_soon_days:
        return Status.DUE_SOON
    return Status.CURRENT


def _review_data(
    doc: Document, last: dt.date | None, every: Any, cadence: Cadence | None
) -> list[Finding]:
    """Review data a project's own schema let through but the lifecycle cannot use."""
    problems = []
    if last is None:
        raw = doc.field("last_reviewed")
        what = "is missing" if raw is None else f"{raw!r} is not a date"
        message = f"last_reviewed {what}; a {doc.doc_type} needs last_reviewed: YYYY-MM-DD"
        problems.append(_review_data_finding(doc, "$.last_reviewed", message))
    if cadence is None:
        message = f"{every!r} is not a cadence; write a number and a unit, e.g. '12 months'"
        problems.append(_review_data_finding(doc, "$.review_every", message))
    return problems


def _review_data_finding(doc: Document, field: str, message: str) -> Finding:
    at = doc.meta.mark(field, Mark(2))
    return Finding(doc.path, at.line, at.column, REVIEW_DATA, message, field=field)


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
    dates = [d for doc in postmortems if (d := as_date(doc.field("date")))]
    holidays = workdays.holidays_for(config.holidays, workdays.years_around([*dates, today]))
    for doc in postmortems:
        names = doc.field("runbooks") or []
        if not isinstance(names, list):
            continue
        day = as_date(doc.field("date"))
        severity = doc.field("severity")
        trigger = None
        if day is not None and severity in config.trigger_severities:
            grace = config.grace_business_days
            trigger = Trigger(
                date=day,
                src_uri=doc.src_uri,
                path=doc.path,
                title=text_of(evidence.filled_meta(doc).get("title"))
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


# --- findings -----------------------------------------------------------------------------


def check(evidence: Evidence) -> list[Finding]:
    """Every review finding of the tree: overdue, due soon, review required, dates in the
    future, unknown runbooks, and expired waivers."""
    result = evidence.statuses
    settings = evidence.settings
    findings = list(result.problems)
    for status in result.statuses:
        findings.extend(findings_for(status, settings))
    tree = evidence.tree
    files = {*tree.documents, *tree.data}
    files |= {d.path for d in tree.documents.values()} | {d.path for d in tree.data.values()}
    findings.extend(waiver_findings(settings, result, files))
    return findings


def waive(settings: Settings, findings: list[Finding]) -> list[Finding]:
    """Errors of any other waivable rule on a waived document: while the waiver is active,
    a warning that says who waived it until when and why; once expired, the error again
    (and `waiver-expired`). The review rules waive their own, on the document's status."""
    today = settings.today
    docs = settings.rel(settings.docs_dir)
    active = [w for w in settings.review.waivers if w.rule not in WAIVABLE and w.active(today)]
    if not active:
        return findings
    result = []
    for finding in findings:
        waiver = next(
            (
                w
                for w in active
                if w.rule == finding.rule and finding.path in (w.document, f"{docs}/{w.document}")
            ),
            None,
        )
        if waiver is not None and finding.severity is Severity.ERROR:
            message = (
                f"{finding.message}; waived until {waiver.expires} by {waiver.approver}: "
                f"{waiver.reason}"
            )
            finding = dataclasses.replace(finding, message=message, severity=Severity.WARNING)
        result.append(finding)
    return result


def schedule(status: ReviewStatus) -> str:
    """`last reviewed 2026-06-15, due 2027-06-15 (every 12 months)`."""
    return f"last reviewed {status.last_reviewed}, due {status.due} (every {status.cadence})"


def findings_for(status: ReviewStatus, settings: Settings) -> list[Finding]:
    """The findings of one document's status; a waived error becomes a warning that says so."""
    today = settings.today
    grace = settings.review.grace_business_days
    found: list[tuple[str, str, Severity]] = []
    if status.last_reviewed is None:
        # A warning, not an error: `mkdocs serve` and plain builds work while a team fills in
        # its starter, but `--strict` (CI, the audit edition) fails until a first review.
        message = (
            f"never reviewed; once someone has reviewed it, record that with "
            f"`evidence-kit review {status.path} --by NAME`"
        )
        return [_finding(status, NEVER, message, Severity.WARNING)]
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
        findings.append(_finding(status, rule, message, severity))
    return findings


def _finding(status: ReviewStatus, rule: str, message: str, severity: Severity) -> Finding:
    at = status.mark
    return Finding(status.path, at.line, at.column, rule, message, severity, "$.last_reviewed")


def days_text(days: int) -> str:
    """`201 days left`, `due today`, `1 day overdue`."""
    if days == 0:
        return "due today"
    count = abs(days)
    return f"{count} day{'s' * (count != 1)} {'left' if days > 0 else 'overdue'}"


def waiver_findings(
    settings: Settings, result: Reviews, files: Collection[str] = ()
) -> list[Finding]:
    """An expired waiver is an error of its own; one naming no reviewable document (for a
    review rule) or no document or data file (for any other) is a warning: it would silently
    waive nothing. Both point at the entry in the config file."""
    reviewable = {s.src_uri for s in result.statuses} | {s.path for s in result.statuses}
    reviewable |= set(result.unassessed)
    problems: list[tuple[Waiver, str, str, Severity]] = []
    for waiver in settings.review.waivers:
        if not waiver.active(settings.today):
            message = (
                f"the waiver of {waiver.rule} for {waiver.document} (approved by "
                f"{waiver.approver}) expired on {waiver.expires}; review the document, "
                "then remove the waiver or renew it with a later expiry"
            )
            problems.append((waiver, WAIVER_EXPIRED, message, Severity.ERROR))
        elif waiver.rule in WAIVABLE and waiver.document not in reviewable:
            message = (
                f"the waiver names {waiver.document!r}, which is not a reviewable document; "
                "write its path below the docs folder, or remove the waiver"
            )
            problems.append((waiver, WAIVER_UNKNOWN, message, Severity.WARNING))
        elif waiver.rule not in WAIVABLE and waiver.document not in files:
            message = (
                f"the waiver names {waiver.document!r}, which is not a document or data file; "
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
