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


def declare(family: str, severity: Severity, **summaries: str) -> tuple[Rule, ...]:
    """Rules of one family and severity, by id (`review_overdue=` declares `review-overdue`)."""
    return tuple(
        Rule(name.replace("_", "-"), family, severity, summary)
        for name, summary in summaries.items()
    )
