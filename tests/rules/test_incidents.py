"""Postmortems against the runbook's promises: each rule at its edges, and the pages they feed."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import build, edit, make_project, run_cli, table_rows

PM = "postmortems/2026-11-16-checkout-errors.md"
TYPES = {"**/postmortems/*.md": "postmortem"}
# The runbook the postmortems name, reviewed after every incident of these tests.
RUNBOOK = "---\ntype: runbook\ntitle: Runbook\nowner: Platform\nlast_reviewed: 2026-11-26\n---\n"

Timeline = Sequence[tuple[str, str]]

SEV1_TIMELINE: Timeline = (
    ("2026-11-16T09:00:00+00:00", "alert fired"),
    ("2026-11-16T09:03:00+00:00", "on-call acknowledged"),
    ("2026-11-16T09:10:00+00:00", "war room opened"),
    ("2026-11-16T09:20:00+00:00", "customers notified"),
    ("2026-11-16T11:00:00+00:00", "confirmed recovered"),
)
BODY = "# Checkout errors\n\n## Summary\n\nCheckout failed.\n\n## Root cause\n\nA bad deploy.\n"
OPEN_ITEM = ("Alert on queue depth", "Platform team", "2026-12-15", "open")


def postmortem(
    *,
    title: str = "Checkout errors",
    severity: str = "SEV1",
    status: str = "final",
    date: str = "2026-11-20",
    start: str = "2026-11-16T09:00:00+00:00",
    end: str = "2026-11-16T11:00:00+00:00",
    sanitized: str = "true",
    timeline: Timeline = SEV1_TIMELINE,
    items: Sequence[tuple[str, str, str, str]] = (OPEN_ITEM,),
    notes: Mapping[int, str] | None = None,
    body: str = BODY,
) -> str:
    """A postmortem file; empty strings are left blank, as a draft may."""
    lines = [
        "---",
        f"title: {title}",
        "type: postmortem",
        f"severity: {severity}",
        f"status: {status}",
        f"date: {date}".rstrip(),
        "owner: Platform team",
        "incident:",
        f"  start: {start}",
        f"  end: {end}".rstrip(),
        "customer_impact: Checkout failed for a third of customers.",
        f"sanitized: {sanitized}",
        "runbooks:",
        "  - incident-runbook",
        "timeline:",
    ]
    for index, (at, event) in enumerate(timeline):
        lines += [f"  - at: {at}".rstrip(), f"    event: {event}"]
        if notes and index in notes:
            lines.append(f"    note: {notes[index]}")
    if items:
        lines.append("action_items:")
        for item, owner, due, state in items:
            lines += [
                f"  - item: {item}",
                f"    owner: {owner}",
                f"    due: {due}",
                f"    status: {state}",
            ]
    return "\n".join([*lines, "---", "", body])


def yaml_config(config: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(config.read_text(encoding="utf-8"))
    return loaded


def at_line(text: str, occurrence: int) -> int:
    """The line of the `occurrence`-th (0-based) timeline entry's `at` key."""
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith("  - at:")]
    return lines[occurrence]


def line_of(text: str, prefix: str) -> int:
    return next(i + 1 for i, line in enumerate(text.split("\n")) if line.startswith(prefix))


def project(
    tmp_path: Path,
    text: str,
    incidents: Mapping[str, Any] | None = None,
    more: Mapping[str, str] | None = None,
    holidays: str | None = None,
    **config: Any,
) -> Path:
    # Incident-triggered reviews are tested in test_review.py, and publish-unprotected in
    # tests/publish: both stay quiet here.
    options: dict[str, Any] = {
        "types": TYPES,
        "review": {"trigger_severities": []},
        "publish": {"deny_terms": ["Globex"]},
    }
    if holidays:
        options["holidays"] = holidays
    if incidents is not None:
        options["incidents"] = dict(incidents)
    return make_project(
        tmp_path,
        {"index.md": "# Home\n", "incident-runbook.md": RUNBOOK, PM: text, **(more or {})},
        options,
        **config,
    )


def check(config: Path, *extra: str) -> tuple[int, list[str]]:
    run = run_cli("check", "--config", str(config), *extra)
    return run.exit_code, run.output.splitlines()


def with_event(timeline: Timeline, event: str, at: str) -> list[tuple[str, str]]:
    return [(at if e == event else when, e) for when, e in timeline]


# --- response times ---------------------------------------------------------------------


def test_sev1_notified_45_minutes_after_the_alert_breaches_and_the_report_shows_it(
    tmp_path: Path,
) -> None:
    text = postmortem(
        timeline=with_event(SEV1_TIMELINE, "customers notified", "2026-11-16T09:45:00+00:00")
    )
    config = project(tmp_path, text)
    expected = (
        f"docs/{PM}:{at_line(text, 3)}:5: sla-notify: $.timeline[3].at: customers notified "
        "45 min after the alert; the SEV1 promise is 30 min"
    )
    assert check(config) == (0, [expected, "0 errors, 1 warning"])
    result = build(config)
    assert result.returncode == 0, result.log
    assert f"INFO    -  evidence: {expected}" in result.log
    report = table_rows(result.page("postmortems/incident-report/index.html"))
    assert [
        "Checkout errors",
        "SEV1",
        "2026-11-16 09:00 UTC",
        "3 min: met (promise 5 min)",
        "10 min: met (promise 15 min)",
        "45 min: breached (promise 30 min)",
        "4 business days: met",
    ] in report
    assert ["Customers notified", "SEV1", "30 min", "0", "1", "0", "45 min", "45 min"] in report
    index = table_rows(result.page("postmortems/index.html"))
    assert index[1][5] == (
        "acknowledged met, war room opened met, customers notified breached, postmortem met"
    )


def test_a_breach_fails_the_check_when_config_makes_it_an_error(tmp_path: Path) -> None:
    text = postmortem(
        timeline=with_event(SEV1_TIMELINE, "customers notified", "2026-11-16T09:45:00+00:00")
    )
    config = project(tmp_path, text, {"breach": "error"})
    code, lines = check(config)
    assert code == 1
    assert lines[-1] == "1 error, 0 warnings"
    assert build(config).returncode == 1


@pytest.mark.parametrize(
    ("acknowledged", "expected"),
    [
        ("2026-11-16T09:05:00+00:00", None),
        ("2026-11-16T09:05:01+00:00", "on-call acknowledged 5 min 1 s after the alert"),
    ],
)
def test_acknowledged_exactly_at_the_promise_is_met(
    tmp_path: Path, acknowledged: str, expected: str | None
) -> None:
    text = postmortem(timeline=with_event(SEV1_TIMELINE, "on-call acknowledged", acknowledged))
    findings = (
        []
        if expected is None
        else [
            f"docs/{PM}:{at_line(text, 1)}:5: sla-acknowledge: $.timeline[1].at: {expected}; "
            "the SEV1 promise is 5 min"
        ]
    )
    assert check(project(tmp_path, text)) == (
        0,
        [*findings, f"0 errors, {len(findings)} warning{'s' * (len(findings) != 1)}"],
    )


@pytest.mark.parametrize(
    ("opened", "expected"),
    [("2026-11-16T10:00:00+00:00", None), ("2026-11-16T10:01:00+00:00", "1 h 1 min")],
)
def test_sev2_war_room_within_the_hour(tmp_path: Path, opened: str, expected: str | None) -> None:
    timeline = with_event(SEV1_TIMELINE, "war room opened", opened)
    timeline = with_event(timeline, "customers notified", "2026-11-16T10:30:00+00:00")
    text = postmortem(severity="SEV2", timeline=timeline)
    lines = check(project(tmp_path, text))[1]
    if expected is None:
        assert lines == ["0 errors, 0 warnings"]
    else:
        assert lines == [
            f"docs/{PM}:{at_line(text, 2)}:5: sla-war-room: $.timeline[2].at: war room opened "
            f"{expected} after the alert; the SEV2 promise is 1 h",
            "0 errors, 1 warning",
        ]


@pytest.mark.parametrize(
    ("alert", "acknowledged", "taken"),
    [
        # Across midnight in New York: 23:58 to 00:03 the next day is 5 minutes.
        ("2026-11-15T23:58:00-05:00", "2026-11-16T00:03:00-05:00", None),
        # The same night, the acknowledgement written in UTC: 6 minutes.
        ("2026-11-15T23:58:00-05:00", "2026-11-16T05:04:00+00:00", "6 min"),
        # Europe springs forward at 01:00 UTC on 29 March: 00:58 UTC to 03:02 CEST is 4 min.
        ("2026-03-29T00:58:00+00:00", "2026-03-29T03:02:00+02:00", None),
        ("2026-03-29T00:58:00+00:00", "2026-03-29T03:04:00+02:00", "6 min"),
    ],
)
def test_response_times_are_instants_across_midnight_and_daylight_saving(
    tmp_path: Path, alert: str, acknowledged: str, taken: str | None
) -> None:
    timeline = [(alert, "alert fired"), (acknowledged, "on-call acknowledged")]
    text = postmortem(
        severity="SEV3",
        start=alert,
        end="2026-11-16T11:00:00+00:00" if alert.startswith("2026-11") else "2026-03-29T06:00Z",
        date="2026-11-20" if alert.startswith("2026-11") else "2026-04-03",
        timeline=timeline,
        items=(("Fix it", "Platform team", "2026-12-15", "open"),),
    )
    # A SEV3 promises no minutes by default; one number promises it for every level.
    lines = check(project(tmp_path, text, {"acknowledge_minutes": 5}))[1]
    if taken is None:
        assert lines == ["0 errors, 0 warnings"]
    else:
        assert lines == [
            f"docs/{PM}:{at_line(text, 1)}:5: sla-acknowledge: $.timeline[1].at: on-call "
            f"acknowledged {taken} after the alert; the SEV3 promise is 5 min",
            "0 errors, 1 warning",
        ]


def test_promises_come_from_config(tmp_path: Path) -> None:
    text = postmortem(
        timeline=with_event(SEV1_TIMELINE, "customers notified", "2026-11-16T09:45:00+00:00")
    )
    config = project(tmp_path, text, {"notify_minutes": {"SEV1": 45}, "acknowledge_minutes": 2})
    assert check(config)[1] == [
        f"docs/{PM}:{at_line(text, 1)}:5: sla-acknowledge: $.timeline[1].at: on-call "
        "acknowledged 3 min after the alert; the SEV1 promise is 2 min",
        "0 errors, 1 warning",
    ]


def test_a_final_postmortem_must_record_a_promised_event(tmp_path: Path) -> None:
    timeline = [t for t in SEV1_TIMELINE if t[1] != "customers notified"]
    final = postmortem(timeline=timeline)
    assert check(project(tmp_path / "final", final))[1] == [
        f"docs/{PM}:{line_of(final, 'timeline:')}:1: sla-notify: $.timeline: no 'customers "
        "notified' entry in the timeline; the SEV1 promise is 30 min after the alert; "
        "add when it happened",
        "0 errors, 1 warning",
    ]
    draft = postmortem(status="draft", timeline=timeline)
    assert check(project(tmp_path / "draft", draft))[1] == ["0 errors, 0 warnings"]


def test_without_an_alert_times_count_from_the_incident_start(tmp_path: Path) -> None:
    timeline = [t for t in SEV1_TIMELINE if t[1] != "alert fired"]
    timeline = with_event(timeline, "on-call acknowledged", "2026-11-16T09:07:00+00:00")
    text = postmortem(timeline=timeline)
    assert check(project(tmp_path, text))[1] == [
        f"docs/{PM}:{at_line(text, 0)}:5: sla-acknowledge: $.timeline[0].at: on-call "
        "acknowledged 7 min after the incident start; the SEV1 promise is 5 min",
        "0 errors, 1 warning",
    ]


# --- the postmortem deadline ------------------------------------------------------------


def _on(day: str, end_time: str = "11:00:00+00:00") -> dict[str, Any]:
    """An incident on `day` from 09:00 UTC, its timeline inside it."""
    timeline = [(f"{day}T{when[11:]}", event) for when, event in SEV1_TIMELINE]
    return {
        "start": f"{day}T09:00:00+00:00",
        "end": f"{day}T{end_time}",
        "timeline": timeline,
        "items": (("Fix it", "Platform team", "2026-12-15", "done"),),
    }


def test_postmortem_9_business_days_after_is_late_and_the_friday_after_is_not(
    tmp_path: Path,
) -> None:
    late = postmortem(date="2026-11-13", **_on("2026-11-02"))
    assert check(project(tmp_path / "late", late))[1] == [
        f"docs/{PM}:{line_of(late, 'date:')}:1: postmortem-deadline: $.date: postmortem held "
        "9 business days after the incident ended on 2026-11-02; the promise is 5 business "
        "days (by 2026-11-09)",
        "0 errors, 1 warning",
    ]
    friday = postmortem(date="2026-11-06", **_on("2026-11-02"))
    assert check(project(tmp_path / "friday", friday))[1] == ["0 errors, 0 warnings"]


@pytest.mark.parametrize(
    ("held", "late_by"),
    [
        ("2026-11-23", None),  # Monday to Monday: exactly 5 business days
        ("2026-11-24", 6),
    ],
)
def test_postmortem_deadline_at_five_business_days(
    tmp_path: Path, held: str, late_by: int | None
) -> None:
    text = postmortem(date=held, **_on("2026-11-16"))
    lines = check(project(tmp_path, text))[1]
    if late_by is None:
        assert lines == ["0 errors, 0 warnings"]
    else:
        assert lines == [
            f"docs/{PM}:{line_of(text, 'date:')}:1: postmortem-deadline: $.date: postmortem "
            f"held {late_by} business days after the incident ended on 2026-11-16; the promise "
            "is 5 business days (by 2026-11-23)",
            "0 errors, 1 warning",
        ]


@pytest.mark.parametrize(
    ("ended", "held", "on_time_under", "late_under", "by"),
    [
        # US Thanksgiving, Thursday 26 November, is a working day in Great Britain: held on
        # Tuesday 1 December is the 5th business day in the US, the 6th in GB.
        ("2026-11-23", "2026-12-01", "US", "GB", "2026-11-30"),
        # The early May bank holiday, Monday 4 May, is a working day in the US: held on
        # Friday 8 May is the 5th business day in GB, the 6th in the US.
        ("2026-04-30", "2026-05-08", "GB", "US", "2026-05-07"),
    ],
)
def test_the_holiday_calendar_decides_whether_a_postmortem_is_late(
    tmp_path: Path, ended: str, held: str, on_time_under: str, late_under: str, by: str
) -> None:
    text = postmortem(date=held, **_on(ended))
    late = [
        f"docs/{PM}:{line_of(text, 'date:')}:1: postmortem-deadline: $.date: postmortem held "
        f"6 business days after the incident ended on {ended}; the promise is 5 business "
        f"days (by {by})",
        "0 errors, 1 warning",
    ]
    assert check(project(tmp_path / "on-time", text, holidays=on_time_under)) == (
        0,
        ["0 errors, 0 warnings"],
    )
    assert check(project(tmp_path / "late", text, holidays=late_under)) == (0, late)
    assert check(project(tmp_path / "none", text)) == (0, late)


def test_the_deadline_counts_from_the_day_the_incident_ended_where_it_ended(
    tmp_path: Path,
) -> None:
    # 23:30 on Monday in New York is already Tuesday in UTC; the team's Monday counts.
    incident = _on("2026-11-16")
    incident["end"] = "2026-11-16T23:30:00-05:00"
    text = postmortem(date="2026-11-24", **incident)
    assert check(project(tmp_path, text))[1] == [
        f"docs/{PM}:{line_of(text, 'date:')}:1: postmortem-deadline: $.date: postmortem held "
        "6 business days after the incident ended on 2026-11-16; the promise is 5 business "
        "days (by 2026-11-23)",
        "0 errors, 1 warning",
    ]


def test_a_draft_not_yet_held_is_late_once_the_deadline_passed(tmp_path: Path) -> None:
    late = postmortem(status="draft", date="", **_on("2026-11-16"))
    assert check(project(tmp_path / "late", late))[1] == [
        f"docs/{PM}:{line_of(late, 'date:')}:1: postmortem-deadline: $.date: no postmortem "
        "date yet, and the incident ended on 2026-11-16; the promise is 5 business days "
        "(by 2026-11-23); hold it and set date",
        "0 errors, 1 warning",
    ]
    recent = postmortem(status="draft", date="", **_on("2026-11-23"))
    assert check(project(tmp_path / "recent", recent))[1] == ["0 errors, 0 warnings"]


# --- the record itself ------------------------------------------------------------------


def test_timeline_out_of_order(tmp_path: Path) -> None:
    timeline = with_event(SEV1_TIMELINE, "war room opened", "2026-11-16T09:02:00+00:00")
    text = postmortem(timeline=timeline)
    assert check(project(tmp_path, text)) == (
        1,
        [
            f"docs/{PM}:{at_line(text, 2)}:5: timeline-order: $.timeline[2].at: war room opened "
            "at 2026-11-16 09:02 UTC is before the entry above it (on-call acknowledged at "
            "2026-11-16 09:03 UTC); keep the timeline in time order",
            "1 error, 0 warnings",
        ],
    )


def test_timeline_order_compares_instants_not_wall_clocks(tmp_path: Path) -> None:
    # 04:05 in New York is 09:05 UTC: after the 09:03 UTC acknowledgement.
    timeline = with_event(SEV1_TIMELINE, "war room opened", "2026-11-16T04:05:00-05:00")
    assert check(project(tmp_path, postmortem(timeline=timeline)))[1] == ["0 errors, 0 warnings"]


def test_timeline_outside_the_incident_window(tmp_path: Path) -> None:
    timeline = [
        ("2026-11-16T08:59:00+00:00", "alert fired"),
        *SEV1_TIMELINE[1:4],
        ("2026-11-16T11:00:01+00:00", "confirmed recovered"),
    ]
    text = postmortem(timeline=timeline)
    assert check(project(tmp_path, text)) == (
        1,
        [
            f"docs/{PM}:{at_line(text, 0)}:5: timeline-window: $.timeline[0].at: alert fired at "
            "2026-11-16 08:59 UTC is before the incident started (2026-11-16 09:00 UTC); fix "
            "the time or the window",
            f"docs/{PM}:{at_line(text, 4)}:5: timeline-window: $.timeline[4].at: confirmed "
            "recovered at 2026-11-16 11:00:01 UTC is after the incident ended "
            "(2026-11-16 11:00 UTC); fix the time or the window",
            "2 errors, 0 warnings",
        ],
    )


@pytest.mark.parametrize(("end", "relation"), [("08:00", "before"), ("09:00", "when")])
def test_the_incident_ends_after_it_starts(tmp_path: Path, end: str, relation: str) -> None:
    text = postmortem(end=f"2026-11-16T{end}:00+00:00", timeline=SEV1_TIMELINE[:1])
    lines = check(project(tmp_path, text))[1]
    assert (
        f"docs/{PM}:{line_of(text, '  end:')}:3: incident-window: $.incident.end: the incident "
        f"ends at 2026-11-16 {end} UTC, {relation} it starts at 2026-11-16 09:00 UTC; fix "
        "start or end"
    ) in lines


@pytest.mark.parametrize(
    ("due", "severity", "message"),
    [
        ("2026-11-26", None, None),  # due today: not yet late
        ("2026-11-25", "warning", "was due 2026-11-25 (1 day ago)"),
        ("2026-10-27", "warning", "was due 2026-10-27 (30 days ago)"),
        ("2026-10-26", "error", "was due 2026-10-26 (31 days ago), past the 30-day grace"),
    ],
)
def test_open_action_items_past_due(
    tmp_path: Path, due: str, severity: str | None, message: str | None
) -> None:
    text = postmortem(items=(("Alert on queue depth", "Platform team", due, "in-progress"),))
    code, lines = check(project(tmp_path, text))
    if message is None:
        assert lines == ["0 errors, 0 warnings"]
        return
    assert lines == [
        f"docs/{PM}:{line_of(text, '    due:')}:5: action-item-overdue: $.action_items[0].due: "
        f"'Alert on queue depth' is in-progress and {message}; finish it or move its due date",
        "1 error, 0 warnings" if severity == "error" else "0 errors, 1 warning",
    ]
    assert code == (1 if severity == "error" else 0)


def test_done_action_items_are_never_overdue_and_grace_comes_from_config(tmp_path: Path) -> None:
    done = postmortem(items=(("Old item", "Platform team", "2025-01-01", "done"),))
    assert check(project(tmp_path / "done", done))[1] == ["0 errors, 0 warnings"]
    late = postmortem(items=(("Old item", "Platform team", "2026-11-20", "open"),))
    config = project(tmp_path / "late", late, {"action_item_grace_days": 0})
    assert check(config)[1][-1] == "1 error, 0 warnings"


def test_a_final_postmortem_without_action_items(tmp_path: Path) -> None:
    final = postmortem(items=())
    assert check(project(tmp_path / "final", final))[1] == [
        f"docs/{PM}:{line_of(final, 'status:')}:1: action-items-missing: $.status: a final "
        "postmortem with no action items; add what will change, or one item saying why "
        "nothing will",
        "0 errors, 1 warning",
    ]
    draft = postmortem(status="in-review", items=())
    assert check(project(tmp_path / "draft", draft))[1] == ["0 errors, 0 warnings"]


def test_a_final_postmortem_may_not_keep_the_blanks_of_a_draft(tmp_path: Path) -> None:
    text = postmortem(date="", end="", timeline=[("", "alert fired")])
    text = text.replace("owner: Platform team\n", "owner:\n", 1)
    assert check(project(tmp_path, text)) == (
        1,
        [
            f"docs/{PM}:{line_of(text, 'date:')}:1: schema: $.date: expected text, got nothing "
            "(null); fill it in before the status is final",
            f"docs/{PM}:{line_of(text, 'owner:')}:1: schema: $.owner: expected text, got "
            "nothing (null); fill it in before the status is final",
            f"docs/{PM}:{line_of(text, '  end:')}:3: schema: $.incident.end: expected text, got "
            "nothing (null); fill it in before the status is final",
            f"docs/{PM}:{at_line(text, 0)}:5: schema: $.timeline[0].at: expected text, got "
            "nothing (null); fill it in before the status is final",
            "4 errors, 0 warnings",
        ],
    )
    draft = text.replace("status: final", "status: draft")
    edit(tmp_path / "docs" / PM, lambda _: draft)
    assert check(tmp_path / "mkdocs.yml")[1] == ["0 errors, 0 warnings"]


def test_a_postmortem_that_fails_its_schema_gets_only_schema_findings(tmp_path: Path) -> None:
    text = postmortem(timeline=[("yesterday", "alert fired")], date="2026-13-45")
    code, lines = check(project(tmp_path, text))
    assert code == 1
    assert [line.split(": ")[1] for line in lines[:-1]] == ["schema", "schema"]
    result = build(tmp_path / "mkdocs.yml", strict=False)
    assert "Traceback" not in result.log
    assert "1 postmortem is not listed" in " ".join(result.page("postmortems/index.html").split())


# --- acknowledged history --------------------------------------------------------------

ONCALL = """rotation:
  name: Platform on-call
  url: https://oncall.example.com/platform
shifts:
  - start: 2026-11-23T09:00:00+00:00
    end: 2027-01-04T09:00:00+00:00
    primary: Alex Rivera
    secondary: Sam Chen
escalation:
  - level: 1
    contact: primary
    after_minutes: 0
  - level: 2
    contact: engineering_lead
    after_minutes: 15
contacts:
  engineering_lead:
    name: Dana Whitfield
    role: Engineering lead
    email: dana.whitfield@corp-mail.example.org
    phone: "+44 20 7946 0958"
"""

ACKNOWLEDGED = """acknowledged:
  - rule: sla-notify
    by: Dana Whitfield
    reason: the status page was down too; customers were told by email at 09:45
    date: 2026-11-20
  - rule: postmortem-deadline
    by: Dana Whitfield
    reason: held after the Thanksgiving freeze, agreed with the auditor
    date: 2026-12-01
"""


def test_an_acknowledged_past_breach_passes_strict_and_the_report_lists_it(
    tmp_path: Path,
) -> None:
    late = with_event(SEV1_TIMELINE, "customers notified", "2026-11-16T09:45:00+00:00")
    text = postmortem(timeline=late, date="2026-11-27").replace(
        "action_items:", ACKNOWLEDGED + "action_items:"
    )
    config = project(
        tmp_path,
        text,
        more={"oncall.yml": ONCALL},
        nav=["index.md", "postmortems/index.md", "postmortems/incident-report.md"],
    )
    data = yaml_config(config)
    data["plugins"][1]["evidence"]["types"]["oncall.yml"] = "oncall"
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert check(config, "--strict") == (0, ["0 errors, 0 warnings"])
    result = build(config)
    assert result.returncode == 0, result.log
    assert "redacted: nothing" in result.log
    report = " ".join(html.unescape(result.page("postmortems/incident-report/index.html")).split())
    assert (
        "Checkout errors, Customers notified (sla-notify): acknowledged by Dana Whitfield on "
        "2026-11-20: the status page was down too; customers were told by email at 09:45"
    ) in re.sub(r"<[^>]+>", "", report)
    assert (
        "Checkout errors, Postmortem held (postmortem-deadline): acknowledged by Dana Whitfield "
        "on 2026-12-01: held after the Thanksgiving freeze, agreed with the auditor"
    ) in re.sub(r"<[^>]+>", "", report)
    # Only what is acknowledged is quiet: without the list, both breaches are reported.
    edit(tmp_path / "docs" / PM, lambda t: t.replace(ACKNOWLEDGED, ""))
    assert [line.split(": ")[1] for line in check(config)[1][:-1]] == [
        "postmortem-deadline",
        "sla-notify",
    ]


def test_only_findings_about_the_past_can_be_acknowledged(tmp_path: Path) -> None:
    wrong = ACKNOWLEDGED.replace("rule: sla-notify", "rule: action-item-overdue")
    text = postmortem().replace("action_items:", wrong + "action_items:")
    code, lines = check(project(tmp_path, text))
    assert code == 1
    assert lines[0] == (
        f"docs/{PM}:{line_of(text, '  - rule: action')}:5: schema: $.acknowledged[0].rule: "
        "'action-item-overdue' is not one of sla-acknowledge, sla-war-room, sla-notify, "
        "postmortem-deadline; use one of them"
    )


# --- the severity scale -----------------------------------------------------------------


def test_a_sev3_is_a_ticket_with_no_minute_promise_by_default(tmp_path: Path) -> None:
    # The kit's runbook: "Ticket; handled the next business day". An hour is no breach.
    timeline = [
        ("2026-11-16T09:00:00+00:00", "alert fired"),
        ("2026-11-16T10:00:00+00:00", "on-call acknowledged"),
    ]
    assert check(project(tmp_path, postmortem(severity="SEV3", timeline=timeline))) == (
        0,
        ["0 errors, 0 warnings"],
    )


P_SCALE = {
    "severities": {
        "P1": {"acknowledge_minutes": 5, "war_room_minutes": 15, "notify_minutes": 30},
        "P2": {"acknowledge_minutes": 5, "notify_minutes": 120},
        "P3": None,
        "P4": {},
    }
}


def test_a_p1_to_p4_scale_from_config_validates_postmortems_and_drives_the_report(
    tmp_path: Path,
) -> None:
    late = with_event(SEV1_TIMELINE, "on-call acknowledged", "2026-11-16T09:08:00+00:00")
    text = postmortem(severity="P2", timeline=late)
    p5 = postmortem(severity="P5", title="Unknown level", **_on("2026-10-05"))
    config = project(
        tmp_path,
        text,
        P_SCALE,
        more={"postmortems/2026-10-05-p5.md": p5},
        nav=["index.md", "postmortems/index.md", "postmortems/incident-report.md"],
    )
    code, lines = check(config)
    assert code == 1
    assert lines == [
        f"docs/postmortems/2026-10-05-p5.md:{line_of(p5, 'severity:')}:1: schema: $.severity: "
        "'P5' is not one of P1, P2, P3, P4; use one of them",
        f"docs/{PM}:{at_line(text, 1)}:5: "
        "sla-acknowledge: $.timeline[1].at: on-call acknowledged 8 min after the alert; "
        "the P2 promise is 5 min",
        "1 error, 1 warning",
    ]
    (tmp_path / "docs/postmortems/2026-10-05-p5.md").unlink()
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("postmortems/incident-report/index.html")
    rows = table_rows(html)
    assert ["Month", "P1", "P2", "P3", "P4", "All"] in rows
    assert ["2026-11", "0", "1", "0", "0", "1"] in rows
    promises = [row[:3] for row in rows if row[0] in ("Acknowledged", "War room opened")]
    assert promises == [
        ["Acknowledged", "P1", "5 min"],
        ["Acknowledged", "P2", "5 min"],
        ["War room opened", "P1", "15 min"],
    ]
    assert ">P4</text>" in html
    assert "SEV" not in html


def test_the_scale_decides_which_levels_trigger_a_review(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"postmortems/x.md": postmortem(severity="P1")},
        {"types": TYPES, "incidents": P_SCALE, "review": {"trigger_severities": ["P1", "P5"]}},
    )
    run = run_cli("check", "--config", str(config))
    assert run.exit_code == 2
    assert run.stderr == (
        "evidence-kit: error: review: trigger_severities: 'P5' is not one of P1, P2, P3, P4 "
        "(the incidents: severities scale)\n"
    )


def test_bad_severity_scales_are_config_errors(tmp_path: Path) -> None:
    options = {
        "severities": {"P1": {"acknowledge_minute": 5}, "P 2!": None, "P3": "fast"},
        "war_room_minutes": {"SEV1": 15},
    }
    run = run_cli("check", "--config", str(project(tmp_path, postmortem(), options)))
    assert run.exit_code == 2
    assert run.stderr == (
        "evidence-kit: error: incidents: severities: P1: acknowledge_minute: unknown option; "
        "did you mean 'acknowledge_minutes'?; "
        "incidents: severities: 'P 2!' is not a level name; write e.g. P1 or SEV1; "
        "incidents: severities: P3: expected a mapping of acknowledge_minutes, "
        "war_room_minutes, notify_minutes; "
        "incidents: war_room_minutes: 'SEV1' is not one of P1, P3\n"
    )


def test_new_postmortem_takes_a_level_of_the_configured_scale(tmp_path: Path) -> None:
    config = project(tmp_path, postmortem(severity="P1"), P_SCALE)
    args = ["new", "postmortem", "--config", str(config), "--title", "Queue stuck"]
    args += ["--start", "2026-11-24T09:15:00+01:00"]
    run = run_cli(*args, "--severity", "SEV1")
    assert run.exit_code == 2
    assert "Invalid value for --severity: 'SEV1' is not one of P1, P2, P3, P4" in run.stderr
    run = run_cli(*args, "--severity", "P3")
    assert run.exit_code == 0, run.stderr
    written = tmp_path / "docs/postmortems/2026-11-24-queue-stuck.md"
    assert "\nseverity: P3\n" in written.read_text()
    assert check(config)[0] == 0


# --- configuration ----------------------------------------------------------------------


def test_bad_incident_options_are_config_errors(tmp_path: Path) -> None:
    options = {
        "breach": "fatal",
        "notify_minutes": {"SEV4": 10, "SEV1": 0},
        "horizon": 3,
        "audit_period": {"start": "2026-12-01", "end": "2026-01-01"},
    }
    config = project(tmp_path, postmortem(), options)
    run = run_cli("check", "--config", str(config))
    assert run.exit_code == 2
    assert run.stderr == (
        "evidence-kit: error: incidents: breach: expected warning or error, got 'fatal'; "
        "incidents: notify_minutes: 'SEV4' is not one of SEV1, SEV2, SEV3; "
        "incidents: notify_minutes: SEV1: expected a positive whole number of minutes; "
        "incidents: horizon: unknown option; did you mean 'horizon_days'?; "
        "incidents: audit_period: end 2026-01-01 is before start 2026-12-01\n"
    )
    result = build(config)
    assert result.returncode == 1
    assert "incidents: breach: expected warning or error, got 'fatal'" in result.log


# --- pages ------------------------------------------------------------------------------


def test_postmortem_page_tables_come_from_front_matter_and_escape_every_value(
    tmp_path: Path,
) -> None:
    hostile = "<script>alert(1)</script> | *bold* [x](javascript:alert(1))"
    text = postmortem(notes={0: f'"{hostile}"'})
    config = project(tmp_path, text)
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("postmortems/2026-11-16-checkout-errors/index.html")
    assert "<script>alert(1)</script>" not in html
    assert 'href="javascript' not in html
    rows = table_rows(html)
    assert ["SEV1", "final", "2026-11-16 09:00 UTC", "2026-11-16 11:00 UTC", "2 h"] in rows
    assert ["2026-11-16 09:00 UTC", "+0 min", "alert fired", hostile] in rows
    assert ["Customers notified", "within 30 min", "20 min", "met"] in rows
    assert ["Postmortem held", "5 business days (by 2026-11-23)", "4 business days", "met"] in rows
    assert ["Alert on queue depth", "Platform team", "2026-12-15", "open", ""] in rows
    headings = re.findall(r"<h2[^>]*>([^<]+)", html)
    assert headings == [
        "Summary",
        "Response against the runbook",
        "Timeline",
        "Root cause",
        "Action items",
    ]


def test_index_lists_sanitized_postmortems_newest_first_and_escapes_titles(
    tmp_path: Path,
) -> None:
    older = postmortem(
        title='"Old <img src=x onerror=alert(1)> outage"', date="2026-10-09", **_on("2026-10-05")
    )
    unsanitized = postmortem(sanitized="false", title="Customer Acme lost data")
    config = project(
        tmp_path,
        postmortem(),
        more={
            "postmortems/2026-10-05-old.md": older,
            "postmortems/2026-11-20-acme.md": unsanitized,
        },
        nav=["index.md", "postmortems/index.md", "postmortems/incident-report.md"],
    )
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("postmortems/index.html")
    assert "<img" not in html
    assert "Acme" not in html
    rows = table_rows(html)
    assert [row[1] for row in rows[1:]] == [
        "Checkout errors",
        "Old <img src=x onerror=alert(1)> outage",
    ]
    assert rows[1] == [
        "2026-11-16 09:00 UTC",
        "Checkout errors",
        "SEV1",
        "2 h",
        "final",
        "acknowledged met, war room opened met, customers notified met, postmortem met",
        "1",
    ]
    text = " ".join(html.split())
    assert "1 postmortem is not listed" in text
    report = result.page("postmortems/incident-report/index.html")
    assert "Acme" not in report
    report_rows = table_rows(report)
    assert ["2026-10", "1", "0", "0", "1"] in report_rows
    assert ["2026-11", "1", "0", "0", "1"] in report_rows
    assert ["Platform team", "1", "0"] in report_rows
    assert "<svg" in report


def test_the_kit_renders_the_index_and_report_from_its_postmortems(kit: Path) -> None:
    result = build(kit)
    assert result.returncode == 0, result.log
    base = "05-backups-recovery/postmortems/"
    index = table_rows(result.page(base + "index.html"))
    # Newest first: the kit's four sanitized postmortems (its unsanitized draft is counted).
    assert [row[:5] for row in index[1:5]] == [
        [
            "2026-06-02 10:02 UTC",
            "Public API unavailable after a load balancer configuration change",
            "SEV1",
            "47 min",
            "final",
        ],
        [
            "2026-05-19 13:40 UTC",
            "Sign-in errors after an identity provider certificate rotation",
            "SEV2",
            "3 h 25 min",
            "final",
        ],
        [
            "2026-03-02 14:05 UTC",
            "Primary database failover during storage degradation",
            "SEV2",
            "1 h 15 min",
            "final",
        ],
        [
            "2026-01-21 02:10 UTC",
            "Nightly customer export delivered six hours late",
            "SEV3",
            "6 h 15 min",
            "final",
        ],
    ]
    report = result.page(base + "incident-report/index.html")
    assert "Incident response report" in report
    nav = result.page("index.html")
    assert 'href="05-backups-recovery/postmortems/incident-report/"' in nav
    assert "2026-03-06-database-failover/" not in re.sub(
        r'<div class="md-content".*', "", nav, flags=re.DOTALL
    )
    page = table_rows(result.page(base + "2026-03-06-database-failover/index.html"))
    assert ["War room opened", "within 1 h", "26 min", "met"] in page


def test_the_report_covers_the_audit_period_from_config(tmp_path: Path) -> None:
    older = postmortem(title="October outage", date="2026-10-09", **_on("2026-10-05"))
    late = with_event(SEV1_TIMELINE, "on-call acknowledged", "2026-11-16T09:07:00+00:00")
    period = {"start": dt.date(2026, 11, 1), "end": dt.date(2026, 11, 30)}
    config = project(
        tmp_path,
        postmortem(timeline=late),
        {"audit_period": period},
        more={"postmortems/2026-10-05-old.md": older},
        nav=["index.md", "postmortems/index.md", "postmortems/incident-report.md"],
    )
    assert "start: 2026-11-01\n" in config.read_text()
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("postmortems/incident-report/index.html")
    assert "Audit period: 2026-11-01 to 2026-11-30" in html
    rows = table_rows(html)
    assert [row[0] for row in rows if row[0].startswith("2026-")] == ["2026-11"]
    assert ["Acknowledged", "SEV1", "5 min", "0", "1", "0", "7 min", "7 min"] in rows
    assert "October outage" not in html
    # The index lists every sanitized postmortem, whatever the period.
    assert "October outage" in result.page("postmortems/index.html")
