"""`evidence-kit check`: exit codes 0 / 1 / 2 and output formats, through the real CLI."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, build, make_project, run_cli
from evidence_kit.cli import main
from evidence_kit.config import EvidenceConfig
from evidence_kit.core.settings import DEFAULT_MAX_FILE_SIZE
from evidence_kit.plugin import EvidencePlugin
from evidence_kit.report.formats import FORMATS

BAD = "---\ntype: runbook\ntitle: R\nowner: P\nlast_reviewed: 2026-02-30\n---\n"


def test_clean_tree_exits_0(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    assert run_cli("check", "-f", str(config)).exit_code == 0


def test_errors_exit_1_in_text_and_json(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"r.md": BAD})
    text = run_cli("check", "--config", str(config))
    assert (text.exit_code, text.output) == (
        1,
        "docs/r.md:5:1: schema: $.last_reviewed: '2026-02-30' is not a valid date; write a real date as YYYY-MM-DD\n"
        "1 error, 0 warnings\n",
    )
    run = run_cli("check", "--config", str(config), "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.output) == {
        "findings": [
            {
                "path": "docs/r.md",
                "line": 5,
                "column": 1,
                "rule": "schema",
                "severity": "error",
                "field": "$.last_reviewed",
                "message": "'2026-02-30' is not a valid date; write a real date as YYYY-MM-DD",
            }
        ],
        "summary": {"errors": 1, "warnings": 0},
    }


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (
            ["--today", "tomorrow"],
            "evidence-kit: error: --today='tomorrow' is not a date; write YYYY-MM-DD\n",
        ),
        (["--format", "xml"], None),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], stderr: str | None) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    run = run_cli("check", "--config", str(config), *args)
    assert run.exit_code == 2
    if stderr is not None:
        assert run.stderr == stderr


def test_bad_clock_from_environment_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    monkeypatch.setenv("EVIDENCE_TODAY", "2026-02-30")
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (
        2,
        "evidence-kit: error: EVIDENCE_TODAY='2026-02-30' is not a date; write YYYY-MM-DD\n",
    )


def test_config_problems_exit_2(tmp_path: Path) -> None:
    missing = run_cli("check", "--config", str(tmp_path / "nope.yml"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith(
        f"evidence-kit: error: {tmp_path / 'nope.yml'}: cannot read the MkDocs config"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins: [search]\n")
    run = run_cli("check", "--config", str(tmp_path / "mkdocs.yml"))
    assert (run.exit_code, run.stderr) == (
        2,
        f"evidence-kit: error: {tmp_path / 'mkdocs.yml'}: the 'evidence' plugin is not in plugins\n",
    )


def test_cli_reads_mkdocs_tags_it_does_not_need(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# <<Name>>\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: !ENV [SITE, 'x']\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - evidence:\n      placeholders:\n        Name: !ENV [EVIDENCE_TEST_NAME, fallback]\n"
    )
    assert run_cli("check", "--config", str(tmp_path / "mkdocs.yml")).exit_code == 0


def test_config_class_matches_engine_defaults() -> None:
    plugin = EvidencePlugin()
    errors, warnings = plugin.load_config({})
    assert (errors, warnings) == ([], [])
    assert dict(plugin.config) == {
        "enabled": True,
        "schemas_dir": None,
        "types": {},
        "placeholders": {},
        "max_file_size": DEFAULT_MAX_FILE_SIZE,
        "holidays": None,
        "review": {},
        "incidents": {},
        "publish": {},
        "controls": {},
        "restore_tests": {},
    }
    assert isinstance(plugin.config, EvidenceConfig)


def test_config_types_are_checked_by_mkdocs() -> None:
    errors, warnings = EvidencePlugin().load_config({"types": ["a"], "colour": "red"})
    assert [(key, str(err)) for key, err in errors] == [
        ("types", "Expected type: <class 'dict'> but received: <class 'list'>")
    ]
    assert [(key, str(w)) for key, w in warnings] == [
        ("colour", "Unrecognised configuration name: colour")
    ]


def test_wheel_ships_the_schemas(wheel: Path, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"evidence_kit/core/schemas/{p.name}" for p in (REPO / "schemas").glob("*.schema.json")
    }
    assert shipped <= names
    assert "evidence_kit/py.typed" in names
    assert {"evidence_kit/pages/assets/review.js", "evidence_kit/pages/assets/review.css"} <= names
    assert "evidence_kit/plugin.py" in names


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"placeholder": {"A": "b"}}, "placeholder: unknown option; did you mean 'placeholders'?"),
        ({"review": {"cadense": {}}}, "review: cadense: unknown option; did you mean 'cadence'?"),
        (
            {
                "review": {
                    "waivers": [
                        {
                            "document": "a.md",
                            "rule": "review-overdue",
                            "reason": "x",
                            "approver": "K",
                            "expires": "2027-01-01",
                            "reasons": "y",
                        }
                    ]
                }
            },
            "review: waivers[0]: reasons: unknown option; did you mean 'reason'?",
        ),
        (
            {"incidents": {"acknowledge_minute": 5}},
            "incidents: acknowledge_minute: unknown option; did you mean 'acknowledge_minutes'?",
        ),
        (
            {"publish": {"deny_term": ["x"]}},
            "publish: deny_term: unknown option; did you mean 'deny_terms'?",
        ),
        (
            {"controls": {"catalogue": ["SOC2"]}},
            "controls: catalogue: unknown option; did you mean 'catalogues'?",
        ),
    ],
)
def test_a_misspelled_option_reads_the_same_from_check_and_build(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"}, options)
    run = run_cli("check", "--config", str(config))
    assert (run.exit_code, run.stderr) == (2, f"evidence-kit: error: {message}\n")
    result = build(config, strict=False)
    assert result.returncode == 1
    assert f"ERROR   -  evidence: invalid plugin options: {message}\n" in result.log


def test_the_cli_knows_the_options_mkdocs_knows() -> None:
    from evidence_kit.config import EvidenceConfig
    from evidence_kit.core.settings import OPTIONS

    assert tuple(name for name, _ in EvidenceConfig._schema) == OPTIONS


def test_the_readme_ci_samples_parse_and_call_real_commands_and_formats() -> None:
    """The GitHub Actions and GitLab CI samples are YAML, and every `evidence-kit` line in
    them names a command and a --format the CLI has."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
        if "evidence-kit check --strict --format" in block
    ]
    assert len(blocks) == 2
    workflow, gitlab = blocks
    steps = workflow["jobs"]["evidence"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    runs += gitlab["evidence"]["script"]
    assert gitlab["evidence"]["artifacts"]["reports"]["codequality"]
    assert any("upload-sarif" in step.get("uses", "") for step in steps)
    commands = [run.split() for run in runs if run.startswith("evidence-kit ")]
    assert {words[1] for words in commands} == {"check", "scan"}
    for words in commands:
        assert words[1] in main.commands
        formats = [words[i + 1] for i, word in enumerate(words) if word == "--format"]
        assert formats and all(f in FORMATS for f in formats), words
    assert {f for words in commands for f in words} >= {"sarif", "github", "gitlab"}
