"""On-call rules: `oncall.yml` checked for coverage, overlaps and contacts.

Every time is an instant with its offset, so a handoff written across a daylight-saving
change or midnight compares correctly; gaps and overlaps are named in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core import yamlio
from ..core.evidence import Evidence
from ..core.history import Version
from ..core.model import DataFile, Finding, Severity
from ..core.moments import UTC, duration, moment, start_of, utc
from . import Rule, table

TYPE = "oncall"
ROLES = ("primary", "secondary")
"""Escalation contacts that mean whoever holds the role in the current shift."""

RULES: tuple[Rule, ...] = table(
    """
    oncall-gap              oncall  error  waivable
        An hour of the on-call horizon without a primary.
    oncall-overlap          oncall  error  waivable
        Two on-call shifts of one role at once.
    oncall-same-person      oncall  error  waivable
        One person both primary and secondary.
    oncall-shift-window     oncall  error  waivable
        An on-call shift that ends before it starts.
    oncall-unknown-contact  oncall  error  waivable
        An escalation contact that does not exist.
    oncall-ends-soon        oncall  warning
        The on-call schedule ends within the horizon.
    oncall-period-gap       oncall  warning
        An hour of the audit period without a primary, as the schedule stood then.
    """
)


@dataclass(frozen=True)
class Shift:
    index: int
    start: dt.datetime
    end: dt.datetime
    primary: str
    secondary: str

    def field(self, key: str) -> str:
        return f"$.shifts[{self.index}].{key}"

    def covers(self, when: dt.datetime) -> bool:
        return self.start <= when < self.end

    def span(self) -> str:
        return f"{utc(self.start)} to {utc(self.end)}"


def shifts(rotation: Mapping[str, Any]) -> list[Shift]:
    """The shifts with readable times, in file order."""
    result = []
    for index, raw in enumerate(rotation.get("shifts") or []):
        if not isinstance(raw, Mapping):
            continue
        start, end = moment(raw.get("start")), moment(raw.get("end"))
        if start is None or end is None:
            continue
        primary, secondary = str(raw.get("primary", "")), str(raw.get("secondary", ""))
        result.append(Shift(index, start, end, primary, secondary))
    return result


def _files(evidence: Evidence) -> Iterable[DataFile]:
    for src_uri, data in sorted(evidence.tree.data.items()):
        valid = data.doc_type == TYPE and src_uri not in evidence.invalid
        if valid and isinstance(data.data.value, Mapping):
            yield data


# --- rules ------------------------------------------------------------------------------


def check(evidence: Evidence) -> list[Finding]:
    """Coverage through the horizon, overlaps, one person in two roles, unknown contacts."""
    today = evidence.settings.today
    horizon = evidence.settings.incidents.horizon_days
    findings: list[Finding] = []
    for data in _files(evidence):
        rotation = data.data.value
        found = shifts(rotation)
        sound = [s for s in found if s.end > s.start]
        findings += shift_windows(data, found)
        findings += coverage(data, sound, today, horizon)
        findings += overlaps(data, sound)
        findings += same_person(data, found)
        findings += unknown_contacts(data, rotation)
    for found_coverage in period_coverage(evidence):
        findings += period_gaps(evidence, found_coverage)
    return findings


def _finding(
    data: DataFile, field: str, rule: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    at = data.data.mark(field)
    return Finding(data.path, at.line, at.column, rule, message, severity, field)


def shift_windows(data: DataFile, found: list[Shift]) -> list[Finding]:
    """A shift ends after it starts (one that does not covers nothing)."""
    return [
        _finding(
            data,
            s.field("end"),
            "oncall-shift-window",
            f"the shift ends at {utc(s.end)}, not after it starts at {utc(s.start)}; "
            "fix start or end",
        )
        for s in found
        if s.end <= s.start
    ]


def coverage(data: DataFile, sound: list[Shift], today: dt.date, horizon: int) -> list[Finding]:
    """A primary every hour from today through the horizon; a warning when the data ends.

    The time after the last shift is the `oncall-ends-soon` warning (the schedule needs
    extending), not a gap, unless the schedule has already ended and covers nothing.
    """
    window_start = start_of(today)
    window_end = window_start + dt.timedelta(days=horizon)
    last = max(sound, key=lambda s: (s.end, -s.index), default=None)
    if last is None or last.end <= window_start:
        ended = f"the schedule ended {utc(last.end)}" if last else "no shift is scheduled"
        message = (
            f"no primary on call from {utc(window_start)} to {utc(window_end)} "
            f"({duration((window_end - window_start).total_seconds())}): {ended}; add shifts"
        )
        field = last.field("end") if last else "$.shifts"
        return [_finding(data, field, "oncall-gap", message)]
    findings = []
    covered_until = min(window_end, last.end)
    cursor, before = window_start, None
    for shift in sorted(sound, key=lambda s: (s.start, s.end, s.index)):
        if cursor >= covered_until:
            break
        if shift.end <= cursor:
            before = shift if before is None or shift.end >= before.end else before
            continue
        if shift.start > cursor:
            gap_end = min(shift.start, covered_until)
            message = (
                f"no primary on call from {utc(cursor)} to {utc(gap_end)} "
                f"({duration((gap_end - cursor).total_seconds())}); add a shift"
            )
            field = before.field("end") if before else shift.field("start")
            findings.append(_finding(data, field, "oncall-gap", message))
        before, cursor = shift, shift.end
    if last.end < window_end:
        message = (
            f"the schedule ends {utc(last.end)}, within the {horizon}-day horizon "
            f"(through {utc(window_end)}); add shifts"
        )
        findings.append(
            _finding(data, last.field("end"), "oncall-ends-soon", message, Severity.WARNING)
        )
    return findings


def overlaps(data: DataFile, sound: list[Shift]) -> list[Finding]:
    """No two shifts at once: each shift names the primary and the secondary of its time."""
    findings = []
    latest: Shift | None = None
    for shift in sorted(sound, key=lambda s: (s.start, s.end, s.index)):
        if latest is not None and shift.start < latest.end:
            both = (min(shift.end, latest.end) - shift.start).total_seconds()
            message = (
                f"the shift from {shift.span()} overlaps $.shifts[{latest.index}] "
                f"({latest.span()}) by {duration(both)}: two primaries ({latest.primary} "
                f"and {shift.primary}) at once; make one end where the other starts"
            )
            findings.append(_finding(data, shift.field("start"), "oncall-overlap", message))
        if latest is None or shift.end > latest.end:
            latest = shift
    return findings


def _person(name: str) -> str:
    return " ".join(name.split()).casefold()


def same_person(data: DataFile, found: list[Shift]) -> list[Finding]:
    """Primary and secondary of a shift are two people, so a page always has a fallback."""
    findings = []
    for shift in found:
        if shift.primary.strip() and _person(shift.primary) == _person(shift.secondary):
            message = (
                f"{shift.primary} is both primary and secondary of the shift from "
                f"{shift.span()}; name another secondary"
            )
            findings.append(_finding(data, shift.field("secondary"), "oncall-same-person", message))
    return findings


def unknown_contacts(data: DataFile, rotation: Mapping[str, Any]) -> list[Finding]:
    """Every escalation step names a role of the shift or a key of `contacts`."""
    contacts = rotation.get("contacts")
    known = set(contacts) if isinstance(contacts, Mapping) else set()
    findings = []
    for index, step in enumerate(rotation.get("escalation") or []):
        who = step.get("contact") if isinstance(step, Mapping) else None
        if not isinstance(who, str) or who in ROLES or who in known:
            continue
        message = (
            f"escalation level {step.get('level', index + 1)} names {who!r}, which is not under "
            "contacts; add it there, or use primary or secondary"
        )
        findings.append(
            _finding(data, f"$.escalation[{index}].contact", "oncall-unknown-contact", message)
        )
    return findings


# --- coverage over the audit period -------------------------------------------------------


@dataclass(frozen=True)
class PeriodGap:
    """Time of the audit period without a primary, in the schedule as it stood then."""

    start: dt.datetime
    end: dt.datetime
    recorded: dt.datetime | None
    """When the schedule in force during the gap was committed (None: the file as it is)."""
    commit: str

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.astimezone(UTC).isoformat(),
            "to": self.end.astimezone(UTC).isoformat(),
            "hours": round(self.seconds / 3600, 2),
            "recorded": self.recorded.astimezone(UTC).isoformat() if self.recorded else None,
            "commit": self.commit or None,
        }


@dataclass(frozen=True)
class PeriodCoverage:
    """One on-call file over the audit period (up to today): the hours with a primary and
    the gaps, each in the schedule as it was recorded at that moment."""

    src_uri: str
    path: str
    start: dt.datetime
    end: dt.datetime
    gaps: tuple[PeriodGap, ...]
    unrecorded: dt.datetime | None = None
    """When the record begins, if after the period's start: the file's first commit or the
    first shift it ever listed, whichever is later. Time before it is not judged."""
    unknown: str = ""
    """Why git history is unavailable: the coverage is then the file as it is now."""
    versions: int = 0

    @property
    def judged_start(self) -> dt.datetime:
        return max(self.start, self.unrecorded) if self.unrecorded else self.start

    @property
    def total_hours(self) -> float:
        return max((self.end - self.judged_start).total_seconds(), 0) / 3600

    @property
    def gap_hours(self) -> float:
        return sum(g.seconds for g in self.gaps) / 3600

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "from": self.start.astimezone(UTC).isoformat(),
            "to": self.end.astimezone(UTC).isoformat(),
            "recorded_from": self.unrecorded.astimezone(UTC).isoformat()
            if self.unrecorded
            else None,
            "history": "unavailable: " + self.unknown if self.unknown else "git",
            "versions": self.versions,
            "hours": round(self.total_hours, 2),
            "hours_with_primary": round(self.total_hours - self.gap_hours, 2),
            "gaps": [g.as_dict() for g in self.gaps],
        }


def _recorded_gaps(
    versions: Sequence[Version], path: str, start: dt.datetime, end: dt.datetime
) -> tuple[dt.datetime, tuple[PeriodGap, ...]]:
    """When the record begins, and the hours without a primary as each recorded version of
    the schedule stood until the next was committed."""
    gaps: list[PeriodGap] = []
    recorded_shifts = [_version_shifts(v, path) or [] for v in versions]
    begins = min((s.start for found in recorded_shifts for s in found), default=end)
    judged = max(start, versions[0].committed, begins)
    for index, version in enumerate(versions):
        seg_start = max(judged, version.committed)
        following = versions[index + 1].committed if index + 1 < len(versions) else None
        seg_end = min(end, following) if following else end
        if seg_start >= seg_end:
            continue
        for a, b in uncovered(recorded_shifts[index], seg_start, seg_end):
            before = gaps[-1] if gaps else None
            if before is not None and before.end == a:
                gaps[-1] = PeriodGap(before.start, b, before.recorded, before.commit)
            else:
                gaps.append(PeriodGap(a, b, version.committed, version.commit))
    return judged, tuple(gaps)


def _version_shifts(version: Version, path: str) -> list[Shift] | None:
    """The sound shifts of a recorded version; None when it cannot be read."""
    if version.text is None:
        return []
    loaded = yamlio.load(version.text, path)
    value = loaded.parsed.value if loaded.parsed is not None else None
    if not isinstance(value, Mapping):
        return None
    return [s for s in shifts(value) if s.end > s.start]


def uncovered(
    sound: list[Shift], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The spans of `start`..`end` no shift covers."""
    spans = []
    cursor = start
    for shift in sorted(sound, key=lambda s: (s.start, s.end)):
        if shift.end <= cursor:
            continue
        if shift.start >= end:
            break
        if shift.start > cursor:
            spans.append((cursor, shift.start))
        cursor = max(cursor, shift.end)
        if cursor >= end:
            break
    if cursor < end:
        spans.append((cursor, end))
    return spans


def period_coverage(evidence: Evidence) -> list[PeriodCoverage]:
    """Coverage of every valid on-call file over the audit period up to today (pure over
    `Evidence.data_history`, which runs git once per run)."""
    settings = evidence.settings
    first, last = settings.incidents.period(settings.today)
    start = start_of(first)
    end = min(start_of(last + dt.timedelta(days=1)), start_of(settings.today))
    log = evidence.data_history
    result = []
    for data in _files(evidence):
        if end <= start:
            continue
        versions = log.versions.get(data.src_uri, ())
        if log.unknown or not versions:
            # No recorded history: judge the schedule as it is now, and say so.
            sound = [s for s in shifts(data.data.value) if s.end > s.start]
            judged = max(start, min((s.start for s in sound), default=end))
            gaps = tuple(PeriodGap(a, b, None, "") for a, b in uncovered(sound, judged, end))
            why = log.unknown or "not committed"
        else:
            judged, gaps = _recorded_gaps(versions, data.path, start, end)
            why = ""
        result.append(
            PeriodCoverage(
                data.src_uri,
                data.path,
                start,
                end,
                gaps,
                unrecorded=judged if judged > start else None,
                unknown=why,
                versions=len(versions) if not why else 0,
            )
        )
    return result


def gap_text(gap: PeriodGap, unknown: str = "") -> str:
    """`from .. to .. (6 h), as the schedule recorded 2026-03-15 14:00 UTC (commit abc) had it`."""
    said = f"from {utc(gap.start)} to {utc(gap.end)} ({duration(gap.seconds)})"
    if gap.recorded is not None:
        said += f", as the schedule recorded {utc(gap.recorded)} (commit {gap.commit}) had it"
    elif unknown:
        said += f", as the file has it now (history unavailable: {unknown})"
    return said


def period_gaps(evidence: Evidence, coverage: PeriodCoverage) -> list[Finding]:
    """A warning per gap of the audit period: it happened, so only the record can show it."""
    data = evidence.tree.data[coverage.src_uri]
    return [
        _finding(
            data,
            "$.shifts",
            "oncall-period-gap",
            f"no primary on call {gap_text(gap, coverage.unknown)} in the audit period; "
            "say in the incident report how the gap was covered",
            Severity.WARNING,
        )
        for gap in coverage.gaps
    ]
