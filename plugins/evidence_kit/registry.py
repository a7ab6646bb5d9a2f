"""Every rule the kit has, keyed by id: gathered from the modules that declare them.

`evidence-kit rules`, SARIF's rule descriptions, JUnit's families and the README's tables all
read this one registry, so a rule id a finding carries is described everywhere or nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .core.model import Severity
from .core.options.publish import REDACTED_PREFIX
from .publish import detectors, gate, manifest
from .publish import findings as publication
from .rules import Rule, controls, files, incidents, oncall, placeholders, restore, review, schema

_CONFIG_DETECTORS = {
    "internal-host": "an internal host name from publish: internal_hosts.",
    "deny-term": "a term from publish: deny_terms (a customer name, a code name).",
}


def _sentence(description: str) -> str:
    """`an AWS access key id` -> `an AWS access key id.`"""
    return description.rstrip(".") + "."


def _detector_rules() -> Iterable[Rule]:
    """The detectors: each an error when the gate finds its value in the built site, and a
    warning (`redacted-<id>`) when the audit edition redacts it from a source."""
    # One id may have several patterns (phone numbers in E.164 and national forms).
    first = {r.id: r for r in reversed(detectors.BUILTIN_RULES)}
    declared = [(r.id, r.kind, _sentence(first[r.id].description)) for r in detectors.BUILTIN_RULES]
    declared = list(dict.fromkeys(declared))
    declared += [(rule_id, rule_id, summary) for rule_id, summary in _CONFIG_DETECTORS.items()]
    placeholder = detectors.PLACEHOLDER_RULE
    declared.append((placeholder.id, "placeholder", _sentence(placeholder.description)))
    for rule_id, kind, summary in declared:
        family = "secret" if kind == "secret" else "personal" if kind in _PERSONAL else kind
        yield Rule(rule_id, family, Severity.ERROR, f"Published in the site: {summary}")
    for rule_id, _, summary in declared:
        if rule_id == placeholder.id:
            continue
        yield Rule(
            REDACTED_PREFIX + rule_id,
            "redacted",
            Severity.WARNING,
            f"Redacted from the audit edition: {summary}",
        )


_PERSONAL = frozenset({"email", "phone", "ip-address", "card-number", "iban"})


def _gather(*groups: Iterable[Rule]) -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for group in groups:
        for rule in group:
            if rule.id in found:
                raise ValueError(f"rule {rule.id!r} is declared twice")
            found[rule.id] = rule
    return found


RULES: Mapping[str, Rule] = _gather(
    files.RULES,
    schema.RULES,
    placeholders.RULES,
    review.RULES,
    incidents.RULES,
    oncall.RULES,
    controls.RULES,
    restore.RULES,
    publication.RULES,
    manifest.RULES,
    gate.RULES,
    _detector_rules(),
)
"""Every rule by id, in the order of the stages that report them."""

WAIVABLE_RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES.values() if r.waivable)
"""The rules a `review: waivers` entry may name: findings about the evidence's content.
Reading and publication rules are not (an unreadable document is checked by nothing else,
and the site has its own exceptions: `publish: allow`, `gate_allow`)."""

DETECTOR_RULE_IDS: tuple[str, ...] = detectors.RULE_IDS
"""The detector rules that `publish: rules:` and `publish: allow:` may name."""
