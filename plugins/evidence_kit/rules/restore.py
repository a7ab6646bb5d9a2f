"""Restore tests: a `restore-test` record in every cadence window of the audit period, each
measured against the recovery targets (RTO, RPO) its procedure states.

A procedure states its targets in front matter (`recovery_targets: {rto_minutes,
rpo_minutes}`); that makes it a procedure that must be tested. The windows are calendar
windows of the `restore_tests: cadence` option (quarters by default); a window counts once
it has ended, so the current quarter is never missing yet.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..core.evidence import Evidence
from ..core.model import Document, Finding, Mark, Severity
from ..core.moments import as_date
from ..core.options.restore import TYPE, Window
from ..core.references import resolve_reference
from . import Rule, table

PROCEDURE = "procedure"
MISSING = "restore-test-missing"
TARGET = "restore-test-target"
UNKNOWN = "restore-test-procedure"

RULES: tuple[Rule, ...] = table(
    """
    restore-test-missing    restore  error  waivable
        A cadence window of the audit period without a restore-test record.
    restore-test-target     restore  warning
        A restore test slower than the RTO or losing more data than the RPO.
    restore-test-procedure  restore  error  waivable
        A restore-test record whose procedure does not exist or states no targets.
    """
)


@dataclass(frozen=True)
class Targets:
    """A procedure that states recovery targets."""

    src_uri: str
    path: str
    title: str
    rto_minutes: int
    rpo_minutes: int
    mark: Mark


@dataclass(frozen=True)
class RestoreTest:
    """One restore-test record, with the targets of its procedure (None when unknown)."""

    src_uri: str
    path: str
    title: str
    date: dt.date
    scope: str
    data_set: str
    restored_to: str
    recovery_minutes: int
    data_loss_minutes: int
    result: str
    follow_ups: tuple[Mapping[str, Any], ...]
    targets: Targets | None
    publishable: bool

    @property
    def within_rto(self) -> bool | None:
        return None if self.targets is None else self.recovery_minutes <= self.targets.rto_minutes

    @property
    def within_rpo(self) -> bool | None:
        return None if self.targets is None else self.data_loss_minutes <= self.targets.rpo_minutes

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "date": self.date.isoformat(),
            "scope": self.scope,
            "result": self.result,
            "recovery_minutes": self.recovery_minutes,
            "data_loss_minutes": self.data_loss_minutes,
            "rto_minutes": self.targets.rto_minutes if self.targets else None,
            "rpo_minutes": self.targets.rpo_minutes if self.targets else None,
            "within_rto": self.within_rto,
            "within_rpo": self.within_rpo,
            "procedure": self.targets.path if self.targets else None,
            "open_follow_ups": sum(f.get("status") != "done" for f in self.follow_ups),
        }


@dataclass(frozen=True)
class WindowResult:
    """One cadence window of the period and the tests recorded in it."""

    window: Window
    tests: tuple[RestoreTest, ...]
    ended: bool

    @property
    def missing(self) -> bool:
        return self.ended and not self.tests

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.window.label,
            "start": self.window.start.isoformat(),
            "end": self.window.end.isoformat(),
            "tests": [t.path for t in self.tests],
            "state": "missing" if self.missing else ("tested" if self.tests else "open"),
        }


@dataclass(frozen=True)
class RestoreRecord:
    """The restore tests of the audit period, per procedure that states targets."""

    period: tuple[dt.date, dt.date]
    cadence: str
    procedures: tuple[Targets, ...]
    tests: tuple[RestoreTest, ...]
    """Every valid record, oldest first."""
    windows: Mapping[str, tuple[WindowResult, ...]]
    """Procedure src_uri -> its windows of the period."""

    def in_period(self) -> list[RestoreTest]:
        first, last = self.period
        return [t for t in self.tests if first <= t.date <= last]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "cadence": self.cadence,
            "procedures": [
                {
                    "path": p.path,
                    "rto_minutes": p.rto_minutes,
                    "rpo_minutes": p.rpo_minutes,
                    "windows": [w.as_dict() for w in self.windows[p.src_uri]],
                }
                for p in self.procedures
            ],
            "tests": [t.as_dict() for t in self.in_period()],
        }


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def procedures(evidence: Evidence) -> dict[str, Targets]:
    """Every valid procedure that states recovery targets, by src_uri."""
    result = {}
    for uri, doc in sorted(evidence.tree.documents.items()):
        if doc.doc_type != PROCEDURE or uri in evidence.invalid:
            continue
        targets = doc.field("recovery_targets")
        if not isinstance(targets, Mapping):
            continue
        rto, rpo = _count(targets.get("rto_minutes")), _count(targets.get("rpo_minutes"))
        if rto is None or rpo is None:
            continue
        title = _text(doc.field("title")) or PurePosixPath(uri).stem
        mark = doc.meta.mark("$.recovery_targets", Mark(2))
        result[uri] = Targets(uri, doc.path, title, rto, rpo, mark)
    return result


def _procedure_of(doc: Document, known: Mapping[str, Targets]) -> tuple[Targets | None, bool]:
    """The procedure a record follows, and whether its `procedure:` named one that exists."""
    ref = doc.field("procedure")
    if ref is None:
        only = list(known.values())
        return (only[0] if len(only) == 1 else None), True
    by_stem: dict[str, list[str]] = {}
    for uri in known:
        by_stem.setdefault(PurePosixPath(uri).stem, []).append(uri)
    found = resolve_reference(str(ref), doc.src_uri, known, by_stem)
    return (known[found[0]], True) if len(found) == 1 else (None, False)


def record(evidence: Evidence) -> RestoreRecord:
    """The restore tests and cadence windows of the audit period (pure; cheap to repeat)."""
    settings = evidence.settings
    period = settings.incidents.period(settings.today)
    known = procedures(evidence)
    tests = []
    for uri, doc in sorted(evidence.tree.documents.items()):
        if doc.doc_type != TYPE or uri in evidence.invalid:
            continue
        day = as_date(doc.field("date"))
        recovery, loss = (
            _count(doc.field("recovery_minutes")),
            _count(doc.field("data_loss_minutes")),
        )
        if day is None or recovery is None or loss is None:
            continue
        meta = evidence.filled_meta(doc)
        targets, _ = _procedure_of(doc, known)
        follow = meta.get("follow_ups")
        tests.append(
            RestoreTest(
                src_uri=uri,
                path=doc.path,
                title=_text(meta.get("title")) or PurePosixPath(uri).stem,
                date=day,
                scope=_text(meta.get("scope")),
                data_set=_text(meta.get("data_set")),
                restored_to=_text(meta.get("restored_to")),
                recovery_minutes=recovery,
                data_loss_minutes=loss,
                result=_text(meta.get("result")),
                follow_ups=tuple(f for f in follow or () if isinstance(f, Mapping)),
                targets=targets,
                publishable=doc.publishable,
            )
        )
    tests.sort(key=lambda t: (t.date, t.src_uri))
    windows = {}
    for uri in known:
        mine = [t for t in tests if t.targets is not None and t.targets.src_uri == uri]
        windows[uri] = tuple(
            WindowResult(w, tuple(t for t in mine if w.holds(t.date)), w.end < settings.today)
            for w in settings.restore.windows(*period)
        )
    return RestoreRecord(
        period, settings.restore.cadence, tuple(known.values()), tuple(tests), windows
    )


# --- rules ------------------------------------------------------------------------------


def check(evidence: Evidence) -> list[Finding]:
    """A record in every ended window of the period; each record within its targets."""
    found = record(evidence)
    findings = []
    for procedure in found.procedures:
        for result in found.windows[procedure.src_uri]:
            if not result.missing:
                continue
            w = result.window
            message = (
                f"no restore test recorded in {w.label} ({w.start} to {w.end}), a "
                f"{found.cadence} window of the audit period; run the restore test and add a "
                f"{TYPE} record"
            )
            at = procedure.mark
            findings.append(
                Finding(
                    procedure.path, at.line, at.column, MISSING, message, field="$.recovery_targets"
                )
            )
    known = procedures(evidence)
    for uri, doc in sorted(evidence.tree.documents.items()):
        if doc.doc_type != TYPE or uri in evidence.invalid:
            continue
        _, named = _procedure_of(doc, known)
        if not named:
            at = doc.meta.mark("$.procedure", Mark(2))
            message = (
                f"{doc.field('procedure')!r} is not a procedure that states recovery_targets; "
                "name the restore procedure (a path below the docs dir, or beside this record)"
            )
            findings.append(
                Finding(doc.path, at.line, at.column, UNKNOWN, message, field="$.procedure")
            )
    for test in found.tests:
        findings += _targets(evidence, test)
    return findings


def _targets(evidence: Evidence, test: RestoreTest) -> list[Finding]:
    if test.targets is None:
        return []
    doc = evidence.tree.documents[test.src_uri]
    where = posixpath.basename(test.targets.src_uri)
    findings = []
    checks = (
        (
            "recovery_minutes",
            test.recovery_minutes,
            test.targets.rto_minutes,
            "recovery took",
            "RTO",
        ),
        (
            "data_loss_minutes",
            test.data_loss_minutes,
            test.targets.rpo_minutes,
            "data loss was",
            "RPO",
        ),
    )
    for key, measured, target, what, name in checks:
        if measured > target:
            at = doc.meta.mark(f"$.{key}", Mark(2))
            message = (
                f"{what} {measured} min, over the {name} of {target} min that {where} states; "
                "record a follow-up"
            )
            findings.append(
                Finding(doc.path, at.line, at.column, TARGET, message, Severity.WARNING, f"$.{key}")
            )
    return findings
