"""The rule registry: `evidence-kit rules`, and the README's tables agreeing with it."""

from __future__ import annotations

import json
import re

from conftest import REPO, run_cli
from evidence_kit import registry
from evidence_kit.core.model import Severity
from evidence_kit.publish import detectors

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = README.index(heading + "\n")
    end = README.find("\n#", start + len(heading))
    return README[start : end if end > 0 else None]


def test_rules_json_lists_every_rule_of_the_registry() -> None:
    run = run_cli("rules", "--format", "json")
    assert run.exit_code == 0
    listed = json.loads(run.output)["rules"]
    assert [r["id"] for r in listed] == list(registry.RULES)
    by_id = {r["id"]: r for r in listed}
    assert by_id["review-overdue"] == {
        "id": "review-overdue",
        "family": "review",
        "severity": "error",
        "summary": "A document past its review due date.",
        "waivable": True,
    }
    assert by_id["placeholder-unused"]["severity"] == "warning"
    assert by_id["redacted-email"] == {
        "id": "redacted-email",
        "family": "redacted",
        "severity": "warning",
        "summary": "Redacted from the audit edition: an email address.",
        "waivable": False,
    }
    waivable = {r["id"] for r in listed if r["waivable"]}
    assert {"review-overdue", "review-required", "oncall-gap", "sla-notify"} <= waivable
    # Reading and publication rules are not: nothing else checks an unreadable document,
    # and the site has its own exceptions.
    assert not waivable & {"schema", "yaml-syntax", "active-html", "email", "waiver-expired"}


def test_rules_text_is_one_line_per_rule() -> None:
    run = run_cli("rules")
    lines = run.output.splitlines()
    assert len(lines) == len(registry.RULES)
    assert re.fullmatch(
        r"review-overdue +review +error +waivable +A document past its review due date\.",
        next(line for line in lines if line.startswith("review-overdue ")),
    )


def test_readme_rule_table_is_the_registry() -> None:
    table = README.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == run_cli("rules", "--format", "markdown").output
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([a-z-]+) \| (error|warning) \|", table, re.M)
    assert [(rule_id, family, Severity(severity)) for rule_id, family, severity in rows] == [
        (rule.id, rule.family, rule.severity) for rule in registry.RULES.values()
    ]


def test_readme_redaction_table_names_every_detector() -> None:
    table = _section("### Redaction")
    named = set(
        re.findall(
            r"`([a-z0-9-]+)`",
            "\n".join(line.split("|")[1] for line in table.splitlines() if line.startswith("| `")),
        )
    )
    assert named == set(detectors.RULE_IDS)
    # Each detector is also a redaction warning of the source, and only those are.
    redacted = {r for r in registry.RULES if r.startswith("redacted-")}
    assert redacted == {f"redacted-{r}" for r in detectors.RULE_IDS} - {"redacted-placeholder"}
