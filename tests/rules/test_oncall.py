"""The on-call data against the clock: coverage, overlaps, people, contacts; and its page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import KIT_WARNINGS, build, edit, kit_check_output, make_project, run_cli, table_rows

ONCALL = "docs/oncall.yml"
RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
KIT_ONCALL = "evidence/05-backups-recovery/oncall.yml"

Shift = tuple[str, str, str, str]

ESCALATION = """
escalation:
  - level: 1
    contact: primary
    after_minutes: 0
  - level: 2
    contact: secondary
    after_minutes: 5
  - level: 3
    contact: engineering_lead
    after_minutes: 15
contacts:
  engineering_lead:
    name: Dana Whitfield
    role: Engineering lead
    email: dana@example.com
    phone: "+44 20 7946 0018"
"""


def rotation(shifts: Sequence[Shift], escalation: str = ESCALATION) -> str:
    lines = [
        "rotation:",
        "  name: Platform on-call",
        "  url: https://oncall.example.com/platform",
        "shifts:",
    ]
    for start, end, primary, secondary in shifts:
        lines += [
            f"  - start: {start}",
            f"    end: {end}",
            f"    primary: {primary}",
            f"    secondary: {secondary}",
        ]
    return "\n".join(lines) + "\n" + escalation


def week(start: str, end: str, primary: str = "Alex Rivera", secondary: str = "Sam Chen") -> Shift:
    return (start, end, primary, secondary)


# Today is pinned to Thursday 2026-11-26; the default horizon runs to 2026-12-10 00:00 UTC.
COVERED = [
    week("2026-11-23T09:00:00+00:00", "2026-11-30T09:00:00+00:00"),
    week("2026-11-30T09:00:00+00:00", "2026-12-07T09:00:00+00:00", "Sam Chen", "Jordan Patel"),
    week("2026-12-07T09:00:00+00:00", "2026-12-14T09:00:00+00:00", "Jordan Patel", "Alex Rivera"),
]


def project(
    tmp_path: Path, data: str, incidents: Mapping[str, Any] | None = None, **docs: str
) -> Path:
    # The internal edition: these tests are about the rules and what the page renders, not
    # what redaction removes from it (test_sanitize.py covers that).
    options: dict[str, Any] = {
        "types": {"oncall.yml": "oncall"},
        "publish": {"audience": "internal"},
    }
    if incidents is not None:
        options["incidents"] = dict(incidents)
    return make_project(tmp_path, {"index.md": "# Home\n", "oncall.yml": data, **docs}, options)


def check(config: Path, *extra: str) -> tuple[int, list[str]]:
    run = run_cli("check", "--config", str(config), *extra)
    return run.exit_code, run.output.splitlines()


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if needle in line]
    return lines[occurrence]


def test_a_full_schedule_is_clean(tmp_path: Path) -> None:
    assert check(project(tmp_path, rotation(COVERED))) == (0, ["0 errors, 0 warnings"])


def test_a_six_hour_gap_tomorrow_fails_check_and_build_naming_the_gap(tmp_path: Path) -> None:
    shifts = [
        week("2026-11-23T09:00:00+00:00", "2026-11-27T03:00:00+00:00"),
        week("2026-11-27T09:00:00+00:00", "2026-12-14T09:00:00+00:00", "Sam Chen", "Jordan Patel"),
    ]
    data = rotation(shifts)
    config = project(tmp_path, data)
    expected = (
        f"{ONCALL}:{line_of(data, 'end:', 0)}:5: oncall-gap: $.shifts[0].end: no primary on "
        "call from 2026-11-27 03:00 UTC to 2026-11-27 09:00 UTC (6 h); add a shift"
    )
    assert check(config) == (1, [expected, "1 error, 0 warnings"])
    result = build(config)
    assert result.returncode == 1
    assert result.warnings() == [expected]


@pytest.mark.parametrize(
    ("second_start", "gap"),
    [
        ("2026-11-30T09:00:00+00:00", None),  # handoff on the hour: no gap
        ("2026-11-30T09:01:00+00:00", "from 2026-11-30 09:00 UTC to 2026-11-30 09:01 UTC (1 min)"),
        # The same instant written in another offset is no gap either.
        ("2026-11-30T10:00:00+01:00", None),
    ],
)
def test_every_minute_counts(tmp_path: Path, second_start: str, gap: str | None) -> None:
    shifts = [COVERED[0], week(second_start, "2026-12-14T09:00:00+00:00")]
    lines = check(project(tmp_path, rotation(shifts)))[1]
    if gap is None:
        assert lines == ["0 errors, 0 warnings"]
    else:
        assert lines[0].endswith(
            f"oncall-gap: $.shifts[0].end: no primary on call {gap}; add a shift"
        )


def test_a_schedule_that_starts_after_today_leaves_today_uncovered(tmp_path: Path) -> None:
    data = rotation([week("2026-11-26T09:00:00+00:00", "2026-12-14T09:00:00+00:00")])
    assert check(project(tmp_path, data))[1] == [
        f"{ONCALL}:{line_of(data, 'start:')}:5: oncall-gap: $.shifts[0].start: no primary on "
        "call from 2026-11-26 00:00 UTC to 2026-11-26 09:00 UTC (9 h); add a shift",
        "1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("ended", "shown", "past"),
    [
        # The days between its end and today were a gap of the audit period too.
        ("2026-11-23T09:00:00+00:00", "2026-11-23 09:00 UTC", "2 days 15 h"),
        # Ending exactly as today begins still leaves all of today uncovered.
        ("2026-11-26T01:00:00+01:00", "2026-11-26 00:00 UTC", ""),
    ],
)
def test_a_schedule_that_already_ended_covers_nothing(
    tmp_path: Path, ended: str, shown: str, past: str
) -> None:
    data = rotation([week("2026-11-16T09:00:00+00:00", ended)])
    period_gap = [
        f"{ONCALL}:4:1: oncall-period-gap: $.shifts: no primary on call from {shown} to "
        f"2026-11-26 00:00 UTC ({past}), as the file has it now (history unavailable: not a "
        "git checkout) in the audit period; say in the incident report how the gap was covered"
    ]
    assert check(project(tmp_path, data))[1] == [
        *(period_gap if past else []),
        f"{ONCALL}:{line_of(data, 'end:')}:5: oncall-gap: $.shifts[0].end: no primary on call "
        "from 2026-11-26 00:00 UTC to 2026-12-10 00:00 UTC (14 days): the schedule ended "
        f"{shown}; add shifts",
        f"1 error, {1 if past else 0} warning{'' if past else 's'}",
    ]


@pytest.mark.parametrize(
    ("last_end", "warned"),
    [("2026-12-10T00:00:00+00:00", False), ("2026-12-09T23:59:00+00:00", True)],
)
def test_a_schedule_ending_within_the_horizon_is_a_warning(
    tmp_path: Path, last_end: str, warned: bool
) -> None:
    shifts = [COVERED[0], week("2026-11-30T09:00:00+00:00", last_end)]
    data = rotation(shifts)
    expected = [
        f"{ONCALL}:{line_of(data, 'end:', 1)}:5: oncall-ends-soon: $.shifts[1].end: the "
        "schedule ends 2026-12-09 23:59 UTC, within the 14-day horizon (through "
        "2026-12-10 00:00 UTC); add shifts"
    ]
    lines = check(project(tmp_path, data))
    assert lines == (0, [*expected, "0 errors, 1 warning"] if warned else ["0 errors, 0 warnings"])


def test_the_horizon_comes_from_config(tmp_path: Path) -> None:
    shifts = [
        week("2026-11-23T09:00:00+00:00", "2026-11-29T09:00:00+00:00"),
        week("2026-11-30T09:00:00+00:00", "2026-12-14T09:00:00+00:00"),
    ]
    # The gap starts on day 3 (29 November 09:00), past a 3-day horizon.
    assert check(project(tmp_path, rotation(shifts), {"horizon_days": 3}))[1] == [
        "0 errors, 0 warnings"
    ]
    assert check(project(tmp_path / "default", rotation(shifts)))[0] == 1


def test_a_handoff_across_the_autumn_clock_change(tmp_path: Path) -> None:
    # Europe falls back on 25 October 2026: Monday 09:00 in Berlin is +01:00 again.
    wrong = [
        week("2026-10-19T09:00:00+02:00", "2026-10-26T09:00:00+02:00"),
        week("2026-10-26T09:00:00+01:00", "2026-11-09T09:00:00+01:00"),
    ]
    lines = check(project(tmp_path / "wrong", rotation(wrong)), "--today", "2026-10-22")[1]
    assert lines[0].endswith(
        "oncall-gap: $.shifts[0].end: no primary on call from 2026-10-26 07:00 UTC to "
        "2026-10-26 08:00 UTC (1 h); add a shift"
    )
    right = [
        week("2026-10-19T09:00:00+02:00", "2026-10-26T09:00:00+01:00"),
        week("2026-10-26T09:00:00+01:00", "2026-11-09T09:00:00+01:00"),
    ]
    assert check(project(tmp_path / "right", rotation(right)), "--today", "2026-10-22")[1] == [
        "0 errors, 0 warnings"
    ]


def test_a_handoff_across_the_spring_clock_change_overlaps(tmp_path: Path) -> None:
    # Europe springs forward on 29 March 2026: Monday 09:00 in Berlin is +02:00.
    shifts = [
        week("2026-03-23T09:00:00+01:00", "2026-03-30T09:00:00+01:00"),
        week("2026-03-30T09:00:00+02:00", "2026-04-20T09:00:00+02:00", "Sam Chen", "Alex Rivera"),
    ]
    data = rotation(shifts)
    assert check(project(tmp_path, data), "--today", "2026-03-26")[1] == [
        f"{ONCALL}:{line_of(data, 'start:', 1)}:5: oncall-overlap: $.shifts[1].start: the shift "
        "from 2026-03-30 07:00 UTC to 2026-04-20 07:00 UTC overlaps $.shifts[0] "
        "(2026-03-23 08:00 UTC to 2026-03-30 08:00 UTC) by 1 h: two primaries (Alex Rivera and "
        "Sam Chen) at once; make one end where the other starts",
        "1 error, 0 warnings",
    ]


def test_overlaps_are_found_whatever_the_order_of_the_file(tmp_path: Path) -> None:
    inside = week("2026-11-24T00:00:00+00:00", "2026-11-24T06:00:00+00:00", "Jordan Patel")
    shifts = [COVERED[1], COVERED[0], COVERED[2], inside]
    lines = check(project(tmp_path, rotation(shifts)))[1]
    assert lines[0].split(": ", 3)[1:3] == ["oncall-overlap", "$.shifts[3].start"]
    assert lines[0].endswith(
        "the shift from 2026-11-24 00:00 UTC to 2026-11-24 06:00 UTC overlaps $.shifts[1] "
        "(2026-11-23 09:00 UTC to 2026-11-30 09:00 UTC) by 6 h: two primaries (Alex Rivera and "
        "Jordan Patel) at once; make one end where the other starts"
    )
    assert lines[1:] == ["1 error, 0 warnings"]


@pytest.mark.parametrize("secondary", ["Alex Rivera", "alex  rivera"])
def test_primary_and_secondary_are_two_people(tmp_path: Path, secondary: str) -> None:
    shifts = [COVERED[0], COVERED[1], week(COVERED[2][0], COVERED[2][1], "Alex Rivera", secondary)]
    data = rotation(shifts)
    assert check(project(tmp_path, data))[1] == [
        f"{ONCALL}:{line_of(data, 'secondary:', 2)}:5: oncall-same-person: $.shifts[2].secondary: "
        "Alex Rivera is both primary and secondary of the shift from 2026-12-07 09:00 UTC to "
        "2026-12-14 09:00 UTC; name another secondary",
        "1 error, 0 warnings",
    ]


def test_a_shift_that_ends_before_it_starts(tmp_path: Path) -> None:
    shifts = [*COVERED, week("2026-12-20T09:00:00+00:00", "2026-12-14T09:00:00+00:00")]
    data = rotation(shifts)
    assert check(project(tmp_path, data))[1] == [
        f"{ONCALL}:{line_of(data, 'end:', 3)}:5: oncall-shift-window: $.shifts[3].end: the shift "
        "ends at 2026-12-14 09:00 UTC, not after it starts at 2026-12-20 09:00 UTC; fix start "
        "or end",
        "1 error, 0 warnings",
    ]


def test_every_escalation_contact_exists(tmp_path: Path) -> None:
    data = rotation(COVERED, ESCALATION.replace("contact: engineering_lead", "contact: eng_lead"))
    assert check(project(tmp_path, data))[1] == [
        f"{ONCALL}:{line_of(data, 'contact: eng_lead')}:5: oncall-unknown-contact: "
        "$.escalation[2].contact: escalation level 3 names 'eng_lead', which is not under "
        "contacts; add it there, or use primary or secondary",
        "1 error, 0 warnings",
    ]


def test_the_runbook_contacts_resolve_into_the_kit_oncall_data(kit: Path) -> None:
    edit(
        kit.parent / KIT_ONCALL,
        lambda s: s.replace(
            "  security_lead:\n    name: Ravi Okafor\n    role: Security lead\n"
            '    handle: "@ravi.o"\n',
            "",
        ),
    )
    code, lines = check(kit)
    lines = [line for line in lines if line not in KIT_WARNINGS]
    oncall = (kit.parent / KIT_ONCALL).read_text()
    runbook = (kit.parent / RUNBOOK).read_text()
    missing = "05-backups-recovery/oncall.yml has no text at contacts.security_lead.name"
    assert code == 1
    assert lines[-2] == (
        f"{KIT_ONCALL}:{line_of(oncall, 'contact: security_lead')}:5: oncall-unknown-contact: "
        "$.escalation[3].contact: escalation level 4 names 'security_lead', which is not "
        "under contacts; add it there, or use primary or secondary"
    )
    uses = [
        (i + 1, line.index("<<Security lead>>") + 1)
        for i, line in enumerate(runbook.split("\n"))
        if "<<Security lead>>" in line
    ]
    assert len(uses) == 3
    assert lines[:-2] == [
        f"{RUNBOOK}:{line}:{column}: placeholder-missing: <<Security lead>> has no value: {missing}"
        for line, column in uses
    ]
    assert lines[-1] == "4 errors, 3 warnings"


def test_an_invalid_oncall_file_gets_only_schema_findings(tmp_path: Path) -> None:
    data = rotation([week("tomorrow", "2026-12-14T09:00:00+00:00")])
    code, lines = check(project(tmp_path, data))
    assert code == 1
    assert [line.split(": ")[1] for line in lines[:-1]] == ["schema"]


def test_the_page_shows_current_and_next_shift_and_escalation_but_no_contact_details(
    tmp_path: Path,
) -> None:
    result = build(project(tmp_path, rotation(COVERED)))
    assert result.returncode == 0, result.log
    html = result.page("oncall/index.html")
    rows = table_rows(html)
    assert rows[:3] == [
        ["Shift", "Start", "End", "Primary", "Secondary"],
        ["Current", "2026-11-23 09:00 UTC", "2026-11-30 09:00 UTC", "Alex Rivera", "Sam Chen"],
        ["Next", "2026-11-30 09:00 UTC", "2026-12-07 09:00 UTC", "Sam Chen", "Jordan Patel"],
    ]
    assert ["3", "Dana Whitfield (Engineering lead)", "15 min", "every incident"] in rows
    assert 'href="https://oncall.example.com/platform"' in html
    assert "dana@example.com" not in html
    assert "7946" not in html


def test_the_kit_is_covered_on_the_pinned_date_and_months_ahead(kit: Path) -> None:
    assert check(kit) == (0, kit_check_output().splitlines())
    # The kit's rotation runs to 2027-06-28: two weeks before, it asks to be extended.
    lines = check(kit, "--today", "2027-06-20")[1]
    oncall = [line for line in lines if ": oncall-" in line]
    assert len(oncall) == 1
    assert "oncall-ends-soon" in oncall[0]
