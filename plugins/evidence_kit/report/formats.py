"""Findings for people (text) and for machines: JSON, JUnit XML, SARIF 2.1.0, GitHub
annotations, GitLab Code Quality."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import quote

from .. import __version__
from ..core.model import Finding, Severity
from ..registry import RULES
from ..rules import Rule

TOOL = "evidence-kit"


class Reporter(Protocol):
    """Findings -> the text of one report; `checked` names every file the run read."""

    def __call__(
        self, findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False
    ) -> str: ...


def summary(findings: Sequence[Finding]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def text(findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False) -> str:
    """One `path:line:col: rule: $.field: message` line each, then the summary."""
    return "".join(f"{f}\n" for f in findings) + summary(findings) + "\n"


def as_json(
    findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False
) -> str:
    """An object with every finding and the counts."""
    items = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "rule": f.rule,
            "severity": f.severity.value,
            "field": f.field,
            "message": f.message,
        }
        for f in findings
    ]
    errors = sum(f.is_error for f in findings)
    counts = {"errors": errors, "warnings": len(findings) - errors}
    return json.dumps({"findings": items, "summary": counts}, indent=2) + "\n"


# --- rule families ---------------------------------------------------------------------

DOCUMENT_FAMILIES = ("file", "yaml", "schema", "placeholder", "control")
"""The checks every document goes through, so JUnit lists them even when they pass."""


def family(rule: str) -> str:
    """`placeholder-missing` -> `placeholder`: the rules a CI report shows as one check."""
    declared = RULES.get(rule)
    return declared.family if declared else rule.split("-", 1)[0]


# --- JUnit XML -----------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def junit(findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False) -> str:
    """A test suite per file, a test case per rule family; failures carry the findings.

    Warnings fail their test case only with `strict`, as they fail the run only then.
    """
    found: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        found[f.path][family(f.rule)].append(f)
    families = sorted(set(DOCUMENT_FAMILIES) | {family(f.rule) for f in findings})
    root = ET.Element("testsuites", name=TOOL)
    totals = [0, 0]
    for path in sorted(set(checked) | set(found)):
        # Files outside the tree (mkdocs.yml) get only the checks that reported on them.
        names = families if path in checked else sorted(found[path])
        suite = ET.SubElement(root, "testsuite", name=_xml_text(path))
        failures = 0
        for name in names:
            case = ET.SubElement(suite, "testcase", classname=_xml_text(path), name=name, time="0")
            failing = [f for f in found[path][name] if f.is_error or strict]
            passing = [f for f in found[path][name] if f not in failing]
            if failing:
                failures += 1
                more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
                failure = ET.SubElement(
                    case, "failure", message=_xml_text(failing[0].message + more), type=name
                )
                failure.text = _xml_text("".join(f"{f}\n" for f in failing))
            if passing:
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text("".join(f"warning: {f}\n" for f in passing))
        suite.attrib.update(
            tests=str(len(names)), failures=str(failures), errors="0", skipped="0", time="0"
        )
        totals[0] += len(names)
        totals[1] += failures
    root.attrib.update(tests=str(totals[0]), failures=str(totals[1]), errors="0", time="0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# --- SARIF 2.1.0 ---------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif_rule(rule: str) -> dict[str, object]:
    declared = RULES.get(rule)
    described: dict[str, object] = {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("-")),
        "shortDescription": {"text": declared.summary if declared else rule},
        "properties": {"family": family(rule)},
    }
    if declared:
        level = "error" if declared.severity is Severity.ERROR else "warning"
        described["defaultConfiguration"] = {"level": level}
    return described


def sarif(findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False) -> str:
    """One SARIF run: every rule of the registry (and any other a finding carries), and a
    result per finding."""
    rule_ids = [*RULES, *sorted({f.rule for f in findings} - set(RULES))]
    index = {rule: i for i, rule in enumerate(rule_ids)}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": "error" if f.is_error else "warning",
            "message": {"text": f"{f.field}: {f.message}" if f.field else f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(rule) for rule in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


# --- GitHub Actions workflow commands ------------------------------------------------


def _command_data(value: str) -> str:
    """Escape a workflow command's message (GitHub's toolkit `escapeData`)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(value: str) -> str:
    """Escape a workflow command's property value (GitHub's toolkit `escapeProperty`)."""
    return _command_data(value).replace(":", "%3A").replace(",", "%2C")


def github(
    findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False
) -> str:
    """`::error file=...,line=...,col=...,title=...::message` per finding, then the summary."""
    lines = []
    for f in findings:
        properties = ",".join(
            f"{key}={_command_property(value)}"
            for key, value in (
                ("file", f.path),
                ("line", str(f.line)),
                ("col", str(f.column)),
                ("title", f.rule),
            )
        )
        message = f"{f.field}: {f.message}" if f.field else f.message
        level = "error" if f.is_error else "warning"
        lines.append(f"::{level} {properties}::{_command_data(message)}\n")
    return "".join(lines) + summary(findings) + "\n"


# --- GitLab Code Quality -------------------------------------------------------------

GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
"""GitLab's scale is info, minor, major, critical, blocker: an error fails the run (major),
a warning only with --strict (minor)."""


def gitlab(
    findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False
) -> str:
    """A Code Quality report (`artifacts: reports: codequality:`): a JSON array with one
    issue per finding: description, check_name, fingerprint, severity, location.

    The fingerprint is the same for the same finding on the next run, wherever its line
    moves (path, rule, field and message, and which of identical ones it is), so the merge
    request widget shows what a change added or fixed.
    """
    seen: dict[tuple[str, str, str, str], int] = defaultdict(int)
    issues = []
    for f in findings:
        key = (f.path, f.rule, f.field or "", f.message)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8"))
        issues.append(
            {
                "description": f"{f.field}: {f.message}" if f.field else f.message,
                "check_name": f.rule,
                "fingerprint": digest.hexdigest()[:32],
                "severity": GITLAB_SEVERITY[f.severity],
                "location": {"path": f.path, "lines": {"begin": f.line}},
            }
        )
    return json.dumps(issues, indent=2) + "\n"


FORMATS: dict[str, Reporter] = {
    "text": text,
    "json": as_json,
    "junit": junit,
    "sarif": sarif,
    "github": github,
    "gitlab": gitlab,
}


# --- the rule registry -----------------------------------------------------------------


def rules_text(rules: Sequence[Rule]) -> str:
    """One aligned line per rule: id, family, severity, waivable, summary."""
    width = max(len(rule.id) for rule in rules)
    family_width = max(len(rule.family) for rule in rules)
    return "".join(
        f"{rule.id:<{width}}  {rule.family:<{family_width}}  {rule.severity.value:<7}  "
        f"{'waivable' if rule.waivable else '-':<8}  {rule.summary}\n"
        for rule in rules
    )


def rules_json(rules: Sequence[Rule]) -> str:
    """`{"rules": [{id, family, severity, summary, waivable}, ...]}`."""
    return json.dumps({"rules": [rule.as_dict() for rule in rules]}, indent=2) + "\n"


def rules_markdown(rules: Sequence[Rule]) -> str:
    """The README's rule table."""
    lines = [
        "| Rule | Family | Severity | Waivable | What it finds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        waivable = "yes" if rule.waivable else ""
        lines.append(
            f"| `{rule.id}` | {rule.family} | {rule.severity.value} | {waivable} | {summary} |"
        )
    return "\n".join(lines) + "\n"


RULE_FORMATS: dict[str, Callable[[Sequence[Rule]], str]] = {
    "text": rules_text,
    "json": rules_json,
    "markdown": rules_markdown,
}
