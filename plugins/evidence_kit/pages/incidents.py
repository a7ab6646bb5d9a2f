"""Pages made from postmortems: their own tables, the postmortem index, the incident report.

Every value comes from front matter and goes out through `markup`, so a title or a note
is text on the page, never markup. Only postmortems marked `sanitized: true` are listed
on the generated pages: the others are counted, never named.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from ..core import markup
from ..core.evidence import Evidence, Page
from ..core.fill import fill_meta
from ..core.loader import type_for
from ..core.model import Document
from ..core.moments import UTC, duration, utc
from ..core.options.incidents import ALERT, PROMISES, TYPE, IncidentPolicy
from ..core.settings import Settings, is_safe_url
from ..rules.incidents import ActionItem, Deadline, Incident, Measured, read_incident
from ..rules.oncall import period_coverage
from .oncall import coverage_section

INDEX = "index.md"
REPORT = "incident-report.md"
SEVERITY_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#7cb342", "#1e88e5", "#8e24aa")
"""Chart colours by place on the scale, most severe first (repeated past the sixth level)."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DASH = "—"


def _incident(evidence: Evidence, doc: Document) -> Incident | None:
    """The incident of a valid postmortem, read from its front matter as published."""
    if doc.doc_type != TYPE or doc.src_uri in evidence.invalid or not doc.publishable:
        return None
    meta = fill_meta(doc.meta.value, evidence.values)
    if not isinstance(meta, dict):
        return None
    return read_incident(doc, meta, evidence.settings.incidents, evidence.settings.today)


# --- cells ------------------------------------------------------------------------------


def _when(value: dt.datetime | None) -> str:
    return utc(value) if value else DASH


def _measured(measured: Measured) -> str:
    """`45 min: breached (promise 30 min)`."""
    if measured.promised is None:
        return duration(measured.taken) if measured.taken is not None else DASH
    promise = f"promise {duration(measured.promised)}"
    if measured.taken is None:
        return f"not recorded ({promise})"
    return f"{duration(measured.taken)}: {measured.result} ({promise})"


def _deadline_result(deadline: Deadline, today: dt.date) -> str:
    """breached, met, or not held yet."""
    if deadline.late(today):
        return "breached"
    return "met" if deadline.held is not None else "not held yet"


def _held(incident: Incident, today: dt.date) -> str:
    """The postmortem against its deadline, e.g. `4 business days: met`."""
    deadline = incident.deadline
    if deadline is None:
        return "incident not ended"
    result = _deadline_result(deadline, today)
    if deadline.taken is None:
        return f"{result} (due {deadline.due})"
    return f"{deadline.taken} business day{'s' * (deadline.taken != 1)}: {result}"


def _responses(incident: Incident, today: dt.date) -> str:
    """One cell summing up every promise of an incident."""
    parts = [
        f"{m.promise.label.lower()} {m.result}" for m in incident.measured if m.promised is not None
    ]
    if incident.deadline is not None:
        parts.append(f"postmortem {_deadline_result(incident.deadline, today)}")
    return ", ".join(parts) or DASH


# --- the postmortem page ----------------------------------------------------------------


def postmortem_tables(evidence: Evidence, doc: Document, page: Page) -> Page:
    """The postmortem's facts, response times, timeline and action items, from its data."""
    incident = _incident_from_page(evidence, doc, page)
    if incident is None:
        return page
    today = evidence.settings.today
    facts = _facts(evidence, doc, incident)
    middle = _response_section(incident, today)
    middle += _timeline_section(incident)
    end = _action_items_section(incident, today)
    return dataclasses.replace(page, body=_insert(page.body, facts, middle, end))


def _incident_from_page(evidence: Evidence, doc: Document, page: Page) -> Incident | None:
    if doc.doc_type != TYPE or doc.src_uri in evidence.invalid:
        return None
    policy, today = evidence.settings.incidents, evidence.settings.today
    return read_incident(doc, page.meta, policy, today)


def _facts(evidence: Evidence, doc: Document, incident: Incident) -> list[str]:
    row = [
        markup.text(incident.severity),
        markup.text(incident.status),
        _when(incident.start),
        _when(incident.end),
        duration(incident.duration) if incident.duration is not None else DASH,
    ]
    lines = markup.html_table(["Severity", "Status", "Started", "Ended", "Duration"], [row])
    if incident.customer_impact:
        impact = markup.text(incident.customer_impact)
        lines += markup.html_paragraph(f"<strong>Customer impact:</strong> {impact}")
    if incident.runbooks:
        refs = evidence.references
        shown = []
        for name in incident.runbooks:
            # The one rule that reports unknown runbooks (review.py) says what a name means.
            targets = refs.resolve(name, doc.src_uri)
            if len(targets) == 1 and refs.targets[targets[0]].publishable:
                shown.append(markup.html_link(name, markup.relative(targets[0], doc.src_uri)))
            else:
                shown.append(markup.text(name))
        lines += markup.html_paragraph(f"<strong>Runbooks:</strong> {', '.join(shown)}")
    return lines


def _response_section(incident: Incident, today: dt.date) -> list[str]:
    rows = [
        [markup.text(m.promise.label), _promise(m), _taken(m), markup.text(m.result)]
        for m in incident.measured
        if m.promised is not None
    ]
    deadline = incident.deadline
    if deadline is not None:
        days = f"{deadline.promised} business days (by {deadline.due})"
        taken = DASH if deadline.taken is None else f"{deadline.taken} business days"
        rows.append(["Postmortem held", days, taken, _deadline_result(deadline, today)])
    if not rows:
        return []
    since = incident.measured[0].since if incident.measured else "the alert"
    intro = f"Measured from {since}, against the runbook's promises for a {incident.severity}."
    header = ["Promise", "Promised", "Measured", "Result"]
    table = markup.html_table(header, rows)
    intro_lines = markup.html_paragraph(markup.text(intro))
    return ["## Response against the runbook", "", *intro_lines, *table]


def _promise(measured: Measured) -> str:
    return f"within {duration(measured.promised)}" if measured.promised is not None else DASH


def _taken(measured: Measured) -> str:
    return duration(measured.taken) if measured.taken is not None else "not recorded"


def _timeline_section(incident: Incident) -> list[str]:
    if not incident.timeline:
        return []
    alert = next((e.at for e in incident.timeline if e.event == ALERT and e.at), None)
    origin = alert or incident.start
    rows = [
        [
            _when(e.at),
            ("+" + duration((e.at - origin).total_seconds())) if e.at else DASH,
            markup.text(e.event),
            markup.text(e.note) if e.note else "",
        ]
        for e in incident.timeline
    ]
    header = ["Time (UTC)", "Since the alert" if alert else "Since the start", "Event", "Note"]
    return ["", "## Timeline", "", *markup.html_table(header, rows)]


def _action_items_section(incident: Incident, today: dt.date) -> list[str]:
    if not incident.action_items:
        return []
    rows = [
        [
            markup.text(a.item) or DASH,
            markup.text(a.owner) or DASH,
            str(a.due) if a.due else DASH,
            _status(a, today),
            _ticket(a.ticket),
        ]
        for a in incident.action_items
    ]
    header = ["Item", "Owner", "Due", "Status", "Ticket"]
    return ["## Action items", "", *markup.html_table(header, rows)]


def _status(item: ActionItem, today: dt.date) -> str:
    overdue = item.is_open and item.due is not None and item.due < today
    return markup.text(item.status) + (" (overdue)" if overdue else "")


def _ticket(url: str | None) -> str:
    if not url:
        return ""
    if not is_safe_url(url):
        return markup.text(url)
    return f'<a href="{markup.attribute(url)}">{markup.text(url)}</a>'


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")


def _headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of each ATX heading outside fenced code."""
    found = []
    fence = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            found.append((index, len(heading.group(1)), heading.group(2)))
    return found


def _insert(body: str, facts: list[str], middle: list[str], end: list[str]) -> str:
    """Facts under the title, the middle after the Summary section, the end at the end."""
    lines = body.rstrip("\n").split("\n")
    headings = _headings(lines)
    title = next((i for i, level, _ in headings if level == 1), None)
    after_title = 0 if title is None else title + 1
    summary = next(
        (
            i
            for i, level, text in headings
            if level == 2 and i >= after_title and text.strip().casefold() == "summary"
        ),
        None,
    )
    at = after_title
    if summary is not None:
        at = next((i for i, level, _ in headings if i > summary and level <= 2), len(lines))
    head, middle_part, tail = lines[:after_title], lines[after_title:at], lines[at:]
    out = [*head, "", *facts, ""] if head else [*facts, ""]
    out += middle_part
    if middle:
        out += ["", *middle, ""]
    out += tail
    if end:
        out += ["", *end]
    return "\n".join(out).strip("\n") + "\n"


# --- the postmortem index and the incident report ---------------------------------------


def _folders(evidence: Evidence) -> dict[str, list[Document]]:
    """Every folder that holds postmortems, with them."""
    folders: dict[str, list[Document]] = defaultdict(list)
    for src_uri, doc in sorted(evidence.tree.documents.items()):
        name = posixpath.basename(src_uri)
        if name in (INDEX, REPORT):
            continue
        if doc.doc_type == TYPE or type_for(src_uri, evidence.settings.types) == TYPE:
            folders[posixpath.dirname(src_uri)].append(doc)
    return folders


def names(evidence: Evidence) -> list[str]:
    """What `pages` makes, without making it."""
    return [
        src_uri
        for folder in _folders(evidence)
        for src_uri in (posixpath.join(folder, INDEX), posixpath.join(folder, REPORT))
        if src_uri not in evidence.tree.documents
    ]


def pages(evidence: Evidence) -> dict[str, str]:
    """An index and an incident report in every folder that holds postmortems."""
    made = set(names(evidence))
    result = {}
    for folder, docs in _folders(evidence).items():
        listed = []
        for doc in docs:
            incident = _incident(evidence, doc)
            if incident is not None and incident.sanitized:
                listed.append((doc, incident))
        listed.sort(key=lambda pair: (pair[1].start, pair[0].src_uri), reverse=True)
        held_back = len(docs) - len(listed)
        for name, render in ((INDEX, render_index), (REPORT, render_report)):
            src_uri = posixpath.join(folder, name)
            if src_uri in made:
                result[src_uri] = render(listed, held_back, evidence.settings)
        report = posixpath.join(folder, REPORT)
        if report in result:
            result[report] += _oncall_coverage(evidence)
    return result


def _oncall_coverage(evidence: Evidence) -> str:
    """The on-call coverage of the audit period, for the incident report."""
    lines = []
    for found in period_coverage(evidence):
        lines += ["", *coverage_section(found)]
    return "\n".join(lines) + "\n" if lines else ""


def _held_back(count: int) -> list[str]:
    if not count:
        return []
    noun = "postmortem is" if count == 1 else "postmortems are"
    return [
        "",
        f"{count} {noun} not listed: a postmortem is listed once its front matter passes "
        "the checks and it is marked `sanitized: true`.",
    ]


Listed = Sequence[tuple[Document, Incident]]


def render_index(listed: Listed, held_back: int, settings: Settings) -> str:
    """The postmortem index: newest first, with severity, duration, status and results."""
    today = settings.today
    rows = []
    for doc, incident in listed:
        rows.append(
            [
                _when(incident.start),
                markup.link(incident.title, posixpath.basename(doc.src_uri)),
                markup.text(incident.severity),
                duration(incident.duration) if incident.duration is not None else "ongoing",
                markup.text(incident.status),
                _responses(incident, today),
                str(len(incident.open_items())),
            ]
        )
    lines = [
        *markup.title_meta("Postmortems"),
        "# Postmortems",
        "",
        "Incidents, newest first, each measured against the promises of the incident runbook. "
        "Postmortems are sanitized for external sharing: no customer names, personal data or "
        f"secrets. The [incident response report]({REPORT}) sums them up for the audit period.",
        "",
    ]
    header = ["Started", "Incident", "Severity", "Duration", "Status", "Response", "Open items"]
    lines += markup.table(header, rows) if rows else ["No postmortems are listed yet."]
    lines += _held_back(held_back)
    return "\n".join(lines) + "\n"


def render_report(listed: Listed, held_back: int, settings: Settings) -> str:
    """Incidents of the audit period by severity and month, response times, open items."""
    today, policy = settings.today, settings.incidents
    first, last = policy.period(today)
    in_period = [
        (doc, incident)
        for doc, incident in listed
        if first <= incident.start.astimezone(UTC).date() <= last
    ]
    lines = [
        *markup.title_meta("Incident response report"),
        "# Incident response report",
        "",
        f"Audit period: {first} to {last}, by the day each incident started (UTC). "
        f"{len(in_period)} incident{'s' * (len(in_period) != 1)} in the period.",
    ]
    lines += _held_back(held_back)
    lines += ["", "## Incidents by month", ""]
    lines += _by_month(in_period, first, last, policy.severities)
    lines += ["", "## Response times against the promises", ""]
    lines += _promise_summary(in_period, policy, today)
    lines += ["", "## Each incident", ""]
    lines += _each_incident(in_period, today)
    lines += ["", "## Acknowledged breaches", ""]
    lines += _acknowledged(in_period)
    lines += ["", "## Open action items by owner", ""]
    lines += _open_items(listed, today)
    return "\n".join(lines) + "\n"


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_month(in_period: Listed, first: dt.date, last: dt.date, scale: Sequence[str]) -> list[str]:
    months = _months(first, last)
    counts: dict[tuple[int, int], Counter[str]] = {m: Counter() for m in months}
    for _, incident in in_period:
        started = incident.start.astimezone(UTC)
        counts[(started.year, started.month)][incident.severity] += 1
    rows = [
        [
            f"{year}-{month:02d}",
            *(str(counts[year, month][s]) for s in scale),
            str(sum(counts[year, month].values())),
        ]
        for year, month in months
    ]
    totals = Counter(incident.severity for _, incident in in_period)
    rows.append(["**Total**", *(str(totals[s]) for s in scale), str(len(in_period))])
    header = ["Month", *(markup.text(s) for s in scale), "All"]
    return [*_month_chart(months, counts, scale), "", *markup.table(header, rows)]


def _month_chart(
    months: list[tuple[int, int]],
    counts: dict[tuple[int, int], Counter[str]],
    scale: Sequence[str],
) -> list[str]:
    """Stacked bars per month, as inline SVG: drawn at build time, no script."""
    step, bar, base, tall = 36, 24, 120, 100
    width = 40 + step * len(months)
    peak = max((sum(c.values()) for c in counts.values()), default=0) or 1
    parts = [
        '<div class="evidence-chart">',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="170" '
        f'viewBox="0 0 {width} 170"><title>Incidents per month by severity</title>',
        f'<text x="4" y="{base - tall + 4}" font-size="10">{peak}</text>',
        f'<line x1="28" y1="{base}" x2="{width}" y2="{base}" stroke="#999"/>',
    ]
    for index, (year, month) in enumerate(months):
        x = 32 + index * step
        y = base
        for place, severity in enumerate(scale):
            count = counts[(year, month)][severity]
            if not count:
                continue
            height = round(tall * count / peak)
            y -= height
            label = markup.attribute(f"{year}-{month:02d}: {count} {severity}")
            parts.append(
                f'<rect x="{x}" y="{y}" width="{bar}" height="{height}" '
                f'fill="{_colour(place)}"><title>{label}</title></rect>'
            )
        label = MONTHS[month - 1] + (f" {year % 100:02d}" if month == 1 or index == 0 else "")
        parts.append(
            f'<text x="{x + bar // 2}" y="{base + 14}" font-size="10" text-anchor="middle">'
            f"{markup.attribute(label)}</text>"
        )
    for index, severity in enumerate(scale):
        x = 32 + index * 70
        parts.append(
            f'<rect x="{x}" y="150" width="10" height="10" fill="{_colour(index)}"/>'
            f'<text x="{x + 14}" y="159" font-size="10">{markup.attribute(severity)}</text>'
        )
    parts += ["</svg>", "</div>"]
    return parts


def _colour(place: int) -> str:
    return SEVERITY_COLOURS[place % len(SEVERITY_COLOURS)]


def _promise_summary(in_period: Listed, policy: IncidentPolicy, today: dt.date) -> list[str]:
    rows = []
    for promise in PROMISES:
        for severity in policy.severities:
            minutes = policy.promise_minutes(promise, severity)
            if minutes is None:
                continue
            measured = [
                m
                for _, incident in in_period
                if incident.severity == severity
                for m in incident.measured
                if m.promise == promise
            ]
            rows.append(
                _summary_row(
                    promise.label,
                    severity,
                    f"{duration(minutes * 60)}",
                    [m.result for m in measured],
                    [m.taken for m in measured if m.taken is not None],
                    duration,
                )
            )
    deadlines = [i for _, i in in_period if i.deadline is not None]
    results = [
        _deadline_result(i.deadline, today).replace("not held yet", "not recorded")
        for i in deadlines
        if i.deadline is not None
    ]
    taken = [
        float(i.deadline.taken) for i in deadlines if i.deadline and i.deadline.taken is not None
    ]
    rows.append(
        _summary_row(
            "Postmortem held",
            "all",
            f"{policy.postmortem_business_days} business days",
            results,
            taken,
            lambda days: f"{days:g} business days",
        )
    )
    header = ["Promise", "Severity", "Within", "Met", "Breached", "Not recorded", "Median", "Worst"]
    return markup.table(header, rows)


def _summary_row(
    label: str,
    severity: str,
    promised: str,
    results: Sequence[str],
    taken: Sequence[float],
    show: Callable[[float], str],
) -> list[str]:
    counts = Counter(results)
    median = show(statistics.median(taken)) if taken else DASH
    worst = show(max(taken)) if taken else DASH
    return [
        label,
        severity,
        promised,
        str(counts["met"]),
        str(counts["breached"]),
        str(counts["not recorded"]),
        median,
        worst,
    ]


def _each_incident(in_period: Listed, today: dt.date) -> list[str]:
    if not in_period:
        return ["No incidents started in the audit period."]
    rows = []
    for doc, incident in in_period:
        rows.append(
            [
                markup.link(incident.title, posixpath.basename(doc.src_uri)),
                markup.text(incident.severity),
                _when(incident.start),
                *(_measured(m) for m in incident.measured),
                _held(incident, today),
            ]
        )
    header = ["Incident", "Severity", "Started", *(p.label for p in PROMISES), "Postmortem"]
    return markup.table(header, rows)


def _acknowledged(in_period: Listed) -> list[str]:
    """Breaches of the period that a postmortem acknowledges: who accepted them and why."""
    labels = {p.rule: p.label for p in PROMISES}
    lines = [
        f"- {markup.link(incident.title, posixpath.basename(doc.src_uri))}, "
        f"{markup.text(labels.get(a.rule, 'Postmortem held'))} (`{a.rule}`): "
        f"{markup.text(a.sentence())}"
        for doc, incident in in_period
        for a in incident.acknowledged
    ]
    if not lines:
        return ["No breach of the period is acknowledged."]
    intro = (
        "Promises missed in the past, accepted in the postmortem's `acknowledged:` list; "
        "they no longer fail the checks."
    )
    return [intro, "", *lines]


def _open_items(listed: Listed, today: dt.date) -> list[str]:
    items = [
        (doc, incident, item)
        for doc, incident in listed
        for item in incident.action_items
        if item.is_open
    ]
    if not items:
        return ["No open action items."]
    by_owner: dict[str, list[ActionItem]] = defaultdict(list)
    for _, _, item in items:
        by_owner[item.owner or "unassigned"].append(item)
    owners = [
        [
            markup.text(owner),
            str(len(owned)),
            str(sum(1 for a in owned if a.due is not None and a.due < today)),
        ]
        for owner, owned in sorted(by_owner.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    lines = ["Open now, from every listed postmortem.", ""]
    lines += markup.table(["Owner", "Open", "Overdue"], owners)
    detail = [
        [
            markup.text(item.owner or "unassigned"),
            markup.text(item.item) or DASH,
            str(item.due) if item.due else DASH,
            _status(item, today),
            markup.link(incident.title, posixpath.basename(doc.src_uri)),
        ]
        for doc, incident, item in sorted(
            items, key=lambda t: (t[2].owner, t[2].due or dt.date.max, t[0].src_uri)
        )
    ]
    lines += ["", *markup.table(["Owner", "Item", "Due", "Status", "Postmortem"], detail)]
    return lines
