"""The detection corpus (tests/data/detection-corpus.yml): each rule finds its examples, and
no rule reports the look-alikes, placeholders and documented examples beside them."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO
from evidence_kit.publish import detectors
from evidence_kit.publish.detectors import Detector

CORPUS = REPO / "tests" / "data" / "detection-corpus.yml"
DETECTOR = Detector.configure()


def corpus() -> dict[str, dict[str, list[str]]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


FINDS = [(rule, text) for rule, cases in corpus().items() for text in cases.get("find", [])]
LEAVES = [(rule, text) for rule, cases in corpus().items() for text in cases.get("leave", [])]


@pytest.mark.parametrize(
    ("rule", "text"), FINDS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(FINDS)]
)
def test_each_rule_finds_its_corpus_examples(rule: str, text: str) -> None:
    assert rule in [m.rule.id for m in DETECTOR.find(text)]


@pytest.mark.parametrize(
    ("rule", "text"), LEAVES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(LEAVES)]
)
def test_no_rule_reports_the_corpus_look_alikes(rule: str, text: str) -> None:
    assert [(m.rule.id, m.value) for m in DETECTOR.find(text)] == []


def test_every_rule_has_corpus_cases_and_every_case_a_rule() -> None:
    cases = corpus()
    secret_rules = {r.id for r in detectors.SECRET_RULES}
    assert set(cases) <= set(detectors.RULE_IDS)
    missing = {
        rule
        for rule in secret_rules
        if not cases.get(rule, {}).get("find") or not cases.get(rule, {}).get("leave")
    }
    # The rules whose cases live in tests/test_detectors.py only.
    assert missing <= {"private-key", "teams-webhook", "discord-webhook"}


def test_every_rule_is_one_kind_with_one_description() -> None:
    described: dict[str, tuple[str, str]] = {}
    for rule in detectors.BUILTIN_RULES:
        assert rule.kind in detectors.KINDS
        assert described.setdefault(rule.id, (rule.kind, rule.description)) == (
            rule.kind,
            rule.description,
        )
        assert rule.id in detectors.RULE_IDS


def test_the_readme_redaction_table_lists_every_rule() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| rule id | finds |", 1)[1].split("\n\n", 1)[0]
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    listed = {cell.strip("` ") for row in rows for cell in row.split("|")[1].split(",")}
    assert set(detectors.RULE_IDS) <= listed
