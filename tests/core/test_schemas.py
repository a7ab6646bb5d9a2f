"""Schemas: every type validated with friendly messages, broken schemas stop the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, build, make_project, run_cli

OPTIONS = {"schemas_dir": "schemas"}


def check(config: Path) -> tuple[int, list[str]]:
    run = run_cli("check", "--config", str(config))
    return run.exit_code, run.output.splitlines()


def runbook(front: str) -> str:
    return f"---\ntype: runbook\ntitle: Runbook\n{front}---\n\n# Runbook\n"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "owner: Platform\n",
            "docs/r.md:2:1: schema: $.last_reviewed: missing required field 'last_reviewed'; add it",
        ),
        (
            "owner: NO\nlast_reviewed: 2026-01-10\n",
            'docs/r.md:4:1: schema: $.owner: expected text, but YAML reads NO as a boolean; quote it: "NO"',
        ),
        (
            "owner: 01234\nlast_reviewed: 2026-01-10\n",
            'docs/r.md:4:1: schema: $.owner: expected text, but YAML reads 01234 as an integer; quote it: "01234"',
        ),
        (
            "owner: 1.10\nlast_reviewed: 2026-01-10\n",
            'docs/r.md:4:1: schema: $.owner: expected text, but YAML reads 1.10 as a number; quote it: "1.10"',
        ),
        (
            "owner: P\nlast_reviewed: 2026-13-45\n",
            "docs/r.md:5:1: schema: $.last_reviewed: '2026-13-45' is not a valid date; write a real date as YYYY-MM-DD",
        ),
        (
            "owner: P\nlast_reviewed: 10/01/2026\n",
            "docs/r.md:5:1: schema: $.last_reviewed: '10/01/2026' is not a valid date; write a real date as YYYY-MM-DD",
        ),
        (
            "owner: P\nlast_reviewed: 2026-01-10\nownr: Q\n",
            "docs/r.md:6:1: schema: $.ownr: unknown field 'ownr'; did you mean 'owner'?",
        ),
        (
            "owner: P\nlast_reviewed: 2026-01-10\nreview_every: yearly\n",
            "docs/r.md:6:1: schema: $.review_every: 'yearly' does not have the expected form; write a number and a unit, e.g. '12 months' or '2 weeks'",
        ),
        (
            "owner: ''\nlast_reviewed: 2026-01-10\n",
            "docs/r.md:4:1: schema: $.owner: must not be empty; fill it in",
        ),
        (
            "owner: P\nlast_reviewed: 2026-01-10\ncontrols: [SOC2 CC7.3]\n",
            "docs/r.md:6:12: schema: $.controls[0]: 'SOC2 CC7.3' does not have the expected form; write CATALOGUE:ID, e.g. SOC2:CC7.3 or ISO27001:A.5.26",
        ),
    ],
)
def test_schema_errors_point_at_the_key_with_a_fix(
    tmp_path: Path, front: str, expected: str
) -> None:
    config = make_project(tmp_path, {"r.md": runbook(front)})
    assert check(config) == (1, [expected, "1 error, 0 warnings"])


def test_postmortem_date_times_need_an_offset(tmp_path: Path) -> None:
    pm = (
        "---\ntype: postmortem\ntitle: T\nseverity: SEV3\nstatus: draft\ndate: 2026-03-06\n"
        "owner: P\nsanitized: true\nincident:\n  start: 2026-03-02T14:05:00\n---\n"
    )
    config = make_project(tmp_path, {"pm.md": pm})
    assert check(config) == (
        1,
        [
            "docs/pm.md:10:3: schema: $.incident.start: '2026-03-02T14:05:00' is not a valid date-time; write YYYY-MM-DDTHH:MM with a UTC offset, e.g. 2026-03-02T14:05:00+00:00",
            "1 error, 0 warnings",
        ],
    )


def test_folder_rule_types_documents_and_front_matter_wins(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {"pm/a.md": "# No front matter\n", "pm/index.md": "---\ntype: section\ntitle: PMs\n---\n"},
        {"types": {"pm/*.md": "postmortem"}},
    )
    code, lines = check(config)
    assert code == 1
    assert "docs/pm/a.md:1:1: schema: $.date: missing required field 'date'; add it" in lines
    assert not any("pm/index.md" in line for line in lines)


def test_unknown_type_names_the_known_ones(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"x.md": "---\ntitle: X\ntype: runbok\n---\n"})
    assert check(config) == (
        1,
        [
            "docs/x.md:3:1: unknown-type: $.type: no schema for document type 'runbok'; use one of oncall, postmortem, procedure, restore-test, runbook, section or add a schema",
            "1 error, 0 warnings",
        ],
    )


def schema(type_name: str, body: dict[str, object]) -> str:
    return json.dumps(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://acme.example/{type_name}.schema.json",
            **body,
        }
    )


def test_project_schemas_add_types_and_override_shipped_ones(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        {
            "policy.md": "---\ntype: policy\ntitle: P\n---\n",
            # last_reviewed: the review lifecycle needs it whatever the schema says.
            "r.md": "---\ntype: runbook\ntitle: R\nlast_reviewed: 2026-06-15\n---\n",
        },
        OPTIONS,
    )
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "policy.schema.json").write_text(
        schema("policy", {"type": "object", "required": ["approver"]})
    )
    (tmp_path / "schemas" / "runbook.schema.json").write_text(schema("runbook", {"type": "object"}))
    assert check(config) == (
        1,
        [
            "docs/policy.md:2:1: schema: $.approver: missing required field 'approver'; add it",
            "1 error, 0 warnings",
        ],
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"type": 12, "$id": "https://acme.example/bad.schema.json"}',
            "invalid schema at $.type: 12 is not valid under any of the given schemas",
        ),
        ('{"type": "object"}', "a schema needs an absolute $id"),
        (
            "{not json",
            "not a readable JSON Schema: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
    ],
)
def test_broken_schema_stops_build_and_check(tmp_path: Path, content: str, message: str) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, OPTIONS)
    (tmp_path / "schemas").mkdir()
    bad = tmp_path / "schemas" / "bad.schema.json"
    bad.write_text(content)
    result = build(config)
    assert result.returncode == 1
    assert f"ERROR   -  evidence: {bad.resolve()}: {message}" in result.log.splitlines()
    assert "Traceback" not in result.log
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {bad.resolve()}: {message}\n")


def test_a_type_from_a_folder_rule_satisfies_the_schema(tmp_path: Path) -> None:
    kit_pm = REPO / "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"
    untyped = kit_pm.read_text(encoding="utf-8").replace("type: postmortem\n", "", 1)
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n", "team/postmortems/2026-03-06-failover.md": untyped},
        {"types": {"**/postmortems/*.md": "postmortem"}},
    )
    _, lines = check(config)
    assert not any("$.type" in line for line in lines), lines
    assert not any(": schema: " in line for line in lines), lines
