"""Findings as text for people and JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import Finding


def summary(findings: Sequence[Finding]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def text(findings: Sequence[Finding]) -> str:
    """One `path:line:col: rule: $.field: message` line each, then the summary."""
    return "".join(f"{f}\n" for f in findings) + summary(findings) + "\n"


def as_json(findings: Sequence[Finding]) -> str:
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


FORMATS = {"text": text, "json": as_json}
