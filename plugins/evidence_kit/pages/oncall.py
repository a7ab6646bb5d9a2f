"""The on-call page: the current and the next shift, names and roles only, never contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..core import markup
from ..core.evidence import Evidence
from ..core.loader import Tree
from ..core.moments import duration, start_of, utc
from ..rules.oncall import ROLES, TYPE, PeriodCoverage, Shift, period_coverage, shifts


def pages(evidence: Evidence) -> dict[str, str]:
    """The on-call page of every valid on-call data file, with its audit-period coverage."""
    result = oncall_pages(evidence.tree, evidence.invalid, evidence.settings.today)
    for found in period_coverage(evidence):
        page = found.src_uri.rsplit(".", 1)[0] + ".md"
        if page in result:
            result[page] += "\n" + "\n".join(coverage_section(found)) + "\n"
    return result


def coverage_section(found: PeriodCoverage, level: str = "##") -> list[str]:
    """The audit period's hours with a primary and each gap, with when it was recorded."""
    total, gaps = found.total_hours, found.gap_hours
    lines = [
        f"{level} Coverage over the audit period",
        "",
        f"From {utc(found.start)} to {utc(found.end)} (the audit period up to today), the "
        "schedule as it was recorded at each moment: "
        f"{total - gaps:,.0f} of {total:,.0f} hours had a primary on call, "
        f"{len(found.gaps)} gap{'s' * (len(found.gaps) != 1)}.",
    ]
    if found.unknown:
        lines += [
            "",
            f"History unavailable ({markup.text(found.unknown)}): this is the schedule as the "
            "file has it now, not as it stood at each moment.",
        ]
    elif found.versions:
        lines += ["", f"{found.versions} recorded version{'s' * (found.versions != 1)} in git."]
    if found.unrecorded is not None:
        lines += ["", f"Judged from {utc(found.unrecorded)}, when the record begins."]
    if found.gaps:
        rows = [
            [
                utc(g.start),
                utc(g.end),
                duration(g.seconds),
                utc(g.recorded) if g.recorded else "not known",
                markup.text(g.commit) if g.commit else "",
            ]
            for g in found.gaps
        ]
        lines += ["", *markup.table(["From", "To", "Length", "Recorded", "Commit"], rows)]
    return lines


def oncall_pages(tree: Tree, invalid: Iterable[str], today: dt.date) -> dict[str, str]:
    """A markdown page beside every valid on-call file (`oncall.yml` -> `oncall.md`)."""
    skip = set(invalid)
    result = {}
    for src_uri, data in tree.data.items():
        if data.doc_type != TYPE or src_uri in skip or not isinstance(data.data.value, Mapping):
            continue
        page = src_uri.rsplit(".", 1)[0] + ".md"
        if page not in tree.documents:
            result[page] = render(data.data.value, today)
    return result


def current_and_next(found: list[Shift], now: dt.datetime) -> tuple[Shift | None, Shift | None]:
    """The shift on call at `now` and the one after it."""
    ordered = sorted((s for s in found if s.end > s.start), key=lambda s: (s.start, s.index))
    current = next((s for s in ordered if s.covers(now)), None)
    after = current.end if current else now
    upcoming = next((s for s in ordered if s.start >= after and s is not current), None)
    return current, upcoming


def _contact_name(who: str, contacts: Mapping[str, Any]) -> str:
    if who in ROLES:
        return f"{who.capitalize()} on-call of the current shift"
    contact = contacts.get(who)
    if isinstance(contact, Mapping):
        # Names and roles only: email, phone and handle stay in the data file.
        return f"{contact.get('name', who)} ({contact.get('role', '')})"
    return who.replace("_", " ")


def render(rotation: Mapping[str, Any], today: dt.date) -> str:
    """The on-call page: rotation link, current and next shifts, escalation path."""
    info = rotation.get("rotation") or {}
    name = str(info.get("name") or "On-call rotation")
    url = str(info.get("url", ""))
    contacts = rotation.get("contacts")
    contacts = contacts if isinstance(contacts, Mapping) else {}
    now = start_of(today)
    found = shifts(rotation)
    current, upcoming = current_and_next(found, now)
    lines = [*markup.title_meta(name), f"# {markup.text(name)}", ""]
    lines += [
        f'Current schedule: <a href="{markup.attribute(url)}">{markup.text(url)}</a>',
        "",
        "## Shifts",
        "",
        f"On call at the start of the day this site was built ({utc(now)}):",
        "",
    ]
    rows = []
    for label, shift in (("Current", current), ("Next", upcoming)):
        if shift is None:
            rows.append([label, "none scheduled", "", "", ""])
        else:
            rows.append(
                [
                    label,
                    utc(shift.start),
                    utc(shift.end),
                    markup.text(shift.primary),
                    markup.text(shift.secondary),
                ]
            )
    lines += markup.table(["Shift", "Start", "End", "Primary", "Secondary"], rows)
    if found:
        last = max(s.end for s in found)
        lines += ["", f"The schedule has {len(found)} shifts and runs until {utc(last)}."]
    lines += ["", "## Escalation path", ""]
    steps = []
    for step in rotation.get("escalation") or []:
        if not isinstance(step, Mapping):
            continue
        who = _contact_name(str(step.get("contact", "")), contacts)
        when = step.get("when")
        steps.append(
            [
                markup.text(step.get("level", "")),
                markup.text(who),
                f"{markup.text(step.get('after_minutes', ''))} min",
                markup.text(when) if when else "every incident",
            ]
        )
    lines += markup.table(["Level", "Who", "After", "When"], steps)
    lines.append("")
    return "\n".join(lines)
