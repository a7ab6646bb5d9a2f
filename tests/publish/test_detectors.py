"""The detection rules: what each finds, what it leaves alone, and that it stays linear."""

from __future__ import annotations

import pytest

from benchmarks.detection import megabyte_lines
from evidence_kit.core.options.publish import valid_host_pattern
from evidence_kit.publish import detectors
from evidence_kit.publish.detectors import Decoded, Detector, entropy, iban, luhn

DETECTOR = Detector.configure(
    internal_hosts=["*.corp.example.com", "db-?.lan", "jenkins.internal"],
    deny_terms=["Globex", "Acme Corp"],
    placeholders=True,
)
KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
KEY += "-----END OPENSSH PRIVATE KEY-----"
GITHUB = "ghp_" + "Zq8Kc4nAry7mWx2Lp0TbR5sV9dF3hJ6kN1yE"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def found(text: str) -> list[tuple[str, str]]:
    return [(m.rule.id, m.value) for m in DETECTOR.find(text)]


FINDS = [
    ("key AKIAQ3EGCANARY7X4K2Z here", "aws-access-key", "AKIAQ3EGCANARY7X4K2Z"),
    ("ASIAQ3EGCANARY7X4K2Z", "aws-access-key", "ASIAQ3EGCANARY7X4K2Z"),
    (f"token={GITHUB};", "github-token", GITHUB),
    (
        "github_pat_11AQZK7WM0Xh3v9TqL2pR_s8YdNf4cJwBgHuE",
        "github-token",
        "github_pat_11AQZK7WM0Xh3v9TqL2pR_s8YdNf4cJwBgHuE",
    ),
    ("glpat-Ab3dEf6hIj9kLm2nOp5q", "gitlab-token", "glpat-Ab3dEf6hIj9kLm2nOp5q"),
    (
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
        "slack-token",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
    ),
    (
        "https://hooks.slack.com/services/T04KZ7QJM/B05NX2WPR/Zq8vLm2RxZ4sTq8vLm2R",
        "slack-webhook",
        "https://hooks.slack.com/services/T04KZ7QJM/B05NX2WPR/Zq8vLm2RxZ4sTq8vLm2R",
    ),
    (
        "see https://acme.webhook.office.com/webhookb2/1234-abcd@5678/IncomingWebhook/ab12",
        "teams-webhook",
        "https://acme.webhook.office.com/webhookb2/1234-abcd@5678/IncomingWebhook/ab12",
    ),
    (
        "https://discord.com/api/webhooks/123456789012/AbCdEfGhIjKlMnOpQrStUvWx",
        "discord-webhook",
        "https://discord.com/api/webhooks/123456789012/AbCdEfGhIjKlMnOpQrStUvWx",
    ),
    (f"key:\n{KEY}\n", "private-key", KEY),
    (f"Authorization: Bearer {JWT}", "jwt", JWT),
    (
        "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
        "google-api-key",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    ),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    (
        "PagerDuty routing key: e93facc04764012d7bfb002500d5d1a6",
        "pagerduty-key",
        "e93facc04764012d7bfb002500d5d1a6",
    ),
    (
        "opsgenie api key = 3f2a1b4c-1234-4abc-9def-0123456789ab",
        "opsgenie-key",
        "3f2a1b4c-1234-4abc-9def-0123456789ab",
    ),
    ("postgres://admin:s3cr3tP4ss@db.example.net/app", "url-credentials", "admin:s3cr3tP4ss"),
    ('password = "Xk9#mP2$vL8q"', "generic-secret", "Xk9#mP2$vL8q"),
    ("DB_PASSWORD_PROD: hT7!qZ2@wL9x", "generic-secret", "hT7!qZ2@wL9x"),
    ("4929 6131 8372 4400", "card-number", "4929 6131 8372 4400"),
    ("card 5418-2937-6610-0248.", "card-number", "5418-2937-6610-0248"),
    ("DE89 3704 0044 0532 0130 00", "iban", "DE89 3704 0044 0532 0130 00"),
    ("GB82WEST12345698765432", "iban", "GB82WEST12345698765432"),
    ("Write to alice.smith+ops@corp-mail.com.", "email", "alice.smith+ops@corp-mail.com"),
    ("Call +1 415 555 2671 now", "phone", "+1 415 555 2671"),
    ("Call +442079460958", "phone", "+442079460958"),
    ("Call (415) 555-2671", "phone", "(415) 555-2671"),
    ("Call 415-555-2671", "phone", "415-555-2671"),
    ("Ruf 030 1234 5678 an", "phone", "030 1234 5678"),
    ("Appelez 06 12 34 56 78", "phone", "06 12 34 56 78"),
    ("host 81.2.69.142 answered", "ip-address", "81.2.69.142"),
    ("from 10.20.30.40.", "private-ip", "10.20.30.40"),
    ("192.168.1.10", "private-ip", "192.168.1.10"),
    ("https://grafana.corp.example.com/d/x", "internal-host", "grafana.corp.example.com"),
    ("ssh db-7.lan", "internal-host", "db-7.lan"),
    ("JENKINS.INTERNAL is down", "internal-host", "JENKINS.INTERNAL"),
    ("Outage for globex.", "deny-term", "globex"),
    ("the acme-corp-outage anchor", "deny-term", "acme-corp"),
    ("Acme\nCorp", "deny-term", "Acme\nCorp"),
    ("Ask <<Security lead>>.", "placeholder", "<<Security lead>>"),
]


@pytest.mark.parametrize(
    ("text", "rule", "value"), FINDS, ids=[f"{r}-{i}" for i, (_, r, _) in enumerate(FINDS)]
)
def test_each_rule_finds_its_values(text: str, rule: str, value: str) -> None:
    assert found(text) == [(rule, value)]


LEAVES = [
    ("the documented AKIAIOSFODNN7EXAMPLE key", "aws key ending in EXAMPLE"),
    ("AKIAQ3EGCANARY7X4K2ZZ", "too long for an AWS key"),
    ("xghp_Zq8Kc4nAry7mWx2Lp0TbR5sV9dF3hJ6kN1yE", "inside a word"),
    ("password: {{ database_password }}", "a template variable is not a secret"),
    ("password = ${DB_PASSWORD}", "a variable is not a secret"),
    ("token: the-oncall-engineer", "low entropy"),
    ("secret: xxxxxxxxxxxxxxxx", "stopword"),
    ("api_key: EXAMPLEKEY1234567", "example"),
    ("postgres://app:password@db:5432/app", "a documented stand-in"),
    ("4111 1111 1111 1112", "fails Luhn"),
    ("1234 5678 9012 3456", "no card prefix"),
    # A hex digest whose digit run passes Luhn (as one in a built site's manifest did).
    ("sha256 e3b04111111111111111c1 and id_4111111111111111", "digits inside a token"),
    ("GB82WEST12345698765433", "fails mod 97"),
    ("Use SOC2:CC7.3 and ISO27001:A.5.24", "control ids"),
    ("2026-03-02T14:05:00+00:00 and 2026-11-02 09:00 UTC", "timestamps"),
    ("within 0.1% in 15 minutes on 06.12.2026", "numbers and dates"),
    ("version 1.2.3", "three parts"),
    ("192.0.2.15 and 203.0.113.7 and 127.0.0.1", "documentation and loopback"),
    ("999.1.1.1", "not an address"),
    ("icon@2x", "no domain"),
    ("the corp.example.com site", "the domain itself is not a host pattern match"),
    ("globexcorp and preglobex", "part of a word"),
    ("<< a >>", "not a name"),
    ("555 0100", "too short for a phone number"),
    ("xmasterauth Xk9vQm2LpT7rWz4NcB8h", "a name that only ends in masterauth"),
]


@pytest.mark.parametrize(("text", "why"), LEAVES, ids=[why for _, why in LEAVES])
def test_look_alikes_are_left_alone(text: str, why: str) -> None:
    assert found(text) == []


def test_switched_off_rules_and_allowed_values_are_not_found() -> None:
    detector = Detector.configure(disabled=["phone"], allow={"email": ["security@example.org"]})
    text = "Call +1 415 555 0100 or security@example.org or alice@corp-mail.com"
    assert [(m.rule.id, m.value) for m in detector.find(text)] == [("email", "alice@corp-mail.com")]


def test_overlapping_values_are_reported_once_the_longest_first() -> None:
    text = "postgres://admin:s3cr3tP4ss@db.corp.example.com/x"
    assert found(text) == [
        ("url-credentials", "admin:s3cr3tP4ss"),
        ("internal-host", "db.corp.example.com"),
    ]


def test_redact_replaces_values_and_maps_entities_back() -> None:
    text = "mail alice&#95;x&#64;corp-mail.com or AKIAQ3EGCANARY7X4K2Z."
    out, spans = detectors.redact(text, DETECTOR, detectors.note_for)
    assert out == "mail \u27e6redacted-email\u27e7 or \u27e6redacted-secret\u27e7."
    assert [(m.rule.id, text[start:end]) for m, start, end in spans] == [
        ("email", "alice&#95;x&#64;corp-mail.com"),
        ("aws-access-key", "AKIAQ3EGCANARY7X4K2Z"),
    ]


def test_a_phone_number_spaced_with_no_break_space_entities_is_redacted() -> None:
    out, _ = detectors.redact(
        "Call +44&nbsp;20&nbsp;7946&nbsp;0123 now", DETECTOR, detectors.note_for
    )
    assert out == "Call \u27e6redacted-phone\u27e7 now"


def test_decoded_text_maps_every_position_to_the_source() -> None:
    decoded = Decoded.of("a&amp;b&#64;c")
    assert decoded.text == "a&b@c"
    assert [decoded.origin(i) for i in range(len(decoded.text) + 1)] == [0, 1, 6, 7, 12, 13]


def test_a_private_key_is_redacted_whole_even_without_its_end() -> None:
    text = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n\nafter"
    out, _ = detectors.redact(text, DETECTOR, detectors.note_for)
    assert out == "x\n\u27e6redacted-secret\u27e7\n\nafter"


def test_validators() -> None:
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert iban("GB82WEST12345698765432") and not iban("GB82WEST12345698765433")
    assert not iban("ZZ82WEST12345698765432")
    assert entropy("aaaa") == 0.0 and entropy("abcd") == 2.0


def test_fingerprints_are_stable_and_never_the_value() -> None:
    assert detectors.fingerprint("alice@corp-mail.com") == detectors.fingerprint(
        "alice@corp-mail.com"
    )
    assert len(detectors.fingerprint("x")) == 16
    assert "alice" not in detectors.fingerprint("alice@corp-mail.com")


def test_host_patterns_are_checked() -> None:
    assert valid_host_pattern("*.corp.example.com")
    assert not valid_host_pattern("bad host")
    assert not valid_host_pattern("a..b")


@pytest.mark.parametrize("name", sorted(megabyte_lines()))
def test_a_megabyte_single_line_is_scanned(name: str) -> None:
    # How long the slowest line takes is measured by `make bench` (benchmarks/detection.py),
    # never here; this says what a line of look-alikes holds.
    text = megabyte_lines()[name]
    found = DETECTOR.find(text)
    assert all(0 <= m.start < m.end <= len(text) for m in found)
    if name == "key-headers":
        # Each header is the start of a private key, and only that.
        assert found and {m.rule.id for m in found} == {"private-key"}
        assert all(m.value.startswith("-----BEGIN RSA PRIVATE KEY-----") for m in found)
    elif name == "random":
        # Random printable text holds a few chance addresses and keyword assignments.
        assert {m.rule.id for m in found} <= {"email", "generic-secret"}
        assert all("@" in m.value for m in found if m.rule.id == "email")
    else:
        assert found == []


@pytest.mark.parametrize("prefix", ["", "\u0130 ", "caf\u00e9 "])
def test_keyword_rules_read_any_text(prefix: str) -> None:
    # Keyword rules are tried where the keyword automaton saw their word; a text whose
    # lower case changes length (U+0130) is searched instead.
    text = prefix + 'clientSecret = "Xk9#mP2$vL8qZ3"; datadog key 7dba7bc0781babe7d56468ef7a578805'
    assert [rule for rule, _ in found(text)] == ["generic-secret", "datadog-key"]
