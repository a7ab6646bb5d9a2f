"""The law of redaction: redacting a text and scanning the result finds nothing, whatever
values are joined or nested in it (hypothesis states it over the detection corpus)."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from evidence_kit.publish import detectors
from evidence_kit.publish.detectors import Decoded, Detector

DETECTOR = Detector.configure(
    internal_hosts=["*.corp.example.com", "db-?.lan"],
    deny_terms=["Globex", "Acme Corp"],
    placeholders=True,
)
CORPUS = yaml.safe_load(
    (REPO / "tests" / "data" / "detection-corpus.yml").read_text(encoding="utf-8")
)
VALUES = sorted(
    {text for cases in CORPUS.values() for text in cases.get("find", [])}
    | {
        "alice.smith@corp-mail.com",
        "+44 20 7946 0958",
        "(415) 555-2671",
        "81.2.69.160",
        "10.20.30.40",
        "4929 6131 8372 4400",
        "DE89 3704 0044 0532 0130 00",
        "grafana.corp.example.com",
        "db-7.lan",
        "Globex",
        "<<Security lead>>",
        "AKIAQ3EGCANARY7X4K2Z",
        "password = Xk9#mP2$vL8q",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
        "plain words",
        "v1.2.3",
    }
)
SEPARATORS = ["", " ", "-", "_", ".", "/", ":", "@", "=", "\n", '"', "&#64;", "&amp;", "x"]


def scan(text: str) -> list[tuple[str, str]]:
    """What the gate would see: the text with its character references decoded."""
    return [(m.rule.id, m.fingerprint) for m in DETECTOR.find(Decoded.of(text).text)]


def redacted(text: str) -> str:
    return detectors.redact(text, DETECTOR, detectors.note_for)[0]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(VALUES), st.sampled_from(SEPARATORS)), max_size=6))
def test_joined_values_redact_to_a_text_with_nothing_found(parts: list[tuple[str, str]]) -> None:
    text = "".join(value + separator for value, separator in parts)
    assert scan(redacted(text)) == []


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.sampled_from(VALUES), st.sampled_from(VALUES), st.integers(0, 400), st.data())
def test_nested_values_redact_to_a_text_with_nothing_found(
    outer: str, inner: str, at: int, data: st.DataObject
) -> None:
    index = at % (len(outer) + 1)
    separator = data.draw(st.sampled_from(SEPARATORS))
    text = outer[:index] + separator + inner + separator + outer[index:]
    assert scan(redacted(text)) == []


def test_a_value_next_to_another_is_redacted_in_one_call() -> None:
    gitlab = "glpat-LXjjlAFbVV6q9rXxtNDF"
    github = "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"
    text = f"x {gitlab}-{github} y"
    out, spans = detectors.redact(text, DETECTOR, detectors.note_for)
    assert out == "x \u27e6redacted-secret\u27e7\u27e6redacted-secret\u27e7 y"
    assert [(m.rule.id, text[start:end]) for m, start, end in spans] == [
        ("gitlab-token", gitlab + "-"),
        ("github-token", github),
    ]
    assert scan(out) == []
