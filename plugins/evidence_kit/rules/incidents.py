"""Postmortems checked against the runbook's promises: response times, deadline, action items.

The promises (minutes per severity, business days, grace) come from the `incidents` option,
so a team with other promises changes one place. Pages made from the same records live in
`pages/incidents.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core import workdays
from ..core.evidence import Evidence
from ..core.model import Document, Finding, Severity, text_of
from ..core.moments import as_date, duration, moment, utc
from ..core.options.incidents import (
    ABOUT_THE_PAST,
    ALERT,
    DEADLINE,
    OPEN_STATUSES,
    PROMISES,
    TYPE,
    IncidentPolicy,
    Promise,
)
from . import Rule, table

RULES: tuple[Rule, ...] = table(
    """
    sla-acknowledge       incident  warning  waivable
        A page acknowledged later than the runbook promises.
    sla-war-room          incident  warning  waivable
        A war room opened later than the runbook promises.
    sla-notify            incident  warning  waivable
        Customers notified later than the runbook promises.
    postmortem-deadline   incident  warning  waivable
        A postmortem held later than its business-day deadline.
    action-items-missing  incident  warning
        A final postmortem without action items.
    timeline-order        incident  error  waivable
        A postmortem timeline out of order.
    timeline-window       incident  error  waivable
        A timeline event outside the incident.
    incident-window       incident  error  waivable
        An incident that does not end after it starts.
    action-item-overdue   incident  error  waivable
        An open action item past its due date.
    """
)

# --- a postmortem as a record ----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the timeline; `at` is None while a draft leaves it blank."""

    index: int
    event: str
    at: dt.datetime | None
    note: str

    @property
    def field(self) -> str:
        return f"$.timeline[{self.index}].at"


@dataclass(frozen=True)
class ActionItem:
    index: int
    item: str
    owner: str
    due: dt.date | None
    status: str
    ticket: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Measured:
    """One promise of one incident: how long it took against how long was promised."""

    promise: Promise
    severity: str
    promised: int | None
    """Seconds; None when the runbook promises nothing for this severity."""
    taken: float | None
    """Seconds; None when the timeline does not record the event."""
    entry: Entry | None
    since: str
    """What the time is counted from: `the alert` or `the incident start`."""

    @property
    def result(self) -> str:
        """met, breached, not recorded, or no promise."""
        if self.promised is None:
            return "no promise"
        if self.taken is None:
            return "not recorded"
        return "met" if self.taken <= self.promised else "breached"


@dataclass(frozen=True)
class Deadline:
    """The postmortem against its deadline, counted in business days from the incident's end."""

    ended: dt.date
    """The incident's last day, in the offset its end is written in."""
    due: dt.date
    held: dt.date | None
    taken: int | None
    """Business days from the end to the postmortem; None while none is dated."""
    promised: int

    def late(self, today: dt.date) -> bool:
        if self.held is not None:
            return self.held > self.due
        return today > self.due


@dataclass(frozen=True)
class Acknowledgement:
    """A finding about the incident's past, accepted where it happened: who, when and why."""

    rule: str
    by: str
    reason: str
    date: dt.date | None

    def sentence(self) -> str:
        """`acknowledged by Dana on 2026-03-20: the pager outage is fixed`."""
        when = f" on {self.date}" if self.date else ""
        return f"acknowledged by {self.by}{when}: {self.reason}"


@dataclass(frozen=True)
class Incident:
    """What one postmortem's front matter says, with its promises measured."""

    src_uri: str
    path: str
    title: str
    severity: str
    status: str
    start: dt.datetime
    end: dt.datetime | None
    held: dt.date | None
    sanitized: bool
    customer_impact: str
    runbooks: tuple[str, ...]
    timeline: tuple[Entry, ...]
    action_items: tuple[ActionItem, ...]
    measured: tuple[Measured, ...]
    deadline: Deadline | None
    acknowledged: tuple[Acknowledgement, ...] = ()

    def acknowledgement(self, rule: str) -> Acknowledgement | None:
        return next((a for a in self.acknowledged if a.rule == rule), None)

    @property
    def duration(self) -> float | None:
        return (self.end - self.start).total_seconds() if self.end else None

    def open_items(self) -> list[ActionItem]:
        return [a for a in self.action_items if a.is_open]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def read_incident(
    doc: Document, meta: Mapping[str, Any], policy: IncidentPolicy, today: dt.date
) -> Incident | None:
    """The incident a postmortem records; None when it has no readable start.

    `meta` is read defensively: a project may replace the shipped schema with its own.
    """
    incident = meta.get("incident")
    incident = incident if isinstance(incident, Mapping) else {}
    start = moment(incident.get("start"))
    if start is None:
        return None
    end = moment(incident.get("end"))
    severity = text_of(meta.get("severity")) or ""
    timeline = tuple(
        Entry(i, text_of(e.get("event")) or "", moment(e.get("at")), text_of(e.get("note")) or "")
        for i, e in enumerate(_list(meta.get("timeline")))
        if isinstance(e, Mapping)
    )
    items = tuple(
        ActionItem(
            i,
            text_of(a.get("item")) or "",
            text_of(a.get("owner")) or "",
            as_date(a.get("due")),
            text_of(a.get("status")) or "",
            text_of(a.get("ticket")),
        )
        for i, a in enumerate(_list(meta.get("action_items")))
        if isinstance(a, Mapping)
    )
    held = as_date(meta.get("date"))
    acknowledged = tuple(
        Acknowledgement(
            str(a.get("rule")),
            text_of(a.get("by")) or "",
            text_of(a.get("reason")) or "",
            as_date(a.get("date")),
        )
        for a in _list(meta.get("acknowledged"))
        if isinstance(a, Mapping) and a.get("rule") in ABOUT_THE_PAST
    )
    return Incident(
        src_uri=doc.src_uri,
        path=doc.path,
        title=text_of(meta.get("title")) or doc.src_uri,
        severity=severity,
        status=text_of(meta.get("status")) or "",
        start=start,
        end=end,
        held=held,
        sanitized=meta.get("sanitized") is True,
        customer_impact=text_of(meta.get("customer_impact")) or "",
        runbooks=tuple(r for r in map(text_of, _list(meta.get("runbooks"))) if r),
        timeline=timeline,
        action_items=items,
        measured=_measure(timeline, start, severity, policy),
        deadline=_deadline(end, held, policy, today),
        acknowledged=acknowledged,
    )


def _first(timeline: tuple[Entry, ...], event: str) -> Entry | None:
    return next((e for e in timeline if e.event == event and e.at is not None), None)


def _measure(
    timeline: tuple[Entry, ...], start: dt.datetime, severity: str, policy: IncidentPolicy
) -> tuple[Measured, ...]:
    alert = _first(timeline, ALERT)
    since, origin = (alert.at, "the alert") if alert and alert.at else (start, "the incident start")
    result = []
    for promise in PROMISES:
        minutes = policy.promise_minutes(promise, severity)
        entry = _first(timeline, promise.event)
        taken = (entry.at - since).total_seconds() if entry and entry.at else None
        promised = None if minutes is None else minutes * 60
        result.append(Measured(promise, severity, promised, taken, entry, origin))
    return tuple(result)


def _deadline(
    end: dt.datetime | None, held: dt.date | None, policy: IncidentPolicy, today: dt.date
) -> Deadline | None:
    if end is None:
        return None
    # The end's own calendar day: the team's working day, as the author wrote its offset.
    ended = end.date()
    holidays = policy.holiday_dates(ended, held, today)
    due = workdays.add_business_days(ended, policy.postmortem_business_days, holidays)
    taken = None if held is None else workdays.business_days_between(ended, held, holidays)
    return Deadline(ended, due, held, taken, policy.postmortem_business_days)


def postmortems(evidence: Evidence) -> list[tuple[Document, Incident]]:
    """Every valid postmortem of the tree with its incident, in src_uri order."""
    policy = evidence.settings.incidents
    found = []
    for src_uri, doc in sorted(evidence.tree.documents.items()):
        if doc.doc_type != TYPE or src_uri in evidence.invalid or not doc.publishable:
            continue
        meta = doc.meta.value if isinstance(doc.meta.value, dict) else {}
        incident = read_incident(doc, meta, policy, evidence.settings.today)
        if incident is not None:
            found.append((doc, incident))
    return found


# --- rules ------------------------------------------------------------------------------


def check(evidence: Evidence) -> list[Finding]:
    """Every postmortem against the runbook's promises and against itself."""
    policy = evidence.settings.incidents
    today = evidence.settings.today
    findings: list[Finding] = []
    for doc, incident in postmortems(evidence):
        findings += incident_window(doc, incident)
        findings += timeline_order(doc, incident)
        findings += timeline_window(doc, incident)
        # What is past and acknowledged in the postmortem is on the report, not a finding.
        past = response_times(doc, incident, policy)
        past += postmortem_deadline(doc, incident, policy, today)
        findings += [f for f in past if incident.acknowledgement(f.rule) is None]
        findings += action_items(doc, incident, policy, today)
    return findings


def _finding(
    doc: Document, field: str, rule: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    at = doc.meta.mark(field, doc.meta.mark("$"))
    return Finding(doc.path, at.line, at.column, rule, message, severity, field)


def incident_window(doc: Document, incident: Incident) -> list[Finding]:
    """The incident ends after it starts."""
    if incident.end is None or incident.end > incident.start:
        return []
    relation = "when" if incident.end == incident.start else "before"
    message = (
        f"the incident ends at {utc(incident.end)}, {relation} it starts at "
        f"{utc(incident.start)}; fix start or end"
    )
    return [_finding(doc, "$.incident.end", "incident-window", message)]


def timeline_order(doc: Document, incident: Incident) -> list[Finding]:
    """Each timeline entry is at or after the one above it (instants, so offsets may differ)."""
    findings = []
    previous: Entry | None = None
    for entry in incident.timeline:
        if entry.at is None:
            continue
        if previous is not None and previous.at is not None and entry.at < previous.at:
            message = (
                f"{entry.event} at {utc(entry.at)} is before the entry above it "
                f"({previous.event} at {utc(previous.at)}); keep the timeline in time order"
            )
            findings.append(_finding(doc, entry.field, "timeline-order", message))
        previous = entry
    return findings


def timeline_window(doc: Document, incident: Incident) -> list[Finding]:
    """Every timeline entry falls between the incident's start and end."""
    findings = []
    for entry in incident.timeline:
        if entry.at is None:
            continue
        if entry.at < incident.start:
            where = f"before the incident started ({utc(incident.start)})"
        elif incident.end is not None and incident.end > incident.start and entry.at > incident.end:
            where = f"after the incident ended ({utc(incident.end)})"
        else:
            continue
        message = f"{entry.event} at {utc(entry.at)} is {where}; fix the time or the window"
        findings.append(_finding(doc, entry.field, "timeline-window", message))
    return findings


def response_times(doc: Document, incident: Incident, policy: IncidentPolicy) -> list[Finding]:
    """Acknowledged, war room and customers notified within the severity's promise."""
    findings = []
    for measured in incident.measured:
        promise, result = measured.promise, measured.result
        if measured.promised is None:
            continue
        promised = f"the {measured.severity} promise is {duration(measured.promised)}"
        if result == "breached" and measured.entry and measured.taken is not None:
            message = (
                f"{promise.event} {duration(measured.taken)} after {measured.since}; {promised}"
            )
            findings.append(
                _finding(doc, measured.entry.field, promise.rule, message, policy.breach)
            )
        elif result == "not recorded" and incident.status == "final":
            message = (
                f"no {promise.event!r} entry in the timeline; {promised} after "
                f"{measured.since}; add when it happened"
            )
            findings.append(_finding(doc, "$.timeline", promise.rule, message, policy.breach))
    return findings


def postmortem_deadline(
    doc: Document, incident: Incident, policy: IncidentPolicy, today: dt.date
) -> list[Finding]:
    """The postmortem is held within the promised business days of the incident's end."""
    deadline = incident.deadline
    if deadline is None or not deadline.late(today):
        return []
    days = deadline.promised
    promise = f"the promise is {days} business day{'s' * (days != 1)} (by {deadline.due})"
    if deadline.held is not None and deadline.taken is not None:
        message = (
            f"postmortem held {deadline.taken} business days after the incident ended on "
            f"{deadline.ended}; {promise}"
        )
    else:
        message = (
            f"no postmortem date yet, and the incident ended on {deadline.ended}; {promise}; "
            "hold it and set date"
        )
    return [_finding(doc, "$.date", DEADLINE, message, policy.breach)]


def action_items(
    doc: Document, incident: Incident, policy: IncidentPolicy, today: dt.date
) -> list[Finding]:
    """Open items past their due date, and a final postmortem with none at all."""
    findings = []
    if incident.status == "final" and not incident.action_items:
        message = (
            "a final postmortem with no action items; add what will change, "
            "or one item saying why nothing will"
        )
        missing = _finding(doc, "$.status", "action-items-missing", message, Severity.WARNING)
        findings.append(missing)
    for item in incident.action_items:
        if not item.is_open or item.due is None or item.due >= today:
            continue
        late = (today - item.due).days
        over = late > policy.action_item_grace_days
        message = (
            f"{_short(item.item)!r} is {item.status} and was due {item.due} "
            f"({late} day{'s' * (late != 1)} ago)"
        )
        if over:
            message += f", past the {policy.action_item_grace_days}-day grace"
        message += "; finish it or move its due date"
        severity = Severity.ERROR if over else Severity.WARNING
        field = f"$.action_items[{item.index}].due"
        findings.append(_finding(doc, field, "action-item-overdue", message, severity))
    return findings


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
