"""`review-calendar.ics`: upcoming review due dates and restore-test windows, parsed back
with icalendar; deterministic; redacted and scanned like every page of the audit edition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from conftest import build, make_project, run_cli
from evidence_kit.core.options.publish import parse_publish
from evidence_kit.pages.calendar import uid
from evidence_kit.publish import detectors, gate

OPTIONS = {
    "types": {"restore-tests/*.md": "restore-test"},
    "restore_tests": {"cadence": "quarterly"},
    "incidents": {"audit_period": {"start": "2026-10-01", "end": "2026-12-31"}},
}
EMAIL = "alice.lead@corp-mail.net"


def doc(doc_type: str, reviewed: str, title: str, extra: str = "") -> str:
    return (
        f'---\ntitle: "{title}"\ntype: {doc_type}\nowner: Platform team\n'
        f"last_reviewed: {reviewed}\n{extra}---\n\n# Steps\n"
    )


TARGETS = "recovery_targets: {rto_minutes: 240, rpo_minutes: 15}\n"
RESTORE_TEST = (
    "---\ntitle: Restore test 2026-10-14\ndate: 2026-10-14\nscope: full database\n"
    "data_set: orders database\nrestored_to: isolated instance\nrecovery_minutes: 95\n"
    "data_loss_minutes: 5\nresult: pass\n---\n\n# Restore\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """On 2026-11-26: a runbook due in March, one due in two years' time (not in the feed),
    an internal runbook, a runbook whose title names a person's email, a procedure with
    targets tested in Q4."""
    return make_project(
        tmp_path,
        {
            "index.md": "# Home\n",
            "runbook.md": doc("runbook", "2026-03-10", "Incident runbook"),
            "later.md": doc("runbook", "2026-11-20", "Later runbook", "review_every: 2 years\n"),
            "secret.md": doc("runbook", "2026-02-01", "Bridge PINs", "visibility: internal\n"),
            "contact.md": doc("runbook", "2026-04-01", f"Escalate to {EMAIL}"),
            "restore.md": doc("procedure", "2026-06-15", "Database restore", TARGETS),
            "restore-tests/2026-10-14.md": RESTORE_TEST,
        },
        OPTIONS,
    )


def events(site: Path) -> list[icalendar.Event]:
    feed = icalendar.Calendar.from_ical((site / "review-calendar.ics").read_bytes())
    assert str(feed["version"]) == "2.0"
    return list(feed.walk("VEVENT"))


def summary(event: icalendar.Event) -> tuple[str, dt.date, dt.date]:
    return (str(event["summary"]), event.decoded("dtstart"), event.decoded("dtend"))


def test_the_feed_lists_upcoming_reviews_and_restore_windows(project: Path) -> None:
    result = build(project, env={"SOURCE_DATE_EPOCH": "1798761600"})  # 2027-01-01
    assert result.returncode == 0, result.log
    found = events(result.site)
    assert [summary(e) for e in found] == [
        (
            "Restore test window 2026 Q4: Database restore",
            dt.date(2026, 10, 1),
            dt.date(2027, 1, 1),
        ),
        ("Restore test window 2027 Q1: Database restore", dt.date(2027, 1, 1), dt.date(2027, 4, 1)),
        ("Review due: Incident runbook", dt.date(2027, 3, 10), dt.date(2027, 3, 11)),
        ("Restore test window 2027 Q2: Database restore", dt.date(2027, 4, 1), dt.date(2027, 7, 1)),
        ("Review due: Escalate to ⟦redacted-email⟧", dt.date(2027, 4, 1), dt.date(2027, 4, 2)),
        ("Review due: Database restore", dt.date(2027, 6, 15), dt.date(2027, 6, 16)),
        (
            "Restore test window 2027 Q3: Database restore",
            dt.date(2027, 7, 1),
            dt.date(2027, 10, 1),
        ),
        (
            "Restore test window 2027 Q4: Database restore",
            dt.date(2027, 10, 1),
            dt.date(2028, 1, 1),
        ),
    ]
    first = found[0]
    assert str(first["uid"]) == uid("restore-test", "restore.md", dt.date(2026, 10, 1))
    assert "As of 2026-11-26: tested on 2026-10-14." in str(first["description"])
    assert "RTO 240 min, RPO 15 min" in str(first["description"])
    assert {e.decoded("dtstamp") for e in found} == {
        dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)
    }
    assert str(found[2]["uid"]) == uid("review", "runbook.md", dt.date(2027, 3, 10))
    raw = (result.site / "review-calendar.ics").read_bytes().decode("utf-8")
    assert "Bridge PINs" not in raw
    assert "secret.md" not in raw
    # Not found even with the folding undone: the title was redacted before folding.
    assert EMAIL not in raw.replace("\r\n ", "")
    status = result.page("review-status/index.html")
    assert '<a href="../review-calendar.ics">review-calendar.ics</a>' in status
    scan = run_cli("scan", str(result.site), "--config", str(project))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")


def test_two_builds_give_the_same_bytes(project: Path, tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1798761600"}
    first = build(project, env=env).page("review-calendar.ics")
    second = build(project, env=env).page("review-calendar.ics")
    assert first == second


def test_the_internal_edition_shows_every_title(project: Path) -> None:
    result = build(project, env={"EVIDENCE_AUDIENCE": "internal"})
    titles = [str(e["summary"]) for e in events(result.site)]
    assert "Review due: Bridge PINs" in titles
    assert f"Review due: Escalate to {EMAIL}" in titles


def test_the_gate_reads_a_calendar_unfolded() -> None:
    folded = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDESCRIPTION:Call alice.lead@cor\r\n p-mail.net at"
        b" once\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    publish = parse_publish({}, [], detectors.RULE_IDS, env={})
    hits = gate.scan_file("a.ics", folded, detectors.Detectors.of(publish))
    assert [(h.rule, h.line) for h in hits] == [("email", 3)]
