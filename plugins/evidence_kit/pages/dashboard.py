"""Views of the review statuses: the status page, evidence cards, the terminal table, JSON.

Every view reads `Evidence.statuses`, computed once per run, so none can disagree. Values
from front matter reach HTML only through `_inline` (entities for HTML and Markdown syntax).
Links are Markdown links between source files, so MkDocs resolves and checks them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from importlib import resources

from ..core import markup
from ..core.evidence import Evidence, Page
from ..core.history import Attested
from ..core.model import Document
from ..core.statuses import STATUS_ORDER, Reviews, ReviewStatus, Status
from ..rules.oncall import period_coverage
from ..rules.restore import record as restore_record
from ..rules.review import days_text
from . import calendar
from .calendar import CALENDAR

PAGE = "review-status.md"
SCRIPT = "assets/evidence-kit/review.js"
STYLESHEET = "assets/evidence-kit/review.css"

_H1 = re.compile(r"^#[ \t]+\S")
_STATUS_TITLES = {
    Status.OVERDUE: "overdue",
    Status.NEVER_REVIEWED: "never reviewed",
    Status.REVIEW_REQUIRED: "review required",
    Status.DUE_SOON: "due soon",
    Status.CURRENT: "current",
}


def badge(status: Status) -> str:
    return (
        f'<span class="evidence-badge evidence-badge--{status.value}">'
        f"{_STATUS_TITLES[status]}</span>"
    )


# --- evidence cards -----------------------------------------------------------------------


def evidence_card(evidence: Evidence, doc: Document, page: Page) -> Page:
    """Put the review card under the page's title (or at its top when it has none)."""
    status = evidence.statuses.get(doc.src_uri)
    if status is None:
        return page
    return dataclasses.replace(page, body=insert_after_title(page.body, card(status)))


def insert_after_title(body: str, block: str) -> str:
    """`block` right after a leading `# Title`, else before everything."""
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if _H1.match(line):
            return "\n".join([*lines[: index + 1], "", block, "", *lines[index + 1 :]])
        break
    return f"{block}\n\n{body}"


def card(status: ReviewStatus) -> str:
    """The card: owner, review, due date, status, last change and what triggered a review.

    A generated HTML paragraph (`markup.html_paragraph`): the builder passes it through,
    and the front door points its postmortem links at their pages; the due date is in
    `data-review-due` for the page script.
    """
    lines = [
        f'<span class="evidence-card" data-review-status="{status.status.value}" '
        f'data-review-due="{_due(status)}" data-review-every="{markup.text(status.cadence)}">'
    ]
    banner = _banner(status)
    if banner:
        lines.append(
            f'<span class="evidence-banner evidence-banner--{status.status.value}" '
            f'role="note">{banner}</span>'
        )
    reviewed = markup.text(status.last_reviewed or "never")
    if status.reviewed_by and status.last_reviewed:
        reviewed += f" by {markup.text(status.reviewed_by)}"
    state = badge(status.status)
    for waiver in status.waivers:
        state += f" (waived {markup.text(waiver.rule)} until {waiver.expires})"
    items = [
        ("Owner", markup.text(status.owner or "not set")),
        ("Last reviewed", reviewed),
        (
            "Next review due",
            f"{status.due} (every {markup.text(status.cadence)})"
            if status.last_reviewed
            else "now: a first review",
        ),
        ("Review status", state),
        ("Last changed", _last_changed(status)),
    ]
    if status.triggers:
        links = [
            markup.html_link(
                f"{t.severity} postmortem of {t.date}: {t.title}",
                markup.relative(t.src_uri, status.src_uri),
            )
            for t in status.triggers
        ]
        items.append(("Review triggered by", "; ".join(links)))
    items += history_items(status)
    for label, value in items:
        lines.append(
            f'<span class="evidence-card__item"><span class="evidence-card__label">{label}'
            f'</span> <span class="evidence-card__value">{value}</span></span>'
        )
    lines.append("</span>")
    return "\n".join(markup.html_paragraph(*lines)).rstrip("\n")


def attested(review: Attested) -> str:
    """One attested review: its date, who, and the commit that recorded it."""
    said = str(review.reviewed)
    if review.reviewed_by:
        said += f" by {markup.text(review.reviewed_by)}"
    if review.commit:
        said += f" (commit {markup.text(review.commit)}, {review.committed})"
    else:
        said += " (not committed yet)"
    return said


def history_items(status: ReviewStatus) -> list[tuple[str, str]]:
    """The card's review history: every attested review and the audit period's verdict."""
    history = status.history
    if history is None:
        return []
    first, last = history.period
    reviews = "; ".join(attested(r) for r in history.reviews) or "none recorded"
    if history.unknown:
        reviews = markup.text(history.verdict)
    return [
        ("Review history", reviews),
        (f"Audit period {first} to {last}", markup.text(history.verdict)),
    ]


def _due(status: ReviewStatus) -> str:
    """The due date the page script ages; none for a document never reviewed."""
    return str(status.due) if status.last_reviewed else ""


def _banner(status: ReviewStatus) -> str:
    if status.status is Status.NEVER_REVIEWED:
        text = (
            "Never reviewed: this document was started from a template and nobody has "
            "attested a review of it yet. Until someone does, it is a draft, not evidence."
        )
    elif status.status is Status.OVERDUE:
        text = (
            f"Overdue: the review of this document was due on {status.due}. Until it is "
            "reviewed, its content may be out of date."
        )
    elif status.status is Status.REVIEW_REQUIRED:
        first = status.triggers[0]
        text = (
            f"Review required: a {markup.text(first.severity)} incident on {first.date} may change "
            f"what this document should say; it is to be reviewed by {first.review_by}."
        )
    else:
        return ""
    for waiver in status.waivers:
        text += (
            f" Waived ({markup.text(waiver.rule)}) until {waiver.expires} by "
            f"{markup.text(waiver.approver)}: {markup.text(waiver.reason)}."
        )
    return text


def _last_changed(status: ReviewStatus) -> str:
    if status.last_changed is not None:
        return str(status.last_changed)
    return f"unknown ({markup.text(status.last_changed_unknown)})"


# --- the status page ----------------------------------------------------------------------


def pages(evidence: Evidence) -> dict[str, str]:
    """The review status page, when the tree has reviewable documents and no page of its own
    at that path."""
    result = published_statuses(evidence)
    if not (result.statuses or result.unassessed) or PAGE in evidence.tree.documents:
        return {}
    titles = {
        posixpath.dirname(uri): _section_title(evidence, uri)
        for uri, doc in evidence.tree.documents.items()
        if posixpath.basename(uri) in ("index.md", "README.md") and doc.publishable
    }
    link = posixpath.relpath(CALENDAR, posixpath.dirname(PAGE) or ".")
    return {PAGE: render(result, titles, link if calendar.has_events(evidence) else "")}


def published_statuses(evidence: Evidence) -> Reviews:
    """The statuses the site may show: a withheld document's title, owner and waivers stay
    out of the audit edition's pages, as the document itself does."""
    publication = evidence.publication
    hidden = {
        key
        for uri, doc in evidence.tree.documents.items()
        if not publication.publishes(uri)
        for key in (uri, doc.path)
    }
    result = evidence.statuses
    return dataclasses.replace(
        result,
        statuses=tuple(s for s in result.statuses if s.src_uri not in hidden),
        unassessed=tuple(path for path in result.unassessed if path not in hidden),
        waivers=tuple(w for w in result.waivers if w.document not in hidden),
    )


def _section_title(evidence: Evidence, uri: str) -> str:
    page = evidence.tree.documents[uri]
    title = page.field("title")
    return str(title) if isinstance(title, str) and "<<" not in title else ""


def render(result: Reviews, section_titles: Mapping[str, str], calendar_link: str = "") -> str:
    """The status page: counts, the timeline, a sortable table per folder, the waivers."""
    counts = result.counts()
    lines = [
        "---",
        "title: Review status",
        "---",
        "",
        "# Review status",
        "",
        f"Every document reviewed on a cadence, as of {result.today}, the day this site was "
        "built. Each page also shows its own review card; a page opened after its due date "
        "says so even when the site was not rebuilt since. Click a column heading to sort.",
        "",
        '<span class="evidence-counts">'
        + " ".join(
            f'<span class="evidence-badge evidence-badge--{status.value}" '
            f'data-count="{status.value}" data-count-value="{counts[status.value]}">'
            f"{counts[status.value]} {_STATUS_TITLES[status]}</span>"
            for status in STATUS_ORDER
        )
        + "</span>",
        "",
        "## Upcoming reviews",
        "",
        timeline(result.statuses, result.today),
        "",
    ]
    if calendar_link:
        lines += [
            f"Subscribe to the due dates: [{CALENDAR}]({calendar_link}) (iCalendar: the next "
            "year's review due dates and restore-test windows).",
            "",
        ]
    for folder, statuses in _by_folder(result.statuses):
        title = section_titles.get(folder) or (folder or "Top level")
        lines += [f"## {markup.text(title)}", ""]
        if folder and title != folder:
            lines += [f"Folder <code>{markup.text(folder)}/</code>", ""]
        header = ["Document", "Type", "Owner", "Last reviewed", "Due", "Status", "Days left"]
        lines += markup.html_table(header, [_row(status) for status in statuses])
    lines += ["## Waivers", ""]
    if result.waivers:
        lines += [
            "| Document | Rule | Until | Approved by | Reason | In force |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for waiver in result.waivers:
            active = "yes" if waiver.active(result.today) else "no: expired"
            lines.append(
                f"| {markup.text(waiver.document)} | {markup.text(waiver.rule)} | {waiver.expires} "
                f"| {markup.text(waiver.approver)} | {markup.text(waiver.reason)} | {active} |"
            )
    else:
        lines.append("No waivers: every review error fails the build.")
    lines.append("")
    if result.unassessed:
        lines += [
            "## Not assessed",
            "",
            "The review data of these documents cannot be read; `evidence-kit check` says why.",
            "",
        ]
        lines += [f"- {markup.text(path)}" for path in result.unassessed]
        lines.append("")
    lines += period_section(result)
    return "\n".join(lines)


def period_section(result: Reviews) -> list[str]:
    """Every document's attested reviews and its verdict over the audit period."""
    judged = [s for s in result.statuses if s.history is not None]
    if not judged:
        return []
    first, last = judged[0].history.period if judged[0].history else (None, None)
    lines = [
        "## Reviews in the audit period",
        "",
        f"Audit period {first} to {last}: every review attested in git (each change of "
        "`last_reviewed`, with `reviewed_by` and the commit that recorded it), and whether the "
        "document was reviewed within the period and never overdue during it.",
        "",
    ]
    rows = []
    for status in sorted(judged, key=lambda s: s.path):
        history = status.history
        assert history is not None
        reviews = "<br>".join(attested(r) for r in history.reviews) or "none recorded"
        if history.unknown:
            reviews = "unknown"
        link = markup.html_link(status.title, markup.relative(status.src_uri, PAGE))
        rows.append([link, reviews, markup.text(history.verdict)])
    return [*lines, *markup.html_table(["Document", "Reviews", "Verdict"], rows)]


def _by_folder(statuses: Iterable[ReviewStatus]) -> list[tuple[str, list[ReviewStatus]]]:
    groups: dict[str, list[ReviewStatus]] = {}
    for status in statuses:
        groups.setdefault(status.folder, []).append(status)
    return sorted(groups.items())


def _row(status: ReviewStatus) -> list[str]:
    marker = (
        f'<span class="evidence-row" data-src-uri="{markup.text(status.src_uri)}" '
        f'data-review-status="{status.status.value}" data-review-due="{_due(status)}"></span>'
    )
    document = marker + markup.html_link(status.title, markup.relative(status.src_uri, PAGE))
    state = badge(status.status)
    if status.waivers:
        state += " waived"
    days = (
        f'<span data-days-left="{status.days_left}" data-sort="{status.days_left}">'
        f"{days_text(status.days_left) if status.last_reviewed else 'first review due'}</span>"
    )
    return [
        document,
        markup.text(status.doc_type),
        markup.text(status.owner or "not set"),
        str(status.last_reviewed or "never"),
        str(status.due),
        state,
        days,
    ]


# --- the timeline -------------------------------------------------------------------------

TIMELINE_DAYS = 365
TIMELINE_ROWS = 25
_COLORS = {
    Status.OVERDUE: "#b71c1c",
    Status.NEVER_REVIEWED: "#6a1b9a",
    Status.REVIEW_REQUIRED: "#c62828",
    Status.DUE_SOON: "#ef6c00",
    Status.CURRENT: "#2e7d32",
}


def timeline(statuses: Iterable[ReviewStatus], today: dt.date) -> str:
    """An SVG of the due dates of the next year, built now: no script draws it."""
    upcoming = [s for s in statuses if s.days_left <= TIMELINE_DAYS]
    upcoming.sort(key=lambda s: (s.due, s.path))
    if not upcoming:
        return f"No review is due in the next {TIMELINE_DAYS} days."
    shown = upcoming[:TIMELINE_ROWS]
    left, right, top, row = 230, 700, 40, 20
    height = top + row * len(shown) + 8
    span = right - left

    def x(day: dt.date) -> float:
        offset = min(max((day - today).days, 0), TIMELINE_DAYS)
        return round(left + span * offset / TIMELINE_DAYS, 1)

    label = f"Review due dates from {today} to {today + dt.timedelta(days=TIMELINE_DAYS)}"
    parts = [
        '<div class="evidence-timeline">',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 {height}" '
        f'width="720" height="{height}" role="img" aria-label="{html.escape(label)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{html.escape(label)}</title>",
    ]
    month = dt.date(today.year, today.month, 1)
    end = today + dt.timedelta(days=TIMELINE_DAYS)
    while True:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month > end:
            break
        name = month.strftime("%b %Y" if month.month == 1 else "%b")
        parts.append(
            f'<line x1="{x(month)}" y1="{top - 8}" x2="{x(month)}" y2="{height - 4}" '
            'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{x(month)}" y="{top - 12}" text-anchor="middle" '
            f'fill="currentColor">{name}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top - 8}" x2="{left}" y2="{height - 4}" '
        'stroke="currentColor" stroke-width="1.5"/>'
        f'<text x="{left}" y="12" text-anchor="middle" fill="currentColor">today</text>'
    )
    for index, status in enumerate(shown):
        y = top + row * index + row // 2
        color = _COLORS[status.status]
        name = status.title if len(status.title) <= 34 else status.title[:33] + "\u2026"
        tip = f"{status.title}: due {status.due}, {_STATUS_TITLES[status.status]}"
        parts.append(
            f'<g data-src-uri="{html.escape(status.src_uri)}">'
            f"<title>{html.escape(tip)}</title>"
            f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" fill="currentColor">'
            f"{html.escape(name)}</text>"
            f'<line x1="{left}" y1="{y}" x2="{x(status.due)}" y2="{y}" stroke="{color}" '
            'stroke-width="2"/>'
            f'<circle cx="{x(status.due)}" cy="{y}" r="5" fill="{color}"/></g>'
        )
    parts.append("</svg>")
    if len(upcoming) > len(shown):
        parts.append(f"<p>and {len(upcoming) - len(shown)} more in the table below</p>")
    parts.append("</div>")
    return "\n".join(parts)


# --- the terminal -------------------------------------------------------------------------


def status_text(result: Reviews) -> str:
    """The status table for a terminal, sorted by due date, then the counts."""
    header = ("DUE", "STATUS", "DAYS", "TYPE", "OWNER", "DOCUMENT")
    rows = [
        (
            str(s.due),
            s.status.value,
            days_text(s.days_left),
            s.doc_type,
            s.owner or "-",
            s.path,
        )
        for s in result.statuses
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    out = []
    for cells, status in zip([header, *rows], [None, *result.statuses], strict=True):
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)) + "  " + cells[-1]
        out.append(line.rstrip())
        if status is None:
            continue
        indent = " " * (widths[0] + 2)
        for t in status.triggers:
            late = "was due" if t.late else "due"
            out.append(
                f"{indent}review required by {t.path} ({t.severity}, {t.date}); "
                f"review {late} by {t.review_by}"
            )
        for w in status.waivers:
            out.append(f"{indent}waived: {w.rule} until {w.expires} by {w.approver}: {w.reason}")
    for path in result.unassessed:
        out.append(f"not assessed (run evidence-kit check): {path}")
    counts = result.counts()
    # "never reviewed" only once a document is: most repositories never have one.
    shown = [s for s in STATUS_ORDER if s is not Status.NEVER_REVIEWED or counts[s.value]]
    summary = ", ".join(f"{counts[s.value]} {_STATUS_TITLES[s]}" for s in shown)
    out.append(f"{len(result.statuses)} documents as of {result.today}: {summary}")
    return "\n".join(out) + "\n"


def status_json(result: Reviews) -> str:
    return json.dumps(result.as_dict(), indent=2) + "\n"


STATUS_FORMATS = {"text": status_text, "json": status_json}


def period_facts(evidence: Evidence) -> dict[str, object]:
    """The audit period's facts: review verdicts, on-call coverage and gaps, restore tests."""
    first, last = evidence.settings.incidents.period(evidence.settings.today)
    return {
        "start": first.isoformat(),
        "end": last.isoformat(),
        "reviews": [
            {"path": s.path, **s.history.as_dict()}
            for s in sorted(evidence.statuses.statuses, key=lambda s: s.path)
            if s.history is not None
        ],
        "oncall": [c.as_dict() for c in period_coverage(evidence)],
        "restore_tests": restore_record(evidence).as_dict(),
    }


def status_json_with_period(evidence: Evidence) -> str:
    """`status --format json`: the review statuses and the audit period's facts."""
    return (
        json.dumps(
            {**evidence.statuses.as_dict(), "audit_period": period_facts(evidence)}, indent=2
        )
        + "\n"
    )


# --- assets -------------------------------------------------------------------------------


def assets() -> dict[str, str]:
    """The page script and stylesheet, shipped inside the package (nothing external)."""
    folder = resources.files("evidence_kit.pages") / "assets"
    return {
        SCRIPT: (folder / "review.js").read_text(encoding="utf-8"),
        STYLESHEET: (folder / "review.css").read_text(encoding="utf-8"),
    }
