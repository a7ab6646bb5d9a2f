"""The review lifecycle: cadence arithmetic, status boundaries, incidents, waivers, the kit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from conftest import build, edit, kit_check_output, run_cli
from conftest import make_project as _make_project
from evidence_kit import pipeline
from evidence_kit.core.options.review import Cadence, add_months, parse_cadence
from evidence_kit.core.references import resolve_reference
from evidence_kit.core.settings import SettingsError

D = dt.date
RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
RESTORE = "evidence/05-backups-recovery/restore-test.md"
REVIEW_RULES = ("review-", "runbook-unknown", "waiver-expired")


def make_project(
    root: Path, docs: Mapping[str, str], options: Mapping[str, Any] | None = None, **config: Any
) -> Path:
    """conftest's project, with a deny term: publish-unprotected (tests/rules/cases) would
    otherwise join every check of a project with a postmortem."""
    protected = {"publish": {"deny_terms": ["Globex"]}, **(options or {})}
    return _make_project(root, docs, protected, **config)


def runbook(last_reviewed: str = "2026-06-15", extra: str = "", title: str = "Runbook") -> str:
    """A valid runbook; `last_reviewed` is on line 5."""
    return (
        f"---\ntitle: {title}\ntype: runbook\nowner: Platform team\n"
        f"last_reviewed: {last_reviewed}\n{extra}---\n\n# {title}\n\nSteps.\n"
    )


def postmortem(day: str, severity: str = "SEV1", runbooks: tuple[str, ...] = ("runbook",)) -> str:
    """A draft postmortem; its first runbook reference is on line 12."""
    refs = "".join(f"  - {ref}\n" for ref in runbooks)
    return (
        f"---\ntitle: Checkout outage\ntype: postmortem\nseverity: {severity}\nstatus: draft\n"
        f"date: {day}\nowner: Platform team\nincident:\n  start: {day}T10:00:00+00:00\n"
        f"sanitized: true\nrunbooks:\n{refs}---\n\n# Checkout outage\n"
    )


def check(config: Path, today: str) -> tuple[int, list[str]]:
    """Exit code and output lines of the real `evidence-kit check`."""
    run = run_cli("check", "--config", str(config), "--today", today)
    return run.exit_code, run.output.splitlines()


def review_lines(lines: list[str]) -> list[str]:
    """The lines of review rules, so rules of other concerns do not blur the assertions."""
    return [line for line in lines if any(f": {rule}" in line for rule in REVIEW_RULES)]


# --- cadence arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "cadence", "expected"),
    [
        (D(2027, 1, 31), "1 month", D(2027, 2, 28)),  # month end clamps
        (D(2028, 1, 31), "1 month", D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), "1 month", D(2026, 4, 30)),
        (D(2026, 12, 31), "2 months", D(2027, 2, 28)),  # across a year end
        (D(2026, 11, 30), "3 months", D(2027, 2, 28)),
        (D(2026, 12, 15), "1 month", D(2027, 1, 15)),
        (D(2026, 6, 15), "12 months", D(2027, 6, 15)),
        (D(2028, 2, 29), "1 year", D(2029, 2, 28)),  # leap day, next year has none
        (D(2028, 2, 29), "4 years", D(2032, 2, 29)),
        (D(2028, 2, 29), "12 months", D(2029, 2, 28)),
        (D(2026, 1, 31), "18 months", D(2027, 7, 31)),
        (D(2026, 6, 15), "2 weeks", D(2026, 6, 29)),
        (D(2026, 12, 25), "1 week", D(2027, 1, 1)),
        (D(2028, 2, 28), "1 day", D(2028, 2, 29)),
        (D(2027, 2, 28), "1 day", D(2027, 3, 1)),
        (D(2026, 6, 15), "90 days", D(2026, 9, 13)),
        (D(9999, 12, 1), "1 year", dt.date.max),  # past the calendar: never due
    ],
)
def test_cadence_is_calendar_correct(start: dt.date, cadence: str, expected: dt.date) -> None:
    parsed = parse_cadence(cadence)
    assert parsed is not None
    assert parsed.after(start) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 months", Cadence(12, "month")),
        ("1 month", Cadence(1, "month")),
        ("1 year", Cadence(1, "year")),
        ("2 weeks", Cadence(2, "week")),
        ("90 days", Cadence(90, "day")),
        ("0 months", None),
        ("12 mnths", None),
        ("1 fortnight", None),
        ("twelve months", None),
        ("1000 days", None),
        (12, None),
        (None, None),
    ],
)
def test_parse_cadence(text: Any, expected: Cadence | None) -> None:
    assert parse_cadence(text) == expected


def test_cadence_prints_as_written() -> None:
    assert [str(Cadence(1, "year")), str(Cadence(12, "month"))] == ["1 year", "12 months"]


def test_add_months_backwards_keeps_month_ends() -> None:
    assert add_months(D(2027, 3, 31), -1) == D(2027, 2, 28)


# --- settings -----------------------------------------------------------------------------


def settings_errors(tmp_path: Path, review: Any) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        pipeline.settings(
            {"review": review}, root=tmp_path, docs_dir=tmp_path, today=D(2026, 11, 26)
        )
    return raised.value.messages


def test_default_review_settings(tmp_path: Path) -> None:
    settings = pipeline.settings({}, root=tmp_path, docs_dir=tmp_path, today=D(2026, 11, 26))
    assert dict(settings.review.cadence) == {
        "runbook": Cadence(12, "month"),
        "procedure": Cadence(12, "month"),
    }
    assert (settings.review.due_soon_days, settings.review.grace_business_days) == (30, 10)
    assert settings.review.trigger_severities == ("SEV1", "SEV2")


def test_cadence_config_adds_replaces_and_removes_types(tmp_path: Path) -> None:
    options = {
        "review": {"cadence": {"policy": "2 years", "runbook": "6 months", "procedure": None}}
    }
    settings = pipeline.settings(options, root=tmp_path, docs_dir=tmp_path, today=D(2026, 11, 26))
    assert dict(settings.review.cadence) == {
        "runbook": Cadence(6, "month"),
        "policy": Cadence(2, "year"),
    }


@pytest.mark.parametrize(
    ("review", "messages"),
    [
        (
            "yearly",
            [
                "review: expected a mapping with keys cadence, due_soon_days, "
                "grace_business_days, trigger_severities, waivers"
            ],
        ),
        (
            {"cadense": {}},
            ["review: cadense: unknown option; did you mean 'cadence'?"],
        ),
        (
            {"cadence": {"runbook": "12 mnths"}},
            [
                "review: cadence: runbook: '12 mnths' is not a cadence; write a number and a "
                "unit, e.g. '12 months' or '2 weeks'"
            ],
        ),
        (
            {"due_soon_days": -1, "grace_business_days": "ten"},
            [
                "review: due_soon_days: expected a number of days from 0 to 3660, got -1",
                "review: grace_business_days: expected a number of days from 0 to 3660, got 'ten'",
            ],
        ),
        (
            # One holiday calendar serves every rule: it is the plugin's `holidays` option.
            {"holidays": "US"},
            [
                "review: holidays: unknown option; the options are cadence, due_soon_days, "
                "grace_business_days, trigger_severities, waivers"
            ],
        ),
        (
            {"trigger_severities": "SEV1"},
            ["review: trigger_severities: expected a list such as [SEV1, SEV2]"],
        ),
        (
            {
                "waivers": [
                    {"document": "a.md", "rule": "schema", "reason": "r", "approver": "CISO"},
                    {
                        "document": "a.md",
                        "rule": "review-overdue",
                        "reason": "r",
                        "approver": "CISO",
                        "expires": "soon",
                    },
                    "a.md",
                ]
            },
            [
                "review: waivers[0]: expires is missing; rule 'schema' cannot be waived; use a "
                "rule `evidence-kit rules` marks waivable, such as review-overdue or "
                "review-required",
                "review: waivers[1]: expires 'soon' is not a date; write YYYY-MM-DD",
                "review: waivers[2]: expected a mapping with document, rule, reason, approver, "
                "expires",
            ],
        ),
    ],
)
def test_bad_review_options_name_the_option(
    tmp_path: Path, review: Any, messages: list[str]
) -> None:
    assert settings_errors(tmp_path, review) == messages


def test_bad_review_option_is_a_config_error_in_both_front_doors(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, {"runbook.md": runbook()}, {"review": {"due_soon_days": "soon"}}
    )
    message = "review: due_soon_days: expected a number of days from 0 to 3660, got 'soon'"
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {message}\n")
    result = build(config)
    assert result.returncode == 1
    assert f"ERROR   -  evidence: invalid plugin options: {message}" in result.log.splitlines()
    assert "Traceback" not in result.log


# --- status boundaries --------------------------------------------------------------------

SCHEDULE = "last reviewed 2026-06-15, due 2027-06-15 (every 12 months)"
FIX = "review it and set last_reviewed"
SOON = "docs/runbook.md:5:1: review-due-soon: $.last_reviewed"


@pytest.mark.parametrize(
    ("today", "exit_code", "expected"),
    [
        ("2027-05-15", 0, []),  # 31 days before: current
        (
            "2027-05-16",  # the first day of the 30-day window
            0,
            [f"{SOON}: {SCHEDULE}, 30 days left; {FIX}"],
        ),
        (
            "2027-06-14",
            0,
            [f"{SOON}: {SCHEDULE}, 1 day left; {FIX}"],
        ),
        (
            "2027-06-15",  # the due day itself is still in time
            0,
            [f"{SOON}: {SCHEDULE}, due today; {FIX}"],
        ),
        (
            "2027-06-16",  # a year and a day after the review
            1,
            [f"docs/runbook.md:5:1: review-overdue: $.last_reviewed: {SCHEDULE}; {FIX}"],
        ),
    ],
)
def test_status_boundaries(tmp_path: Path, today: str, exit_code: int, expected: list[str]) -> None:
    config = make_project(tmp_path, {"runbook.md": runbook()})
    code, lines = check(config, today)
    assert code == exit_code
    assert lines[:-1] == expected


@pytest.mark.parametrize(
    ("today", "status", "exit_code"),
    [
        ("2027-05-15", "current", 0),
        ("2027-05-16", "due-soon", 0),
        ("2027-06-15", "due-soon", 0),
        ("2027-06-16", "overdue", 1),
    ],
)
def test_status_command_at_the_boundaries(
    tmp_path: Path, today: str, status: str, exit_code: int
) -> None:
    config = make_project(tmp_path, {"runbook.md": runbook()})
    run = run_cli("status", "--config", str(config), "--today", today, "--format", "json")
    assert run.exit_code == exit_code
    assert [d["status"] for d in json.loads(run.output)["documents"]] == [status]


def test_due_soon_window_is_configurable(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"runbook.md": runbook()}, {"review": {"due_soon_days": 7}})
    assert check(config, "2027-06-07") == (0, ["0 errors, 0 warnings"])
    assert check(config, "2027-06-08")[1][0].endswith(f"{SCHEDULE}, 7 days left; {FIX}")


def test_review_every_overrides_the_type_cadence(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"runbook.md": runbook(extra="review_every: 6 months\n")})
    assert check(config, "2026-12-16") == (
        1,
        [
            "docs/runbook.md:5:1: review-overdue: $.last_reviewed: last reviewed 2026-06-15, "
            f"due 2026-12-15 (every 6 months); {FIX}",
            "1 error, 0 warnings",
        ],
    )


def test_type_cadence_comes_from_config(tmp_path: Path) -> None:
    procedure = runbook().replace("type: runbook", "type: procedure")
    config = make_project(
        tmp_path, {"restore.md": procedure}, {"review": {"cadence": {"procedure": "3 months"}}}
    )
    assert check(config, "2026-09-16")[1] == [
        "docs/restore.md:5:1: review-overdue: $.last_reviewed: last reviewed 2026-06-15, "
        f"due 2026-09-15 (every 3 months); {FIX}",
        "1 error, 0 warnings",
    ]


def test_last_reviewed_in_the_future_is_a_warning(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"runbook.md": runbook("2026-12-01")})
    assert check(config, "2026-11-26") == (
        0,
        [
            "docs/runbook.md:5:1: review-future: $.last_reviewed: last reviewed 2026-12-01 is "
            "after today (2026-11-26); write the date the review took place",
            "0 errors, 1 warning",
        ],
    )


def test_missing_last_reviewed_is_a_schema_error(tmp_path: Path) -> None:
    text = runbook().replace("last_reviewed: 2026-06-15\n", "")
    config = make_project(tmp_path, {"runbook.md": text})
    code, lines = check(config, "2026-11-26")
    assert code == 1
    assert lines == [
        "docs/runbook.md:2:1: schema: $.last_reviewed: missing required field 'last_reviewed'; "
        "add it",
        "1 error, 0 warnings",
    ]
    run = run_cli("status", "--config", str(config), "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.output)["unassessed"] == ["docs/runbook.md"]


def test_custom_reviewable_type_without_last_reviewed_gets_a_review_finding(
    tmp_path: Path,
) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "policy.schema.json").write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "https://evidence-kit.example/schemas/policy.schema.json",
                "type": "object",
            }
        ),
        encoding="utf-8",
    )
    config = make_project(
        tmp_path,
        {"policy.md": "---\ntype: policy\nreview_every: often\n---\n\n# Policy\n"},
        {"schemas_dir": "schemas", "review": {"cadence": {"policy": "1 year"}}},
    )
    assert check(config, "2026-11-26") == (
        1,
        [
            "docs/policy.md:2:1: review-data: $.last_reviewed: last_reviewed is missing; a "
            "policy needs last_reviewed: YYYY-MM-DD",
            "docs/policy.md:3:1: review-data: $.review_every: 'often' is not a cadence; write "
            "a number and a unit, e.g. '12 months'",
            "2 errors, 0 warnings",
        ],
    )


# --- incident-triggered review ------------------------------------------------------------

CAUSE = "last reviewed 2026-06-15, before the SEV1 postmortem docs/pm/2026-11-20.md of 2026-11-20"


def incident_project(tmp_path: Path, holidays: str | None = None, **options: Any) -> Path:
    plugin: dict[str, Any] = {"review": options} if options else {}
    if holidays:
        plugin["holidays"] = holidays
    return make_project(
        tmp_path, {"runbook.md": runbook(), "pm/2026-11-20.md": postmortem("2026-11-20")}, plugin
    )


def test_sev1_postmortem_requires_a_review_within_the_grace_period(tmp_path: Path) -> None:
    config = incident_project(tmp_path)
    # 2026-11-20 is a Friday: ten business days later is Friday 2026-12-04.
    expected = (
        f"docs/runbook.md:5:1: review-required: $.last_reviewed: {CAUSE}; review it by "
        "2026-12-04 and set last_reviewed"
    )
    for today in ("2026-11-20", "2026-12-04", "2026-12-06"):
        assert check(config, today) == (0, [expected, "0 errors, 1 warning"]), today


def test_review_required_is_an_error_after_the_grace_period(tmp_path: Path) -> None:
    config = incident_project(tmp_path)
    assert check(config, "2026-12-07") == (
        1,
        [
            f"docs/runbook.md:5:1: review-required: $.last_reviewed: {CAUSE}; the review was due "
            f"by 2026-12-04 (10 business days after it); {FIX}",
            "1 error, 0 warnings",
        ],
    )
    run = run_cli("status", "--config", str(config), "--today", "2026-12-07", "--format", "json")
    assert run.exit_code == 1
    [document] = json.loads(run.output)["documents"]
    assert document["status"] == "review-required"
    assert document["triggered_by"] == [
        {
            "path": "docs/pm/2026-11-20.md",
            "src_uri": "pm/2026-11-20.md",
            "title": "Checkout outage",
            "severity": "SEV1",
            "date": "2026-11-20",
            "review_by": "2026-12-04",
            "late": True,
        }
    ]


def test_grace_period_counts_the_configured_country_holidays(tmp_path: Path) -> None:
    # Thanksgiving (2026-11-26) is a US public holiday: the review is due a day later.
    config = incident_project(tmp_path, holidays="US", grace_business_days=5)
    assert check(config, "2026-11-27")[1][0].endswith(
        "review it by 2026-11-30 and set last_reviewed"
    )
    config = incident_project(tmp_path, grace_business_days=5)
    assert check(config, "2026-11-27")[1][0].endswith(
        "review it by 2026-11-27 and set last_reviewed"
    )


def test_a_newer_review_clears_the_incident(tmp_path: Path) -> None:
    for reviewed in ("2026-11-20", "2026-11-23"):
        config = make_project(
            tmp_path,
            {"runbook.md": runbook(reviewed), "pm/2026-11-20.md": postmortem("2026-11-20")},
        )
        assert check(config, "2026-12-07") == (0, ["0 errors, 0 warnings"]), reviewed


def test_sev3_and_older_postmortems_do_not_require_a_review(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "runbook.md": runbook(),
            "pm/a.md": postmortem("2026-11-20", severity="SEV3"),
            "pm/b.md": postmortem("2026-06-01"),
        },
    )
    assert check(config, "2026-12-07") == (0, ["0 errors, 0 warnings"])


def test_trigger_severities_come_from_config(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"runbook.md": runbook(), "pm/a.md": postmortem("2026-11-20", severity="SEV3")},
        {"review": {"trigger_severities": ["SEV1", "SEV2", "SEV3"]}},
    )
    assert check(config, "2026-11-23")[1][0].startswith("docs/runbook.md:5:1: review-required:")


@pytest.mark.parametrize("reference", ["runbook", "runbook.md", "ops/runbook", "../ops/runbook.md"])
def test_runbook_references_by_stem_or_path(tmp_path: Path, reference: str) -> None:
    config = make_project(
        tmp_path,
        {"ops/runbook.md": runbook(), "pm/a.md": postmortem("2026-11-20", runbooks=(reference,))},
    )
    assert check(config, "2026-11-23")[1][0].startswith("docs/ops/runbook.md:5:1: review-required:")


def test_unknown_runbook_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "runbook.md": runbook(),
            "pm/a.md": postmortem("2026-03-01", severity="SEV3", runbooks=("runbok", "pm/a")),
        },
    )
    assert check(config, "2026-11-26") == (
        1,
        [
            "docs/pm/a.md:12:5: runbook-unknown: $.runbooks[0]: 'runbok' is not a runbook or "
            "procedure; did you mean 'runbook'?",
            "docs/pm/a.md:13:5: runbook-unknown: $.runbooks[1]: 'pm/a' is not a runbook or "
            "procedure; name one by its file name or its path below the docs folder",
            "2 errors, 0 warnings",
        ],
    )


def test_a_stem_in_two_folders_resolves_to_the_nearest_or_is_ambiguous() -> None:
    targets = {"a/runbook.md": 1, "b/runbook.md": 2}
    by_stem = {"runbook": ["a/runbook.md", "b/runbook.md"]}
    assert resolve_reference("runbook", "a/pm/x.md", targets, by_stem) == ["a/runbook.md"]
    assert resolve_reference("runbook", "c/pm/x.md", targets, by_stem) == [
        "a/runbook.md",
        "b/runbook.md",
    ]


def test_ambiguous_runbook_is_an_error(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"a/runbook.md": runbook(), "b/runbook.md": runbook(), "pm/x.md": postmortem("2026-03-01")},
    )
    assert check(config, "2026-11-26")[1] == [
        "docs/pm/x.md:12:5: runbook-unknown: $.runbooks[0]: 'runbook' matches several documents "
        "(a/runbook.md, b/runbook.md); name one by its path below the docs folder",
        "1 error, 0 warnings",
    ]


# --- waivers ------------------------------------------------------------------------------


def waiver(expires: str, document: str = "runbook.md") -> dict[str, str]:
    return {
        "document": document,
        "rule": "review-overdue",
        "reason": "rewrite under way",
        "approver": "CISO",
        "expires": expires,
    }


OVERDUE = f"docs/runbook.md:5:1: review-overdue: $.last_reviewed: {SCHEDULE}; {FIX}"


@pytest.mark.parametrize("document", ["runbook.md", "docs/runbook.md"])
def test_waiver_turns_the_error_into_a_listed_warning_until_it_expires(
    tmp_path: Path, document: str
) -> None:
    config = make_project(
        tmp_path,
        {"runbook.md": runbook()},
        {"review": {"waivers": [waiver("2027-07-31", document)]}},
    )
    waived = f"{OVERDUE}; waived until 2027-07-31 by CISO: rewrite under way"
    for today in ("2027-06-16", "2027-07-31"):
        assert check(config, today) == (0, [waived, "0 errors, 1 warning"]), today
    run = run_cli("status", "--config", str(config), "--today", "2027-07-31")
    assert run.exit_code == 0
    assert "waived: review-overdue until 2027-07-31 by CISO: rewrite under way" in run.output


def test_expired_waiver_is_an_error_and_the_error_returns(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, {"runbook.md": runbook()}, {"review": {"waivers": [waiver("2027-07-31")]}}
    )
    line = config.read_text().splitlines().index("      - document: runbook.md") + 1
    assert check(config, "2027-08-01") == (
        1,
        [
            OVERDUE,
            f"mkdocs.yml:{line}:9: waiver-expired: the waiver of review-overdue for runbook.md "
            "(approved by CISO) expired on 2027-07-31; review the document, then remove the "
            "waiver or renew it with a later expiry",
            "2 errors, 0 warnings",
        ],
    )
    run = run_cli("status", "--config", str(config), "--today", "2027-08-01", "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.output)["waivers"] == [{**waiver("2027-07-31"), "active": False}]


def test_waiver_naming_no_document_is_a_warning(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"runbook.md": runbook()},
        {"review": {"waivers": [waiver("2027-07-31", "runbok.md")]}},
    )
    line = config.read_text().splitlines().index("      - document: runbok.md") + 1
    assert check(config, "2027-06-16") == (
        1,
        [
            OVERDUE,
            f"mkdocs.yml:{line}:9: waiver-unknown: the waiver names 'runbok.md', which is not a "
            "reviewable document; write its path below the docs folder, or remove the waiver",
            "1 error, 1 warning",
        ],
    )


def test_waiver_of_a_required_review(tmp_path: Path) -> None:
    rule = {**waiver("2026-12-31"), "rule": "review-required"}
    config = incident_project(tmp_path, waivers=[rule])
    assert check(config, "2026-12-07") == (
        0,
        [
            f"docs/runbook.md:5:1: review-required: $.last_reviewed: {CAUSE}; the review was due "
            f"by 2026-12-04 (10 business days after it); {FIX}; waived until 2026-12-31 by CISO: "
            "rewrite under way",
            "0 errors, 1 warning",
        ],
    )


# --- the kit, built for real --------------------------------------------------------------

KIT_OVERDUE = [
    f"{RUNBOOK}:5:1: review-overdue: $.last_reviewed: {SCHEDULE}; {FIX}",
    f"{RESTORE}:5:1: review-overdue: $.last_reviewed: {SCHEDULE}; {FIX}",
]
KIT_DUE_SOON = [
    f"{RUNBOOK}:5:1: review-due-soon: $.last_reviewed: {SCHEDULE}, 20 days left; {FIX}",
    f"{RESTORE}:5:1: review-due-soon: $.last_reviewed: {SCHEDULE}, 20 days left; {FIX}",
]


def test_kit_a_year_and_a_day_after_review_fails_build_and_check(kit: Path) -> None:
    result = build(kit, env={"EVIDENCE_TODAY": "2027-06-16"})
    assert result.returncode == 1
    assert review_lines(result.warnings()) == KIT_OVERDUE
    assert "Aborted with" in result.log
    code, lines = check(kit, "2027-06-16")
    assert code == 1
    assert review_lines(lines) == KIT_OVERDUE


def test_kit_twenty_days_before_due_passes_with_due_soon_warnings(kit: Path) -> None:
    # By then the team has run the restore test of 2027 Q1 too.
    records = kit.parent / "evidence/05-backups-recovery/restore-tests"
    q4 = (records / "2026-10-08.md").read_text(encoding="utf-8")
    (records / "2027-01-07.md").write_text(q4.replace("2026-10-08", "2027-01-07"), "utf-8")
    result = build(kit, env={"EVIDENCE_TODAY": "2027-05-26"})
    assert result.returncode == 0, result.log
    info = [
        line.removeprefix("INFO    -  evidence: ")
        for line in result.log.splitlines()
        if line.startswith("INFO    -  evidence: ")
    ]
    assert review_lines(info) == KIT_DUE_SOON
    assert review_lines(result.warnings()) == []
    code, lines = check(kit, "2027-05-26")
    assert code == 0
    assert review_lines(lines) == KIT_DUE_SOON


def test_kit_sev1_postmortem_after_the_review_requires_one(kit: Path) -> None:
    folder = kit.parent / "evidence/05-backups-recovery/postmortems"
    (folder / "2026-11-20-checkout-outage.md").write_text(
        postmortem("2026-11-20", runbooks=("incident-runbook",)), encoding="utf-8"
    )
    expected = (
        f"{RUNBOOK}:5:1: review-required: $.last_reviewed: last reviewed 2026-06-15, before "
        "the SEV1 postmortem evidence/05-backups-recovery/postmortems/"
        "2026-11-20-checkout-outage.md of 2026-11-20; review it by 2026-12-04 and set "
        "last_reviewed"
    )
    code, lines = check(kit, "2026-11-26")
    assert (code, review_lines(lines)) == (0, [expected])
    result = build(kit)
    assert result.returncode == 0, result.log
    assert expected in result.log
    card = result.page("05-backups-recovery/incident-runbook/index.html")
    assert 'data-review-status="review-required"' in card
    assert (
        '<a href="../postmortems/2026-11-20-checkout-outage/">SEV1 postmortem of 2026-11-20: '
        "Checkout outage</a>"
    ) in card
    # Reviewing the runbook after the incident clears it.
    edit(kit.parent / RUNBOOK, lambda s: s.replace("2026-06-15", "2026-11-25", 1))
    assert review_lines(check(kit, "2026-11-26")[1]) == []


def test_kit_builds_clean_on_the_real_date_of_this_issue(kit: Path) -> None:
    assert check(kit, "2026-11-26") == (0, kit_check_output().splitlines())


def test_a_waiver_may_name_any_waivable_rule_and_expires_into_an_error(tmp_path: Path) -> None:
    cited = runbook(extra="controls:\n  - SOC2:A.5.26\n")
    entry = {**waiver("2026-12-31"), "rule": "control-unknown", "reason": "catalogue update"}
    config = make_project(tmp_path, {"runbook.md": cited}, {"review": {"waivers": [entry]}})
    unknown = (
        "docs/runbook.md:7:5: control-unknown: $.controls[0]: unknown control SOC2:A.5.26 in "
        "SOC 2 Trust Services Criteria; did you mean ISO27001:A.5.26?"
    )
    assert check(config, "2026-12-31") == (
        0,
        [f"{unknown}; waived until 2026-12-31 by CISO: catalogue update", "0 errors, 1 warning"],
    )
    line = config.read_text().splitlines().index("      - document: runbook.md") + 1
    assert check(config, "2027-01-01") == (
        1,
        [
            unknown,
            f"mkdocs.yml:{line}:9: waiver-expired: the waiver of control-unknown for runbook.md "
            "(approved by CISO) expired on 2026-12-31; review the document, then remove the "
            "waiver or renew it with a later expiry",
            "2 errors, 0 warnings",
        ],
    )


def test_a_waiver_of_another_rule_must_name_a_file_and_a_waivable_rule(tmp_path: Path) -> None:
    missing = {**waiver("2026-12-31", "runbok.md"), "rule": "control-unknown"}
    config = make_project(tmp_path, {"runbook.md": runbook()}, {"review": {"waivers": [missing]}})
    line = config.read_text().splitlines().index("      - document: runbok.md") + 1
    assert check(config, "2026-12-01") == (
        0,
        [
            f"mkdocs.yml:{line}:9: waiver-unknown: the waiver names 'runbok.md', which is not a "
            "document or data file; write its path below the docs folder, or remove the waiver",
            "0 errors, 1 warning",
        ],
    )
    gate = {**waiver("2026-12-31"), "rule": "email"}
    config = make_project(tmp_path, {"runbook.md": runbook()}, {"review": {"waivers": [gate]}})
    run = run_cli("check", "--config", str(config))
    assert run.exit_code == 2
    assert run.stderr == (
        "evidence-kit: error: review: waivers[0]: rule 'email' cannot be waived; use a rule "
        "`evidence-kit rules` marks waivable, such as review-overdue or review-required\n"
    )
