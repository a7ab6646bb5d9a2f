"""A deterministic evidence corpus of N documents, shaped like the kit's, for the benchmarks.

Every document is valid against today's rules and the ones the kit is growing: review dates
are current on the pinned day, postmortems keep the runbook's response times and are written
within days of the incident, open action items are not past due, the on-call schedule covers
the coming weeks, and nothing looks personal or secret. `check` on a corpus finds 0 errors.

    python -m benchmarks.corpus OUT_DIR --size 2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
"""The project's root."""
TODAY = dt.date(2026, 11, 26)
"""The day every measured command runs on (EVIDENCE_TODAY); dates are generated around it."""
SEED = 7

DOCS_DIR = "evidence"
CONFIG = "mkdocs.yml"
"""With the evidence plugin and a small nav: the audit build."""
CONFIG_PLAIN = "mkdocs-plain.yml"
"""Plain Material, the same small nav, no plugin."""
CONFIG_FULL_NAV = "mkdocs-full-nav.yml"
"""Plain Material with every page in the nav."""

# Shares of the documents left after the fixed pages of each section.
MIX = (("postmortem", 55), ("runbook", 18), ("procedure", 9), ("page", 18))
# One section per topic once there are documents enough, at every size after that: the nav
# (sections only) is then the same at 500 and at 10,000 documents, so a per-page cost that
# grows with the size is the builder's, not a longer nav's.
DOCS_PER_SECTION_AT_LEAST = 20

TOPICS = (
    ("access-control", "Access control"),
    ("change-management", "Change management"),
    ("incident-response", "Incident response"),
    ("backups-recovery", "Backups and recovery"),
    ("vendor-management", "Vendor management"),
    ("logging-monitoring", "Logging and monitoring"),
    ("business-continuity", "Business continuity"),
    ("asset-management", "Asset management"),
    ("vulnerability-management", "Vulnerability management"),
    ("data-protection", "Data protection"),
)
TEAMS = (
    "Platform team",
    "Payments team",
    "Search team",
    "Mobile team",
    "Data team",
    "Identity team",
    "Security team",
    "Infrastructure team",
)
PEOPLE = ("Alex Rivera", "Sam Chen", "Jordan Patel", "Morgan Lee", "Casey Nguyen", "Riley Brooks")
CONTROLS = (
    "SOC2:CC7.3",
    "SOC2:CC7.4",
    "SOC2:CC7.5",
    "SOC2:A1.2",
    "SOC2:A1.3",
    "ISO27001:A.5.24",
    "ISO27001:A.5.25",
    "ISO27001:A.5.26",
    "ISO27001:A.5.27",
    "ISO27001:A.5.28",
    "ISO27001:A.8.13",
)
SUBJECTS = (
    "checkout API",
    "primary database",
    "message queue",
    "search cluster",
    "login service",
    "file storage",
    "billing worker",
    "notification service",
    "report generator",
    "load balancer",
    "cache layer",
    "scheduler",
)
FAILURES = (
    "degraded storage volume",
    "expired certificate",
    "exhausted connection pool",
    "faulty configuration change",
    "runaway batch job",
    "network partition between zones",
    "memory leak after a deploy",
    "full disk on a replica",
    "slow query after a schema change",
    "dependency timeout",
)
VERBS = (
    "checks",
    "records",
    "confirms",
    "reviews",
    "escalates",
    "restores",
    "documents",
    "measures",
)
OBJECTS = (
    "the backup schedule",
    "the access list of the production accounts",
    "the alert thresholds of the service",
    "the restore time against the target",
    "the list of open action items",
    "the change log of the last quarter",
    "the escalation path of the rotation",
    "the retention of the audit logs",
    "the encryption settings of the storage",
    "the dependency inventory",
)
WHEN = (
    "every quarter",
    "before each release",
    "after every SEV1 or SEV2 incident",
    "at the start of each on-call shift",
    "once a month",
    "when the team changes",
    "during the annual review",
)
PLACEHOLDERS = (
    "Company name",
    "Incidents channel",
    "War room tool",
    "Status page",
    "On-call rotation link",
    "Engineering lead",
    "Security lead",
    "Legal contact",
    "Privacy officer",
    "Cloud provider",
    "Primary region",
    "Standby region",
    "Backup vault",
)
# The template's named events and how long after the alert each may happen, in minutes,
# inside the runbook's promises (acknowledge 5, war room 15/60, notify 30/120).
EVENT_WINDOWS = {
    "SEV1": (
        ("on-call acknowledged", 1, 4),
        ("war room opened", 5, 13),
        ("customers notified", 10, 25),
    ),
    "SEV2": (
        ("on-call acknowledged", 1, 4),
        ("war room opened", 10, 50),
        ("customers notified", 20, 100),
    ),
    "SEV3": (("on-call acknowledged", 1, 4),),
}
_QUOTED_DATE = re.compile(r"'(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?)'")
OFFSETS = ((0, 0), (1, 0), (-5, 0), (5, 30), (-8, 0))


@dataclass
class Section:
    """One top-level evidence folder and what it holds."""

    slug: str
    title: str
    team: str
    runbooks: list[tuple[str, str]] = field(default_factory=list)
    """(stem, title) of each runbook."""
    procedures: list[tuple[str, str]] = field(default_factory=list)
    pages: list[tuple[str, str]] = field(default_factory=list)
    """(path below the section, title) of each ordinary page."""
    postmortems: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(file name, date, title, severity) of each postmortem."""
    reviewed: dict[str, dt.date] = field(default_factory=dict)
    """Runbook stem -> last review date."""


@dataclass(frozen=True)
class Corpus:
    """A generated project: where it is and what it holds."""

    root: Path
    documents: int
    sections: int
    bytes: int
    kinds: dict[str, int]

    @property
    def docs_dir(self) -> Path:
        return self.root / DOCS_DIR


def generate(root: Path, size: int, *, seed: int = SEED, today: dt.date = TODAY) -> Corpus:
    """Write a project of `size` documents (markdown and on-call files) into `root`."""
    if size < 5:
        raise ValueError("a corpus needs at least 5 documents (home, section, index, on-call)")
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(f"{seed}:{size}")
    writer = _Writer(root / DOCS_DIR)
    sections = _plan(rng, size)
    first_oncall = f"{sections[0].slug}/oncall.yml"
    for section in sections:
        _write_section(writer, rng, section, today)
    writer.write("index.md", _home(sections))
    _write_configs(root, sections, first_oncall)
    assert writer.count == size, (writer.count, size)
    return Corpus(root, writer.count, len(sections), writer.bytes, dict(writer.kinds))


class _Writer:
    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.count = 0
        self.bytes = 0
        self.kinds: dict[str, int] = {}

    def write(self, src_uri: str, text: str, kind: str = "page") -> None:
        path = self.docs / src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.count += 1
        self.bytes += len(data)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


def _plan(rng: random.Random, size: int) -> list[Section]:
    """Sections and the documents of each, adding up to `size` files in all."""
    count = max(1, min(len(TOPICS), (size - 1) // DOCS_PER_SECTION_AT_LEAST))
    sections = []
    for i in range(count):
        slug, title = TOPICS[i]
        sections.append(Section(f"{i + 1:02d}-{slug}", title, TEAMS[i % len(TEAMS)]))
    left = size - 1 - 3 * count
    kinds = _spread(left)
    # Every section gets a runbook first, so each postmortem has one to name.
    order = sorted(range(len(kinds)), key=lambda k: kinds[k] != "runbook")
    for n, index in enumerate(order):
        section = sections[n % count]
        kind = kinds[index]
        number = len(section.runbooks) + len(section.procedures) + len(section.pages) + 1
        if kind == "postmortem" and not section.runbooks:
            kind = "runbook"
        if kind == "runbook":
            subject = rng.choice(SUBJECTS)
            section.runbooks.append((f"{_slug(subject)}-runbook-{number}", f"{subject} runbook"))
        elif kind == "procedure":
            verb = rng.choice(("Restore test", "Access review", "Failover drill", "Key rotation"))
            section.procedures.append((f"{_slug(verb)}-{number}", verb))
        elif kind == "page":
            folder = rng.choice(("", "notes/", "guides/"))
            title = rng.choice(("Overview", "Architecture", "Glossary", "Contacts", "Scope"))
            section.pages.append((f"{folder}{_slug(title)}-{number}.md", title))
        else:
            section.postmortems.append(("", "", "", ""))  # filled when written
    return sections


def _spread(count: int) -> list[str]:
    """`count` document kinds in the shares of MIX, interleaved."""
    total = sum(share for _, share in MIX)
    have = {kind: 0 for kind, _ in MIX}
    kinds: list[str] = []
    for i in range(count):
        # The kind furthest behind its share, so every prefix of the list keeps the shares.
        kind = max(have, key=lambda k: (i + 1) * dict(MIX)[k] / total - have[k])
        have[kind] += 1
        kinds.append(kind)
    return kinds


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _write_section(writer: _Writer, rng: random.Random, section: Section, today: dt.date) -> None:
    base = section.slug
    for stem, title in section.runbooks:
        reviewed = _review_date(rng, today)
        section.reviewed[stem] = reviewed
        writer.write(f"{base}/{stem}.md", _runbook(rng, section, title, reviewed), "runbook")
    for stem, title in section.procedures:
        text = _procedure(rng, section, title, _review_date(rng, today))
        writer.write(f"{base}/{stem}.md", text, "procedure")
    for path, title in section.pages:
        writer.write(f"{base}/{path}", _page(rng, section, title, path.count("/")), "page")
    # Postmortems predate every review of the runbooks they name, so none asks for a review.
    oldest_review = min(section.reviewed.values(), default=today)
    for i in range(len(section.postmortems)):
        name, text, date, title, severity = _postmortem(rng, section, oldest_review, today)
        while any(p[0] == name for p in section.postmortems[:i]):
            name = name.replace(".md", "-b.md")
        section.postmortems[i] = (name, date, title, severity)
        writer.write(f"{base}/postmortems/{name}", text, "postmortem")
    writer.write(f"{base}/oncall.yml", _oncall(rng, section, today), "oncall")
    writer.write(f"{base}/postmortems/index.md", _postmortem_index(section), "section")
    writer.write(f"{base}/index.md", _section_index(rng, section), "section")


def _review_date(rng: random.Random, today: dt.date) -> dt.date:
    # Reviewed 45 to 300 days ago on a 12-month cadence: current, and not due soon.
    return today - dt.timedelta(days=rng.randint(45, 300))


def _sentence(rng: random.Random) -> str:
    team = rng.choice(TEAMS)
    return (
        f"The {team.lower()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(WHEN)}, "
        f"and keeps the result with the {rng.choice(SUBJECTS)} evidence."
    )


def _paragraph(rng: random.Random, sentences: int) -> str:
    return _wrap(" ".join(_sentence(rng) for _ in range(sentences)))


def _wrap(text: str, width: int = 98) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _front_matter(meta: dict[str, Any]) -> str:
    return f"---\n{_yaml(meta)}---\n\n"


def _yaml(value: dict[str, Any]) -> str:
    """YAML as people write it: dates and times unquoted, like the kit's files."""
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)
    return _QUOTED_DATE.sub(r"\1", text)


def _controls(rng: random.Random, low: int, high: int) -> list[str]:
    return sorted(rng.sample(CONTROLS, rng.randint(low, high)))


def _runbook(rng: random.Random, section: Section, title: str, reviewed: dt.date) -> str:
    subject = title.removesuffix(" runbook")
    meta = {
        "title": _cap(title),
        "type": "runbook",
        "owner": section.team,
        "last_reviewed": reviewed.isoformat(),
        "reviewed_by": "<<Engineering lead>>",
        "review_every": "12 months",
        "description": f"What to do when the {subject} of <<Company name>> fails.",
        "controls": _controls(rng, 2, 6),
    }
    steps = "\n".join(
        f"{i}. **{step}.** {_wrap(_sentence(rng))}"
        for i, step in enumerate(
            (
                "Acknowledge within 5 minutes",
                "Declare the incident in <<Incidents channel>>",
                "Open a war room on <<War room tool>>",
                "Triage the blast radius",
                "Stabilize first, find the cause later",
                "Notify customers on <<Status page>>",
                "Resolve and confirm",
                "Hold the postmortem within 5 business days",
            ),
            start=1,
        )
    )
    failures = "\n\n".join(
        f"### {_cap(failure)}\n\n{_paragraph(rng, 2)}\n\n"
        f"1. {_sentence(rng)}\n2. {_sentence(rng)}\n3. Fail over to <<Standby region>> "
        f"if the {subject} in <<Primary region>> does not recover."
        for failure in rng.sample(FAILURES, 3)
    )
    body = f"""# {_cap(title)}

This runbook says what the on-call engineers of <<Company name>> do when the {subject} fails.
{_paragraph(rng, 3)}

## Severity definitions

| Severity | What it means | Response |
| --- | --- | --- |
| **SEV1** | The {subject} is down for all customers, or data is lost | War room within 15 minutes |
| **SEV2** | The {subject} is degraded for many customers | War room within 1 hour |
| **SEV3** | Limited impact, or internal only | Ticket; next business day |

When in doubt, declare the higher severity.

## On-call rotation

- **Current schedule:** <<On-call rotation link>>.
- **Engineering lead:** <<Engineering lead>>, for decisions beyond the on-call engineers.
- **Security escalation:** <<Security lead>>, for every suspected security incident.

## Procedure

{steps}

## Special cases

{failures}

## Recovery checks

```sh
# Health of the {subject} after a failover; prints one line per zone.
status --service {_slug(subject)} --region primary --verbose
```

{_paragraph(rng, 4)}

## Postmortem template

Every SEV1 or SEV2 incident gets a postmortem in the [postmortems](postmortems/index.md) folder,
with a timeline, the root cause, what worked, what did not, and action items with owners.
"""
    return _front_matter(meta) + body


def _procedure(rng: random.Random, section: Section, title: str, reviewed: dt.date) -> str:
    meta = {
        "title": title,
        "type": "procedure",
        "owner": section.team,
        "last_reviewed": reviewed.isoformat(),
        "reviewed_by": "<<Engineering lead>>",
        "review_every": "12 months",
        "controls": _controls(rng, 1, 3),
    }
    rows = "\n".join(
        f"| {rng.choice(SUBJECTS)} | {rng.randint(5, 120)} minutes | {rng.choice(WHEN)} |"
        for _ in range(rng.randint(3, 8))
    )
    body = f"""# {title}

{_paragraph(rng, 3)}

## When to run it

- {_sentence(rng)}
- {_sentence(rng)}
- After any change to the backups in <<Backup vault>>.

## Targets

| System | Target | When |
| --- | --- | --- |
{rows}

## Steps

1. {_sentence(rng)}
2. {_sentence(rng)}
3. Restore into <<Standby region>> from <<Backup vault>> on <<Cloud provider>>.
4. {_sentence(rng)}

## Results

{_paragraph(rng, 4)}
"""
    return _front_matter(meta) + body


def _page(rng: random.Random, section: Section, title: str, depth: int) -> str:
    up = "../" * depth
    meta = {"title": f"{section.title}: {title.lower()}"}
    items = "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 7)))
    body = f"""# {section.title}: {title.lower()}

{_paragraph(rng, rng.randint(2, 5))}

## In scope

{items}

{_paragraph(rng, rng.randint(2, 6))}

See the [section overview]({up}index.md) for the evidence this folder keeps.
"""
    return _front_matter(meta) + body


def _postmortem(
    rng: random.Random, section: Section, before: dt.date, today: dt.date
) -> tuple[str, str, str, str, str]:
    """(file name, text, date, title, severity) of one postmortem held before `before`."""
    severity = rng.choices(("SEV1", "SEV2", "SEV3"), weights=(2, 5, 3))[0]
    status = rng.choices(("final", "in-review", "draft"), weights=(85, 10, 5))[0]
    first = dt.date(2021, 1, 4)
    last = before - dt.timedelta(days=14)
    day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
    hours, minutes = rng.choice(OFFSETS)
    zone = dt.timezone(dt.timedelta(hours=hours, minutes=minutes if hours >= 0 else -minutes))
    start = dt.datetime.combine(
        day, dt.time(rng.randint(0, 21), rng.randint(0, 59)), dt.timezone.utc
    )
    # Long enough for the latest promised event, a cause and a mitigation before the end.
    latest = max(high for _, _, high in EVENT_WINDOWS[severity])
    duration = rng.randint(max(40, latest + 10), 300)
    end = start + dt.timedelta(minutes=duration)
    held = _business_days_after(end.date(), rng.randint(1, 3))
    subject, failure = rng.choice(SUBJECTS), rng.choice(FAILURES)
    title = f"{_cap(subject)} outage from a {failure}"
    runbooks = rng.sample(section.runbooks, min(len(section.runbooks), rng.randint(1, 2)))
    meta: dict[str, Any] = {
        "title": title,
        "type": "postmortem",
        "severity": severity,
        "status": status,
        "date": held.isoformat(),
        "owner": section.team,
        "incident": {"start": _when(start, zone), "end": _when(end, zone)},
        "customer_impact": _wrap(
            f"For {duration} minutes, some customers could not use the {subject}. No data was lost."
        ),
        "sanitized": True,
        "runbooks": [stem for stem, _ in runbooks],
        "controls": _controls(rng, 1, 3),
        "timeline": _timeline(rng, severity, start, end, zone, failure),
        "action_items": _action_items(rng, section, held, today),
    }
    name = f"{held.isoformat()}-{_slug(subject)}-{_slug(failure)}.md"
    links = ", ".join(f"[{t.lower()}](../{stem}.md)" for stem, t in runbooks)
    body = f"""# {title}

## Summary

{_paragraph(rng, 3)}

## Root cause

A {failure} under the {subject}. {_paragraph(rng, 2)}

## What worked

- {_sentence(rng)}
- {_sentence(rng)}

## What didn't

- {_sentence(rng)}
- {_sentence(rng)}

## Lessons for the runbook

The team updated the {links} after this incident. {_paragraph(rng, 1)}
"""
    return name, _front_matter(meta) + body, held.isoformat(), title, severity


def _when(moment: dt.datetime, zone: dt.timezone) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _timeline(
    rng: random.Random,
    severity: str,
    start: dt.datetime,
    end: dt.datetime,
    zone: dt.timezone,
    failure: str,
) -> list[dict[str, str]]:
    events = [(start, "alert fired", "The error rate crossed its alert threshold.")]
    for event, low, high in EVENT_WINDOWS[severity]:
        events.append((start + dt.timedelta(minutes=rng.randint(low, high)), event, ""))
    last = max(moment for moment, _, _ in events)
    span = max(2, int((end - last).total_seconds() // 60) - 2)
    cause = last + dt.timedelta(minutes=rng.randint(1, span // 2))
    events.append((cause, "root cause identified", f"A {failure}."))
    events.append((cause + dt.timedelta(minutes=1), "mitigation applied", ""))
    events.append((end, "confirmed recovered", ""))
    events.sort(key=lambda e: e[0])
    timeline = []
    for moment, event, note in events:
        item = {"at": _when(moment, zone), "event": event}
        if note:
            item["note"] = note
        timeline.append(item)
    return timeline


def _action_items(
    rng: random.Random, section: Section, held: dt.date, today: dt.date
) -> list[dict[str, str]]:
    items = []
    for i in range(rng.randint(1, 4)):
        due = held + dt.timedelta(days=rng.randint(14, 120))
        # Work past its due date is done; a few items are still open, due after today.
        status = "done"
        if due >= today or rng.random() < 0.05:
            due = today + dt.timedelta(days=rng.randint(30, 200))
            status = rng.choice(("open", "in-progress"))
        item = f"{_cap(rng.choice(VERBS))} {rng.choice(OBJECTS)} ({i + 1})"
        items.append(
            {"item": item, "owner": section.team, "due": due.isoformat(), "status": status}
        )
    return items


def _business_days_after(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _oncall(rng: random.Random, section: Section, today: dt.date) -> str:
    monday = today - dt.timedelta(days=today.weekday() + 28)
    people = rng.sample(PEOPLE, 4)
    shifts = []
    for week in range(30):
        start = dt.datetime.combine(monday + dt.timedelta(weeks=week), dt.time(9), dt.timezone.utc)
        end = start + dt.timedelta(weeks=1)
        shifts.append(
            {
                "start": start.isoformat(timespec="seconds"),
                "end": end.isoformat(timespec="seconds"),
                "primary": people[week % 4],
                "secondary": people[(week + 1) % 4],
            }
        )
    data = {
        "rotation": {
            "name": f"{section.title} on-call",
            "url": f"https://oncall.example.com/schedules/{section.slug}",
            "timezone": "UTC",
            "handoff": "Mondays at 09:00 UTC",
        },
        "shifts": shifts,
        "escalation": [
            {"level": 1, "contact": "primary", "after_minutes": 0},
            {"level": 2, "contact": "secondary", "after_minutes": 5},
            {"level": 3, "contact": "engineering_lead", "after_minutes": 15},
            {
                "level": 4,
                "contact": "security_lead",
                "after_minutes": 0,
                "when": "any suspected security incident",
            },
        ],
        "contacts": {
            "engineering_lead": {"name": "Dana Whitfield", "role": "Engineering lead"},
            "security_lead": {"name": "Ravi Okafor", "role": "Security lead"},
        },
    }
    header = "# The on-call rotation of this section: rendered into its on-call page.\n"
    return header + _yaml(data)


def _postmortem_index(section: Section) -> str:
    meta = {
        "title": "Postmortems",
        "type": "section",
        "owner": section.team,
        "refresh": "One postmortem per SEV1 or SEV2 incident, within 5 business days of its end.",
    }
    rows = "\n".join(
        f"| {date} | [{title}]({name}) | {severity} |"
        for name, date, title, severity in sorted(section.postmortems, reverse=True)
    )
    body = f"""# Postmortems

Incidents of the {section.title.lower()} area, sanitized for external sharing.

| Date | Incident | Severity |
| --- | --- | --- |
{rows}
"""
    return _front_matter(meta) + body


def _section_index(rng: random.Random, section: Section) -> str:
    meta = {
        "title": section.title,
        "type": "section",
        "owner": section.team,
        "refresh": "Annually, and after any SEV1 or SEV2 incident that names a runbook.",
        "controls": _controls(rng, 1, 4),
    }
    rows = [f"| [{_cap(t)}]({stem}.md) | Runbook |" for stem, t in section.runbooks]
    rows += [f"| [{t}]({stem}.md) | Procedure |" for stem, t in section.procedures]
    rows += [f"| [{t}]({path}) | Page |" for path, t in section.pages]
    rows.append("| [Postmortems](postmortems/index.md) | Records |")
    body = f"""# {section.title}

This folder keeps the evidence of <<Company name>> for {section.title.lower()}.
{_paragraph(rng, 2)}

| Evidence | Kind |
| --- | --- |
{chr(10).join(rows)}
"""
    return _front_matter(meta) + body


def _home(sections: Sequence[Section]) -> str:
    meta = {"title": "Compliance evidence", "description": "How to read this evidence."}
    rows = "\n".join(f"| [{s.title}]({s.slug}/index.md) | {s.team} |" for s in sections)
    uses = "\n".join(f"- {name}: <<{name}>>" for name in PLACEHOLDERS)
    return (
        _front_matter(meta)
        + f"""# <<Company name>> compliance evidence

This site is the evidence <<Company name>> keeps for its SOC 2 and ISO/IEC 27001 audits.

## Sections

| Section | Owner |
| --- | --- |
{rows}

## Contacts and facts

{uses}
"""
    )


def _write_configs(root: Path, sections: Sequence[Section], oncall: str) -> None:
    small_nav: list[Any] = [{"Home": "index.md"}]
    small_nav += [{s.title: f"{s.slug}/index.md"} for s in sections]
    full_nav: list[Any] = [{"Home": "index.md"}]
    for s in sections:
        entries: list[Any] = [f"{s.slug}/index.md"]
        entries += [{_cap(t): f"{s.slug}/{stem}.md"} for stem, t in s.runbooks]
        entries += [{t: f"{s.slug}/{stem}.md"} for stem, t in s.procedures]
        entries += [{t: f"{s.slug}/{path}"} for path, t in s.pages]
        postmortems: list[Any] = [f"{s.slug}/postmortems/index.md"]
        postmortems += [{t: f"{s.slug}/postmortems/{n}"} for n, _, t, _ in s.postmortems]
        entries.append({"Postmortems": postmortems})
        full_nav.append({s.title: entries})
    plugin = {
        "types": {"**/postmortems/*.md": "postmortem", "**/oncall.yml": "oncall"},
        "placeholders": _placeholder_values(oncall),
        # As the kit's mkdocs.yml: the audit edition of published postmortems names what
        # they must not say (else publish-unprotected warns).
        "publish": {"internal_hosts": ["*.internal"], "deny_terms": ["Initech"]},
    }
    configs = {
        CONFIG: _config(small_nav, ["search", {"evidence": plugin}]),
        CONFIG_PLAIN: _config(small_nav, ["search"]),
        CONFIG_FULL_NAV: _config(full_nav, ["search"]),
    }
    for name, config in configs.items():
        text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
        (root / name).write_text(text, encoding="utf-8")


def _placeholder_values(oncall: str) -> dict[str, Any]:
    return {
        "Company name": "Example Co",
        "Incidents channel": "#incidents",
        "War room tool": "the standing incident video bridge",
        "Status page": {"value": "https://status.example.com", "url": True},
        "On-call rotation link": {"data": oncall, "key": "rotation.url", "url": True},
        "Engineering lead": {"data": oncall, "key": "contacts.engineering_lead.name"},
        "Security lead": {"data": oncall, "key": "contacts.security_lead.name"},
        "Legal contact": "General Counsel",
        "Privacy officer": "Data Protection Officer",
        "Cloud provider": "the primary cloud provider",
        "Primary region": "eu-west-1",
        "Standby region": "eu-central-1",
        "Backup vault": "the cross-region backup vault",
    }


def _config(nav: list[Any], plugins: list[Any]) -> dict[str, Any]:
    """A project config like the kit's."""
    return {
        "site_name": "Example Co compliance evidence",
        "docs_dir": DOCS_DIR,
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "font": False,
            "features": ["navigation.indexes", "navigation.sections", "content.code.copy"],
        },
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "tables",
            {"toc": {"permalink": True}},
            "pymdownx.superfences",
        ],
        "nav": nav,
        "plugins": plugins,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Write one corpus from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to write the project into")
    parser.add_argument("--size", type=int, default=1000, help="number of documents")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpus = generate(args.out, args.size, seed=args.seed)
    print(f"{corpus.documents} documents, {corpus.bytes / 1e6:.1f} MB in {corpus.root}")


if __name__ == "__main__":
    main()
