"""Values hidden from a pattern but not from a reader: spelled with a link's percent
escapes (a browser or mail client decodes them) or with an invisible character inside
(copied, it is gone). Redaction and the gate read them as a reader copies them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build, make_project
from evidence_kit.publish.detectors import (
    Decoded,
    Detector,
    Detectors,
    fingerprint,
    note_for,
    redact,
)
from evidence_kit.publish.gate import scan_file

DETECTOR = Detector.configure()
GITHUB = "ghp_Z4SOcMz9CPVNPkNa1Hedcm4pMbXDuCL1mHoO"
ESCAPED_GITHUB = GITHUB.replace("_", "%5F")


def found(text: str) -> list[tuple[str, int, int, str]]:
    return [(m.rule.id, m.start, m.end, m.value) for m in DETECTOR.find(text)]


def test_an_escaped_address_is_found_at_its_escaped_span() -> None:
    text = "[the owner](mailto:jane.doe%40acmecorp.io)"
    start = text.index("jane")
    assert found(text) == [("email", start, len(text) - 1, "jane.doe@acmecorp.io")]


def test_an_escaped_token_is_found_beside_one_written_plainly() -> None:
    text = f"{GITHUB} and ?access={ESCAPED_GITHUB}&x=1"
    second = text.index("ghp%5F")
    assert found(text) == [
        ("github-token", 0, len(GITHUB), GITHUB),
        ("github-token", second, second + len(ESCAPED_GITHUB), GITHUB),
    ]


def test_what_is_found_as_written_is_not_found_again_in_part() -> None:
    # Decoded, the password's `%40` ends in an address (`ssw0rd@db...`): the credentials
    # found as written cover it.
    assert [rule for rule, *_ in found("postgres://report:p%40ssw0rd@db.acmecorp.io/x")] == [
        "url-credentials"
    ]


def test_spaces_and_separators_stay_escaped() -> None:
    assert Decoded.as_copied("99.9% of the time, a%20b%26c") is None
    decoded = Decoded.as_copied("a%20b%40c%26d")
    assert decoded is not None
    assert decoded.text == "a%20b@c%26d"


@pytest.mark.parametrize("hidden", ["\u200b", "\u00ad", "\u200d", "\u2060", "\ufeff"])
def test_a_token_with_an_invisible_character_inside_is_found_whole(hidden: str) -> None:
    text = f"token {GITHUB[:20]}{hidden}{GITHUB[20:]} here"
    assert found(text) == [("github-token", 6, 6 + len(GITHUB) + 1, GITHUB)]
    redacted, _ = redact(text, DETECTOR, note_for)
    assert redacted == "token ⟦redacted-secret⟧ here"


def test_a_soft_hyphen_written_as_an_entity_is_dropped_too() -> None:
    text = f"<p>{GITHUB[:20]}&shy;{GITHUB[20:]}</p>"
    redacted, _ = redact(text, DETECTOR, note_for)
    assert redacted == "<p>⟦redacted-secret⟧</p>"
    hits = scan_file("page.html", text.encode(), Detectors(DETECTOR, Detector(())))
    assert [(hit.rule, hit.fingerprint) for hit in hits] == [("github-token", fingerprint(GITHUB))]


def test_redaction_replaces_the_escaped_value_whole() -> None:
    text = f"[export](https://ci.acmecorp.io/download?access={ESCAPED_GITHUB}&state=1)"
    redacted, _ = redact(text, DETECTOR, note_for)
    assert redacted == "[export](https://ci.acmecorp.io/download?access=⟦redacted-secret⟧&state=1)"
    assert DETECTOR.find(redacted) == []


def test_the_gate_reads_an_escaped_link_target() -> None:
    page = b'<p><a href="mailto:jane.doe%40acmecorp.io">the owner</a></p>\n'
    hits = scan_file("index.html", page, Detectors(DETECTOR, Detector(())))
    assert [(hit.rule, hit.fingerprint) for hit in hits] == [
        ("email", fingerprint("jane.doe@acmecorp.io"))
    ]


def test_an_audit_build_publishes_no_escaped_value(tmp_path: Path) -> None:
    page = (
        "# Login errors\n\n"
        "Ask [the owner](mailto:jane.doe%40acmecorp.io) for "
        f"[the export](https://ci.acmecorp.io/download?access={ESCAPED_GITHUB}).\n"
    )
    result = build(make_project(tmp_path, {"index.md": page}))
    assert result.returncode == 0, result.log
    published = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in result.site.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    )
    assert "jane.doe%40" not in published
    assert ESCAPED_GITHUB not in published
    assert "mailto:⟦redacted-email⟧" in published


def test_an_invisible_character_hides_something_only_inside_a_value() -> None:
    # A script read a byte to a character: `í` in UTF-8 is `\xc3\xad`, no soft hyphen.
    assert Decoded.as_copied("caf\xc3\xad and \xc2\xad") is None
    decoded = Decoded.as_copied("ab\u200bcd \u200b")
    assert decoded is not None
    assert decoded.text == "abcd \u200b"
