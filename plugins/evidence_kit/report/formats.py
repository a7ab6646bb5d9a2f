"""Findings for people (text) and for machines: JSON, JUnit XML, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol
from urllib.parse import quote

from .. import __version__
from ..core.model import Finding

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


# --- rule families and descriptions --------------------------------------------------

RULES = {
    "file-encoding": "A file is not UTF-8.",
    "file-too-large": "A file is over the max_file_size limit.",
    "file-unreadable": "A file cannot be read.",
    "symlink-outside": "A symlink points outside the repository.",
    "front-matter-unclosed": "Front matter is opened with --- but never closed.",
    "front-matter-shape": "Front matter is not a mapping.",
    "yaml-syntax": "YAML that cannot be parsed.",
    "yaml-duplicate-key": "A YAML mapping repeats a key.",
    "yaml-alias": "YAML anchors, aliases or merge keys, which evidence must not use.",
    "yaml-tag": "A custom YAML tag.",
    "yaml-too-deep": "YAML nested deeper than the limit.",
    "schema": "Front matter or data does not match its document type's schema.",
    "unknown-type": "A document type without a schema.",
    "placeholder-missing": "A <<placeholder>> without a usable value.",
    "placeholder-unused": "A placeholder value no page uses.",
    "placeholder-syntax": "{{Name}} written where <<Name>> was meant.",
    "control-unknown": "A cited control that is in no catalogue.",
    "page-name-taken": "A page has the name of a generated page.",
    "review-overdue": "A document past its review due date.",
    "review-due-soon": "A document whose review is due soon.",
    "review-required": "A runbook a later SEV1 or SEV2 postmortem names, not reviewed since.",
    "review-future": "A last_reviewed date in the future.",
    "review-data": "Review data that cannot be read.",
    "runbook-unknown": "A postmortem names a runbook that does not exist.",
    "waiver-expired": "A waiver past its expiry date.",
    "waiver-unknown": "A waiver that names no reviewable document.",
    "sla-acknowledge": "A page acknowledged later than the runbook promises.",
    "sla-war-room": "A war room opened later than the runbook promises.",
    "sla-notify": "Customers notified later than the runbook promises.",
    "postmortem-deadline": "A postmortem held later than its business-day deadline.",
    "timeline-order": "A postmortem timeline out of order.",
    "timeline-window": "A timeline event outside the incident.",
    "incident-window": "An incident that does not end after it starts.",
    "action-item-overdue": "An open action item past its due date.",
    "action-items-missing": "A final postmortem without action items.",
    "oncall-gap": "An hour of the on-call horizon without a primary.",
    "oncall-overlap": "Two on-call shifts of one role at once.",
    "oncall-same-person": "One person both primary and secondary.",
    "oncall-shift-window": "An on-call shift that ends before it starts.",
    "oncall-ends-soon": "The on-call schedule ends within the horizon.",
    "oncall-unknown-contact": "An escalation contact that does not exist.",
}
"""Short descriptions of the rules, for SARIF; a rule not listed is described by its id."""

# Rule id prefix -> family, longest prefix first; otherwise the id's first word.
_FAMILY_PREFIXES = (
    ("front-matter", "front-matter"),
    ("unknown-type", "schema"),
    ("action-items", "incident"),
    ("action-item", "incident"),
    ("postmortem", "incident"),
    ("timeline", "incident"),
    ("sla", "incident"),
    ("runbook-unknown", "review"),
    ("waiver", "review"),
)
DOCUMENT_FAMILIES = ("file", "yaml", "schema", "placeholder", "control")
"""The checks every document goes through, so JUnit lists them even when they pass."""


def family(rule: str) -> str:
    """`placeholder-missing` -> `placeholder`: the rules a CI report shows as one check."""
    for prefix, name in _FAMILY_PREFIXES:
        if rule == prefix or rule.startswith(prefix + "-"):
            return name
    return rule.split("-", 1)[0]


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


def _sarif_rules(rule_ids: Iterable[str]) -> list[dict[str, object]]:
    return [
        {
            "id": rule,
            "name": "".join(part.capitalize() for part in rule.split("-")),
            "shortDescription": {"text": RULES.get(rule, rule)},
            "properties": {"family": family(rule)},
        }
        for rule in rule_ids
    ]


def sarif(findings: Sequence[Finding], *, checked: Sequence[str] = (), strict: bool = False) -> str:
    """One SARIF run: the rules that ran into findings, and a result per finding."""
    rule_ids = sorted({f.rule for f in findings})
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
                        "rules": _sarif_rules(rule_ids),
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


FORMATS: dict[str, Reporter] = {
    "text": text,
    "json": as_json,
    "junit": junit,
    "sarif": sarif,
    "github": github,
}
