"""`review-calendar.ics`: the year's review due dates and restore-test windows as a feed.

Deterministic, so two builds of one commit give the same bytes: every UID comes from the
document's src_uri and the date, DTSTAMP from the build date (SOURCE_DATE_EPOCH's day, else
the clock's today), events in date order. Only published documents are in it, and in the
audit edition every text (titles, owners) is redacted before it is folded into iCalendar
lines, where a value split across lines would escape a later scan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..core.evidence import Evidence
from ..publish import detectors, redact
from ..publish.manifest import build_date
from ..rules.restore import record as restore_record

CALENDAR = "review-calendar.ics"
"""Beside the review-status page, which links to it."""
PRODID = "-//Evidence Kit//Review calendar//EN"
HORIZON_DAYS = 366
"""How far ahead the feed looks: the year after today."""
_UID_DOMAIN = "evidence-kit"

if TYPE_CHECKING:
    import icalendar


def names(evidence: Evidence) -> tuple[str, ...]:
    """What `pages` makes, without making it."""
    return (CALENDAR,) if has_events(evidence) else ()


def pages(evidence: Evidence) -> dict[str, str]:
    """The calendar, when the tree has reviewable documents or procedures with targets."""
    text = calendar(evidence)
    return {CALENDAR: text} if text else {}


def uid(kind: str, src_uri: str, day: dt.date) -> str:
    """A stable event id from what the event is about: the same in every build."""
    digest = hashlib.sha256(f"{kind}\0{src_uri}\0{day.isoformat()}".encode()).hexdigest()
    return f"{kind}-{day.isoformat()}-{digest[:16]}@{_UID_DOMAIN}"


Entry = tuple[str, str, dt.date, dt.date, str, str]
"""One event: uid, summary, first day, last day, description, category."""


def has_events(evidence: Evidence) -> bool:
    """Whether the calendar has any event (what the review-status page links to)."""
    return next(entries(evidence), None) is not None


def entries(evidence: Evidence) -> Iterator[Entry]:
    """The calendar's events, texts redacted, in the order they are found."""
    settings = evidence.settings
    today = settings.today
    until = today + dt.timedelta(days=HORIZON_DAYS)
    publishes = evidence.publication.publishes
    clean = _cleaner(evidence)
    statuses = evidence.statuses
    for status in statuses.statuses:
        if not publishes(status.src_uri) or not today <= status.due <= until:
            continue
        title = clean(status.title)
        last = status.last_reviewed.isoformat() if status.last_reviewed else "never"
        description = (
            f"{clean(status.title)} ({status.doc_type}, {status.path}) is due for its review "
            f"every {status.cadence}. Owner: {clean(status.owner or 'unknown')}. "
            f"Last reviewed: {last}. Status on {today}: {status.status.label}."
        )
        yield (
            uid("review", status.src_uri, status.due),
            f"Review due: {title}",
            status.due,
            status.due,
            description,
            "Review",
        )
    restore = restore_record(evidence)
    procedures = [p for p in restore.procedures if publishes(p.src_uri)]
    for procedure in procedures:
        title = clean(procedure.title)
        tested = [t for t in restore.tests if t.targets and t.targets.src_uri == procedure.src_uri]
        for window in settings.restore.windows(today, until):
            if window.end < today:
                continue
            done = [t.date.isoformat() for t in tested if window.holds(t.date)]
            state = f"tested on {', '.join(done)}" if done else "not tested yet"
            description = (
                f"Run the restore test of {title} ({procedure.path}) and record it within "
                f"{window.start} to {window.end} ({restore.cadence}): RTO "
                f"{procedure.rto_minutes} min, RPO {procedure.rpo_minutes} min. As of {today}: "
                f"{state}."
            )
            yield (
                uid("restore-test", procedure.src_uri, window.start),
                f"Restore test window {window.label}: {title}",
                window.start,
                window.end,
                description,
                "Restore test",
            )


def calendar(evidence: Evidence) -> str:
    """The iCalendar text (CRLF lines), or "" when there is nothing to put in it."""
    # Imported here, not above: it takes megabytes that a build (whose pipeline runs in a
    # child process, `core.isolated`) should not keep for its length.
    import icalendar

    events = [_event(*entry) for entry in entries(evidence)]
    if not events:
        return ""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Evidence reviews and restore tests")
    stamp = dt.datetime.combine(
        build_date(evidence.settings.today), dt.time(0), tzinfo=dt.timezone.utc
    )
    for event in sorted(events, key=lambda e: (e.decoded("dtstart"), str(e["uid"]))):
        event.add("dtstamp", stamp)
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def _event(
    event_uid: str, summary: str, first: dt.date, last: dt.date, description: str, category: str
) -> icalendar.Event:
    """An all-day event from `first` to `last`, both days included."""
    import icalendar

    event = icalendar.Event()
    event.add("uid", event_uid)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))
    event.add("description", description)
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    return event


def _cleaner(evidence: Evidence) -> Callable[[str], str]:
    """Text as the edition may show it: redacted in the audit edition, one line."""
    publish = evidence.settings.publish
    if not publish.audit:
        return lambda text: " ".join(text.split())
    detector = detectors.detector_for(publish)
    return lambda text: " ".join(redact.redact_text(text, detector).split())
