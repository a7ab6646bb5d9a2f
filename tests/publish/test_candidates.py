"""The law of the pattern-set pass: it may name a rule that finds nothing, never leave out
one whose pattern matches (hypothesis states it over values, look-alikes and unicode)."""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from evidence_kit.publish import findings
from evidence_kit.publish.detectors import (
    _FOLDS_TO_ASCII,
    Candidates,
    Detector,
    loose,
    prefilter_form,
)

DETECTOR = Detector.configure(
    internal_hosts=["*.corp.example.com", "db-?.lan"],
    deny_terms=["Globex", "Acme Corp"],
    placeholders=True,
)
CANDIDATES = Candidates(DETECTOR.rules)
CORPUS = yaml.safe_load(
    (REPO / "tests" / "data" / "detection-corpus.yml").read_text(encoding="utf-8")
)
SAMPLES = sorted(
    {
        text
        for cases in CORPUS.values()
        for key in ("find", "leave")
        for text in cases.get(key, [])
        if isinstance(text, str)
    }
)
# Pieces that make look-alikes of the loose rules when joined: digits, separators,
# letters that are word characters to `re` and several bytes to hyperscan.
PIECES = [
    *("0", "1", "2", "5", "9", "12", "415", "555", "0100", "020", "7946", "2021-01-20"),
    *(" ", "-", ".", "/", "(", ")", "+", ":", "@", "_", "\n", "é", "ü", "名", "\u00a0"),
    *("DE", "GB", "AC", "SK", "ab", "x", "mail", "corp", "example", "com", "lan", "db"),
    *("http://", "https://", "://", "user", "pass", "token", "Globex", "acme", "internal"),
]


def matching(text: str) -> set[int]:
    """The rules that apply to `text` (a keyword rule needs one of its words) and whose
    own pattern matches somewhere in it."""
    lowered = text.lower()
    return {
        i
        for i, rule in enumerate(DETECTOR.rules)
        if (loose(rule) or any(hint in lowered for hint in rule.hints))
        and rule.pattern.search(text)
    }


def named(text: str) -> set[int]:
    return set(CANDIDATES.of(text))


@pytest.mark.parametrize("text", SAMPLES)
def test_every_corpus_text_names_the_rules_that_match_it(text: str) -> None:
    assert matching(text) <= named(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES + SAMPLES), max_size=12))
def test_joined_pieces_name_every_rule_that_matches(parts: list[str]) -> None:
    text = "".join(parts)
    assert matching(text) <= named(text)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(alphabet=st.sampled_from("0123456789 .-+()/:@aAé\n"), max_size=60))
def test_any_run_of_digits_and_separators_names_the_rules_that_match(text: str) -> None:
    assert matching(text) <= named(text)


def test_a_date_and_time_names_no_number_rule() -> None:
    # Without its leading look-behind the trunk-0 phone pattern matched every date.
    assert {DETECTOR.rules[i].id for i in named("On 2021-01-20 11:07 UTC the team met.")} == set()


def test_the_prefilter_form_writes_a_leading_look_behind_as_what_it_means() -> None:
    # A negated class may match each byte of a character: it takes one or more.
    assert (
        prefilter_form(r"0(?<![\w+.:/-].)[1-9][0-9]{0,4}") == r"(?:^|[^\w+.:/-]+)0[1-9][0-9]{0,4}"
    )
    assert (
        prefilter_form(r"AC(?<![A-Za-z0-9]AC)[0-9a-f]{32}") == r"(?:^|[^A-Za-z0-9]+)AC[0-9a-f]{32}"
    )
    # Hyperscan counts a bounded repeat in bytes: a repeat of a negated class is left open.
    assert prefilter_form(r"://([^\s/?#@:]{1,128}):") == r"://([^\s/?#@:]{1,}):"
    assert prefilter_form(r"[0-9]{1,3}") == r"[0-9]{1,3}"


def test_the_prefilter_form_reads_unicode_classes_as_the_bytes_they_may_take() -> None:
    assert prefilter_form(r"a[\s_-]{1,5}b") == r"a[\x80-\xff\x1c-\x1f\s_-]{1,}b"
    assert prefilter_form(r"[ \u00a0.-]{0,3}") == r"[\x80-\xff .-]{0,}"
    assert prefilter_form(r"x(?i:desk)y") == r"x(?i:de[\x80-\xffs]+[\x80-\xffk]+)y"
    assert prefilter_form(r"k(?i:a)k") == r"k(?i:a)k"


def test_every_rule_is_in_the_pattern_set() -> None:
    # The fallback (every rule searched) is correct but slow: the shipped and configured
    # rules must all compile. `{,n}` is a repeat to `re` and text to hyperscan.
    assert CANDIDATES.database is not None
    assert not [rule.id for rule in DETECTOR.rules if "{," in rule.pattern.pattern]


def test_a_pattern_hyperscan_cannot_read_leaves_every_rule_named() -> None:
    rule = DETECTOR.rules[-1]
    assert loose(rule)
    unreadable = dataclasses.replace(rule, pattern=re.compile(r"\N{LATIN SMALL LETTER A}"))
    candidates = Candidates((*DETECTOR.rules[:-1], unreadable))
    assert candidates.of("nothing here") == list(range(len(DETECTOR.rules)))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.sampled_from(PIECES + SAMPLES), max_size=4).map("".join), max_size=8),
    st.sampled_from([1, 3, 20_000]),
)
def test_a_batched_search_names_every_text_with_a_match(texts: list[str], batch: int) -> None:
    # The audit check searches many documents at once and looks closer only at the ones
    # a match touches: no document with something to redact may be left out.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(findings, "_BATCH", batch)
        touched = findings._touched(DETECTOR, texts)
    assert {i for i, text in enumerate(texts) if DETECTOR.find(text)} <= touched


# Characters `re` reads as space, word or digit, or folds to an ASCII letter, that are
# several bytes to hyperscan: the prefilter must read them as `re` does.
UNICODE_PIECES = [
    *("\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "\u2028", "\u0085", "\u1680"),
    *("\u212a", "\u017f", "\u0130", "\u0131", "\u0663", "é", "Ä"),
]
SPACED = Detector.configure(deny_terms=["Globex Corporation", "Kessel Works", "Initech"])


def test_a_deny_term_joined_by_a_unicode_space_names_the_deny_rule() -> None:
    candidates = Candidates(SPACED.rules)
    for space in ("\u00a0", "\u202f", "\u2009", "\u3000"):
        text = f"The outage hit Globex{space}Corporation at noon."
        assert SPACED.rules[0].pattern.search(text)
        assert 0 in candidates.of(text), repr(space)
        assert [m.rule.id for m in SPACED.find(text)] == ["deny-term"]


def test_a_deny_term_folded_by_unicode_case_names_the_deny_rule() -> None:
    # `re` folds the Kelvin sign to k and the long s to s.
    candidates = Candidates(SPACED.rules)
    for text in ("\u212aessel works", "Kes\u017fel Works", "In\u0131tech"):
        if SPACED.rules[0].pattern.search(text):
            assert 0 in candidates.of(text), repr(text)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(
        st.sampled_from(
            [
                *UNICODE_PIECES,
                *("\x1c", " ", "_", "-", "0", "@", "Globex", "Corporation", "Kessel", "works"),
                *("Ini", "tech", "ke", "sel", "Globex\u00a0Corporation"),
            ]
        ),
        max_size=10,
    )
)
def test_texts_with_unicode_spaces_and_letters_name_every_rule_that_matches(
    parts: list[str],
) -> None:
    text = "".join(parts)
    candidates = Candidates(SPACED.rules)
    lowered = text.lower()
    matching = {
        i
        for i, rule in enumerate(SPACED.rules)
        if (loose(rule) or any(hint in lowered for hint in rule.hints))
        and rule.pattern.search(text)
    }
    assert matching <= set(candidates.of(text))


ANCHORS = sorted({a for rule in DETECTOR.rules for a in rule.anchors})


def anchored(found: dict[str, list[int]]) -> dict[str, list[int]]:
    return {word: sorted(at) for word, at in found.items() if word in ANCHORS}


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.lists(
        st.sampled_from(
            [
                *UNICODE_PIECES,
                *("é", "名", "\U0001f511", "\ud800", "ß", "\u00c9", " ", "\n", "=", ":"),
                *ANCHORS,
                *(a.upper() for a in ANCHORS),
                *("To", "KEN", "ap", "i_", "se", "CRET"),
            ]
        ),
        max_size=14,
    )
)
def test_the_pattern_set_finds_the_keywords_where_the_automaton_does(parts: list[str]) -> None:
    # Keyword rules are tried only where their words are: the pattern set, which reads
    # UTF-8 bytes, must place each at the offset the automaton over the text in lower
    # case places it, on texts of any script (a four-byte key, a lone surrogate).
    text = "".join(parts)
    found, aligned = CANDIDATES.where(text)
    expected, expected_aligned = CANDIDATES.hints.where(text)
    assert (anchored(found), aligned) == (anchored(expected), expected_aligned)


def test_the_characters_read_by_the_automaton_are_all_those_lower_case_makes_ascii() -> None:
    # Python's Unicode tables name them; a new version that adds one fails here.
    folding = {
        chr(c)
        for c in range(0x80, sys.maxunicode + 1)
        if len(lower := chr(c).lower()) != 1 or lower.isascii()
    }
    assert folding == set(_FOLDS_TO_ASCII)
