"""The checks over the evidence tree: one module per concern, each declaring its rules as data.

A module's `RULES` names every rule id its findings carry; `registry.py` gathers them with
the publication rules, so a rule is declared once and every report describes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import Severity


@dataclass(frozen=True)
class Rule:
    """What a rule is, for people and reports: its id, family, default severity and summary."""

    id: str
    family: str
    """The check a CI report groups it under (`placeholder` for `placeholder-missing`)."""
    severity: Severity
    summary: str
    """One line saying what the rule finds."""
    waivable: bool = False
    """Whether a waiver in the `review` option may turn its error into a warning."""

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "id": self.id,
            "family": self.family,
            "severity": self.severity.value,
            "summary": self.summary,
            "waivable": self.waivable,
        }


def table(text: str) -> tuple[Rule, ...]:
    """Rules written as a table: a line `id  family  severity  [waivable]` per rule, its
    one-line summary indented below it. It reads like the README's table, so a module's rules
    are easy to scan and to review."""
    rules: list[Rule] = []
    lines = [line for line in text.splitlines() if line.strip()]
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    heads = [i for i, line in enumerate(lines) if len(line) - len(line.lstrip()) == indent]
    for start, end in zip(heads, [*heads[1:], len(lines)], strict=True):
        rule_id, family, severity, *flags = lines[start].split()
        summary = " ".join(line.strip() for line in lines[start + 1 : end])
        rules.append(Rule(rule_id, family, Severity(severity), summary, flags == ["waivable"]))
    return tuple(rules)
