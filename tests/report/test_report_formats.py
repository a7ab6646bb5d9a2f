"""Machine formats of `evidence-kit check`, each read back by its schema or a real consumer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmlschema
from jsonschema import Draft4Validator, Draft202012Validator
from junitparser import Failure, JUnitXml

from conftest import edit, quiet_kit, run_cli
from evidence_kit import registry
from evidence_kit.core.model import Finding, Severity
from evidence_kit.report import formats as report

DATA = Path(__file__).resolve().parents[1] / "data"
RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
POSTMORTEM = "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"
KIT_FILES = [
    "evidence/05-backups-recovery/incident-runbook.md",
    "evidence/05-backups-recovery/index.md",
    "evidence/05-backups-recovery/oncall.yml",
    "evidence/05-backups-recovery/postmortems/2026-01-21-nightly-export-delay.md",
    POSTMORTEM,
    "evidence/05-backups-recovery/postmortems/2026-05-19-login-errors.md",
    "evidence/05-backups-recovery/postmortems/2026-06-02-api-outage.md",
    "evidence/05-backups-recovery/restore-test.md",
    *(
        f"evidence/05-backups-recovery/restore-tests/{day}.md"
        for day in ("2025-12-04", "2026-01-08", "2026-04-09", "2026-07-09", "2026-10-08")
    ),
    "evidence/index.md",
]


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.fixture
def broken(kit: Path) -> Path:
    """The kit with two errors in a postmortem, one in the runbook and an unused value (and
    without its example warnings)."""
    quiet_kit(kit)
    edit(
        kit.parent / POSTMORTEM,
        lambda s: s.replace("severity: SEV2", "severity: SEV9").replace(
            "sanitized: true\n", "sanitized: true\nextra: 1\n"
        ),
    )
    edit(kit.parent / RUNBOOK, lambda s: s.replace("  - SOC2:CC7.3\n", "  - SOC2:CC73\n"))
    edit(
        kit,
        lambda s: s.replace("        Legal contact:", "        Unused: x\n        Legal contact:"),
    )
    return kit


CONTROL = "unknown control SOC2:CC73 in SOC 2 Trust Services Criteria; did you mean SOC2:CC7.3?"
SEVERITY = "'SEV9' is not one of SEV1, SEV2, SEV3; use one of them"
EXTRA = "unknown field 'extra'; remove it"
UNUSED = "<<Unused>> has a value but no page uses it; remove it or use it"
Expected = list[tuple[str, int, int, str, str, "str | None", str]]


@pytest.fixture
def findings(broken: Path) -> Expected:
    """The broken kit's findings in report order: (path, line, col, rule, level, field, text)."""
    root = broken.parent
    runbook = line_of(root / RUNBOOK, "  - SOC2:CC73")
    severity = line_of(root / POSTMORTEM, "severity: SEV9")
    extra = line_of(root / POSTMORTEM, "extra: 1")
    unused = line_of(broken, "        Unused: x")
    return [
        (RUNBOOK, runbook, 5, "control-unknown", "error", "$.controls[0]", CONTROL),
        (POSTMORTEM, severity, 1, "schema", "error", "$.severity", SEVERITY),
        (POSTMORTEM, extra, 1, "schema", "error", "$.extra", EXTRA),
        ("mkdocs.yml", unused, 9, "placeholder-unused", "warning", None, UNUSED),
    ]


def check(config: Path, output: str, *args: str) -> tuple[int, str]:
    run = run_cli("check", "--config", str(config), "--format", output, *args)
    return run.exit_code, run.output


def test_json_report_matches_its_schema(broken: Path, findings: Expected) -> None:
    code, output = check(broken, "json")
    assert code == 1
    document = json.loads(output)
    Draft202012Validator(json.loads((DATA / "findings-report.schema.json").read_text())).validate(
        document
    )
    keys = ("path", "line", "column", "rule", "severity", "field", "message")
    assert [tuple(f[k] for k in keys) for f in document["findings"]] == findings
    assert document["summary"] == {"errors": 3, "warnings": 1}


def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(DATA / "junit.xsd"))


def cases(output: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(file, family) -> (outcome, failure message, failure text or system-out), by junitparser."""
    found = {}
    for suite in JUnitXml.fromstring(output):
        assert suite.tests == len(list(suite))
        for case in suite:
            failures = [r for r in case.result if isinstance(r, Failure)]
            if failures:
                found[(case.classname, case.name)] = (
                    "failed",
                    failures[0].message or "",
                    failures[0].text or "",
                )
            else:
                found[(case.classname, case.name)] = ("passed", "", case.system_out or "")
    return found


def test_junit_validates_and_a_junit_reader_sees_each_document_and_family(
    broken: Path, findings: Expected
) -> None:
    lines = [f"{path}:{line}:{col}: {rule}: " for path, line, col, rule, *_ in findings]
    code, output = check(broken, "junit")
    assert code == 1
    junit_schema().validate(output)
    found = cases(output)
    families = ["control", "file", "placeholder", "schema", "yaml"]
    assert set(found) == {(p, f) for p in KIT_FILES for f in families} | {
        ("mkdocs.yml", "placeholder")
    }
    failed = {key: value for key, value in found.items() if value[0] == "failed"}
    assert failed == {
        (RUNBOOK, "control"): (
            "failed",
            CONTROL,
            f"{lines[0]}$.controls[0]: {CONTROL}\n",
        ),
        (POSTMORTEM, "schema"): (
            "failed",
            f"{SEVERITY} (and 1 more)",
            f"{lines[1]}$.severity: {SEVERITY}\n{lines[2]}$.extra: {EXTRA}\n",
        ),
    }
    assert found[("mkdocs.yml", "placeholder")] == (
        "passed",
        "",
        f"warning: {lines[3]}{UNUSED}\n",
    )
    suites = JUnitXml.fromstring(output)
    assert (suites.tests, suites.failures, suites.errors) == (5 * len(KIT_FILES) + 1, 2, 0)


def test_junit_strict_fails_warnings_too(broken: Path) -> None:
    edit(broken.parent / POSTMORTEM, lambda s: s.replace("SEV9", "SEV2").replace("extra: 1\n", ""))
    edit(broken.parent / RUNBOOK, lambda s: s.replace("SOC2:CC73", "SOC2:CC7.3"))
    code, output = check(broken, "junit")
    assert code == 0
    assert cases(output)[("mkdocs.yml", "placeholder")][0] == "passed"
    code, output = check(broken, "junit", "--strict")
    assert code == 1
    junit_schema().validate(output)
    assert cases(output)[("mkdocs.yml", "placeholder")][:2] == ("failed", UNUSED)


def test_junit_of_a_clean_kit_passes_every_case(kit: Path) -> None:
    quiet_kit(kit)
    code, output = check(kit, "junit")
    assert code == 0
    junit_schema().validate(output)
    assert {value[0] for value in cases(output).values()} == {"passed"}
    assert len(cases(output)) == 5 * len(KIT_FILES)


def test_junit_carries_text_xml_cannot(tmp_path: Path) -> None:
    finding = Finding("a&b<c>.md", 1, 1, "schema", 'bell \x07 and "quotes" & <tags>')
    output = report.junit([finding], checked=["a&b<c>.md"])
    junit_schema().validate(output)
    ((key, value),) = [(k, v) for k, v in cases(output).items() if v[0] == "failed"]
    assert key == ("a&b<c>.md", "schema")
    assert value[1] == 'bell \ufffd and "quotes" & <tags>'


def sarif_validator() -> Draft4Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_official_schema(broken: Path, findings: Expected) -> None:
    code, output = check(broken, "sarif")
    assert code == 1
    log = json.loads(output)
    assert [e.message for e in sarif_validator().iter_errors(log)] == []
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    # Every rule of the registry is described, whether or not it found anything.
    assert [r["id"] for r in rules] == list(registry.RULES)
    assert {r["id"]: r["shortDescription"]["text"] for r in rules} == {
        rule.id: rule.summary for rule in registry.RULES.values()
    }
    results = [
        (
            rules[r["ruleIndex"]]["id"],
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["message"]["text"],
        )
        for r in run["results"]
    ]
    assert results == [
        (rule, rule, level, path, line, col, f"{field}: {msg}" if field else msg)
        for path, line, col, rule, level, field, msg in findings
    ]


def test_sarif_of_a_clean_kit_is_valid_and_empty(kit: Path) -> None:
    quiet_kit(kit)
    code, output = check(kit, "sarif")
    log = json.loads(output)
    assert code == 0
    assert [e.message for e in sarif_validator().iter_errors(log)] == []
    assert log["runs"][0]["results"] == []


def test_sarif_escapes_paths_as_uris() -> None:
    log = json.loads(report.sarif([Finding("docs/a b#1.md", 2, 3, "schema", "m")]))
    assert [e.message for e in sarif_validator().iter_errors(log)] == []
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/a%20b%231.md"


def read_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the GitHub runner reads it: `::name k=v,k=v::data`."""
    assert line.startswith("::")
    head, data = line[2:].split("::", 1)
    name, _, props = head.partition(" ")
    properties = {}
    for pair in props.split(","):
        key, _, value = pair.partition("=")
        properties[key] = (
            value.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
        )
    return name, properties, data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def test_github_annotations_name_file_line_column_and_rule(
    broken: Path, findings: Expected
) -> None:
    code, output = check(broken, "github")
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == (
        f"::error file={RUNBOOK},line={findings[0][1]},col=5,title=control-unknown::"
        f"$.controls[0]: {CONTROL}"
    )
    assert lines[-1] == "3 errors, 1 warning"
    commands = [read_command(line) for line in lines[:-1]]
    assert commands == [
        (
            level,
            {"file": path, "line": str(line), "col": str(col), "title": rule},
            f"{field}: {msg}" if field else msg,
        )
        for path, line, col, rule, level, field, msg in findings
    ]


def test_github_escapes_what_would_break_a_command() -> None:
    finding = Finding(
        "docs/a,b:c%.md", 3, 2, "schema", "50% done\r\nnext: x, y", Severity.WARNING, "$.a"
    )
    output = report.github([finding])
    assert output == (
        "::warning file=docs/a%2Cb%3Ac%25.md,line=3,col=2,title=schema::"
        "$.a: 50%25 done%0D%0Anext: x, y\n0 errors, 1 warning\n"
    )
    assert read_command(output.splitlines()[0]) == (
        "warning",
        {"file": "docs/a,b:c%.md", "line": "3", "col": "2", "title": "schema"},
        "$.a: 50% done\r\nnext: x, y",
    )


@pytest.mark.parametrize("output", sorted(report.FORMATS))
def test_warnings_fail_only_with_strict(kit: Path, output: str) -> None:
    edit(
        kit,
        lambda s: s.replace("        Legal contact:", "        Unused: x\n        Legal contact:"),
    )
    assert check(kit, output)[0] == 0
    assert check(kit, output, "--strict")[0] == 1


@pytest.mark.parametrize("output", sorted(report.FORMATS))
def test_errors_fail_in_every_format(broken: Path, output: str) -> None:
    assert check(broken, output)[0] == 1


@pytest.mark.parametrize(
    ("rule", "family"),
    [
        ("schema", "schema"),
        ("unknown-type", "schema"),
        ("placeholder-missing", "placeholder"),
        ("front-matter-unclosed", "front-matter"),
        ("yaml-duplicate-key", "yaml"),
        ("review-overdue", "review"),
        ("control-unknown", "control"),
        ("sla-war-room", "incident"),
        ("action-item-overdue", "incident"),
        ("action-items-missing", "incident"),
        ("postmortem-deadline", "incident"),
        ("incident-window", "incident"),
        ("oncall-gap", "oncall"),
        ("waiver-expired", "review"),
        ("runbook-unknown", "review"),
        ("page-name-taken", "page"),
    ],
)
def test_rule_families(rule: str, family: str) -> None:
    assert report.family(rule) == family


# GitLab's documented Code Quality fields (docs.gitlab.com/ci/testing/code_quality/,
# "Code Quality report format"): an array of issues, each with these, and nothing GitLab
# does not read.
GITLAB_CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_code_quality_has_the_documented_shape(broken: Path, findings: Expected) -> None:
    code, output = check(broken, "gitlab")
    assert code == 1
    issues = json.loads(output)
    validator = Draft202012Validator(GITLAB_CODE_QUALITY)
    assert [e.message for e in validator.iter_errors(issues)] == []
    assert [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"])
        for i in issues
    ] == [
        (path, line, rule, "major" if level == "error" else "minor")
        for path, line, _, rule, level, _, _ in findings
    ]
    assert issues[0]["description"] == f"$.controls[0]: {CONTROL}"
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # The same findings give the same fingerprints: the widget compares runs by them.
    assert check(broken, "gitlab")[1] == output


def test_gitlab_fingerprints_survive_moved_lines_and_tell_twins_apart() -> None:
    twin = Finding("docs/a.md", 3, 1, "placeholder-missing", "<<X>> has no value")
    moved = Finding("docs/a.md", 9, 1, "placeholder-missing", "<<X>> has no value")
    first = json.loads(report.gitlab([twin, twin]))
    assert first[0]["fingerprint"] != first[1]["fingerprint"]
    assert json.loads(report.gitlab([moved]))[0]["fingerprint"] == first[0]["fingerprint"]
    assert report.gitlab([]) == "[]\n"


def test_gitlab_of_a_clean_kit_is_an_empty_array(kit: Path) -> None:
    assert check(quiet_kit(kit), "gitlab") == (0, "[]\n")
