"""`evidence-kit new postmortem`: the runbook's template, filled, checked, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, build, edit, make_project, quiet_kit, run_cli, table_rows
from evidence_kit.authoring import scaffold

FOLDER = "evidence/05-backups-recovery/postmortems"
NEW = f"{FOLDER}/2026-11-24-checkout-api-errors-for-eu-customers.md"


def new(kit: Path, *args: str) -> tuple[int, str, str]:
    run = run_cli("new", "postmortem", "--config", str(kit), *args)
    return run.exit_code, run.output, run.stderr


ARGS = ("--title", "Checkout API errors for EU customers", "--severity", "SEV2")


def test_the_runbook_template_block_is_the_shipped_template() -> None:
    runbook = (REPO / "evidence/05-backups-recovery/incident-runbook.md").read_text()
    block = re.search(r"^````markdown\n(.*?)^````$", runbook, re.DOTALL | re.MULTILINE)
    assert block is not None
    assert block.group(1) == scaffold.template()


WITHHELD = (
    f"{NEW}:12:1: postmortem-withheld: $.sanitized: not published in the audit edition: "
    "sanitized is not true; remove customer names, personal data and secrets, then set "
    "sanitized: true"
)


def test_new_postmortem_passes_check_and_is_never_overwritten(kit: Path) -> None:
    quiet_kit(kit)
    code, out, err = new(kit, *ARGS, "--start", "2026-11-24T09:15:00+01:00")
    assert (code, out, err) == (
        0,
        f"created {NEW} (draft): fill in its blanks, then run evidence-kit check\n",
        "",
    )
    path = kit.parent / NEW
    written = path.read_text()
    assert written.startswith(
        "---\n"
        "title: 'Checkout API errors for EU customers'\n"
        "type: postmortem\n"
        "severity: SEV2\n"
        "status: draft\n"
        "date:  # YYYY-MM-DD the postmortem was held\n"
        "owner:  # Incident commander\n"
        "incident:\n"
        "  start: 2026-11-24T09:15:00+01:00\n"
        "  end:  # YYYY-MM-DDTHH:MM:SS+00:00\n"
    )
    assert "  - at:  # time\n    event: customers notified\n" in written
    assert "\n# Checkout API errors for EU customers\n\n## Summary\n\n<!-- Two or three" in written
    assert "<<" not in written
    run = run_cli("check", "--config", str(kit))
    # A draft passes; it is withheld from the audit edition until it is marked sanitized.
    assert (run.exit_code, run.output) == (0, f"{WITHHELD}\n0 errors, 1 warning\n")

    edit(path, lambda s: s.replace("## Root cause", "## Root cause\n\nA bad deploy."))
    mine = path.read_text()
    code, out, err = new(
        kit, *ARGS, "--start", "2026-11-24T09:15:00+01:00", "--end", "2026-11-24T10:00:00+01:00"
    )
    assert (code, out) == (2, "")
    assert err == (
        f"evidence-kit: error: {NEW} already exists and was not overwritten; edit it, or start "
        "another postmortem with a different --title\n"
    )
    assert path.read_text() == mine


def test_the_new_draft_builds_strictly_and_stays_off_the_generated_lists(kit: Path) -> None:
    quiet_kit(kit)
    assert new(kit, *ARGS, "--start", "2026-11-24T09:15:00+01:00")[0] == 0
    result = build(kit)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    draft = "05-backups-recovery/postmortems/2026-11-24-checkout-api-errors-for-eu-customers"
    assert not (result.site / draft).exists()
    internal = build(kit, env={"EVIDENCE_AUDIENCE": "internal"})
    assert internal.returncode == 0, internal.log
    page = internal.page(f"{draft}/index.html")
    assert ["SEV2", "draft", "2026-11-24 08:15 UTC", "—", "—"] in table_rows(page)
    index = " ".join(result.page("05-backups-recovery/postmortems/index.html").split())
    assert "Checkout API errors" not in index
    assert "1 postmortem is not listed" in index


def test_a_draft_marked_final_with_its_blanks_is_refused(kit: Path) -> None:
    quiet_kit(kit)
    new(kit, *ARGS, "--start", "2026-11-24T09:15:00+01:00", "--end", "2026-11-24T10:40:00+01:00")
    path = kit.parent / NEW
    written = path.read_text()
    assert "  end: 2026-11-24T10:40:00+01:00\n" in written
    edit(path, lambda s: s.replace("status: draft", "status: final"))
    run = run_cli("check", "--config", str(kit))
    assert run.exit_code == 1
    lines = [line for line in run.output.splitlines()[:-1] if "postmortem-withheld" not in line]
    fields = [line.split(": ")[2] for line in lines]
    assert fields == [
        "$.date",
        "$.owner",
        "$.customer_impact",
        *(f"$.timeline[{i}].at" for i in range(7)),
        "$.action_items[0].item",
        "$.action_items[0].owner",
        "$.action_items[0].due",
    ]
    assert run.output.splitlines()[-1] == "13 errors, 1 warning"


def test_a_title_is_text_in_yaml_and_markdown(tmp_path: Path) -> None:
    runbook = "---\ntype: runbook\ntitle: R\nowner: P\nlast_reviewed: 2026-11-26\n---\n"
    config = make_project(tmp_path, {"index.md": "# Home\n", "incident-runbook.md": runbook})
    title = "It's <b>down</b> for <<Company name>>"
    run = run_cli(
        "new",
        "postmortem",
        "--config",
        str(config),
        "--title",
        title,
        "--severity",
        "SEV3",
        "--start",
        "2026-11-25T23:30:00-05:00",
    )
    assert run.exit_code == 0
    # Dated by the start's own day: 23:30 in New York, already the 26th in UTC.
    name = "docs/postmortems/2026-11-25-it-s-b-down-b-for-company-name.md"
    assert (
        run.output == f"created {name} (draft): fill in its blanks, then run evidence-kit check\n"
    )
    path = tmp_path / name
    text = path.read_text()
    assert "title: 'It''s <b>down</b> for \\<<Company name>>'\n" in text
    assert "\n# It's &lt;b&gt;down&lt;/b&gt; for &lt;&lt;Company name&gt;&gt;\n" in text
    assert run_cli("check", "--config", str(config)).output.endswith("0 errors, 1 warning\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--start", "2026-11-24T09:15:00"),
            "'2026-11-24T09:15:00' is not a date-time with its UTC offset",
        ),
        (("--start", "yesterday"), "'yesterday' is not a date-time with its UTC offset"),
        (
            ("--start", "2026-11-24T09:15:00+00:00", "--end", "2026-11-24T09:15:00+00:00"),
            "the incident must end after it starts",
        ),
    ],
)
def test_bad_times_are_usage_errors(kit: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = new(kit, *ARGS, *args)
    assert code == 2
    assert message in err
    assert not (kit.parent / FOLDER).joinpath(NEW.rsplit("/", 1)[1]).exists()


def test_severity_must_be_one_of_the_runbook(kit: Path) -> None:
    code, _, err = new(kit, "--title", "x", "--severity", "SEV4", "--start", "2026-11-24T09:15:00Z")
    assert code == 2
    assert "Invalid value for --severity: 'SEV4' is not one of SEV1, SEV2, SEV3" in err


def test_the_folder_is_found_or_asked_for(tmp_path: Path) -> None:
    types = {"types": {"**/postmortems/*.md": "postmortem"}}
    pm = (
        REPO / "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"
    ).read_text()
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n", "a/postmortems/x.md": pm, "b/postmortems/y.md": pm},
        types,
    )
    start = ("--start", "2026-11-24T09:15:00+00:00")
    run = run_cli("new", "postmortem", "--config", str(config), *ARGS, *start)
    assert run.exit_code == 2
    assert run.stderr == (
        "evidence-kit: error: postmortems live in several folders (a/postmortems, "
        "b/postmortems); choose one with --dir\n"
    )
    run = run_cli(
        "new", "postmortem", "--config", str(config), *ARGS, *start, "--dir", "b/postmortems"
    )
    assert run.exit_code == 0
    assert (
        tmp_path / "docs/b/postmortems/2026-11-24-checkout-api-errors-for-eu-customers.md"
    ).exists()
    run = run_cli(
        "new", "postmortem", "--config", str(config), *ARGS, *start, "--dir", "../outside"
    )
    assert run.exit_code == 2
    assert (
        run.stderr == "evidence-kit: error: --dir '../outside' must be a folder inside docs_dir\n"
    )
    assert not (tmp_path / "outside").exists()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Checkout API: 5xx for EU", "checkout-api-5xx-for-eu"),
        ("Café outage — São Paulo", "cafe-outage-sao-paulo"),
        ("!!!", "incident"),
        ("x" * 80, "x" * 60),
    ],
)
def test_slug(title: str, expected: str) -> None:
    assert scaffold.slug(title) == expected
