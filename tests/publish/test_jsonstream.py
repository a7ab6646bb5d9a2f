"""The JSON the gate reads a member at a time: the same strings as decoding it whole, and
an error where the text stops being JSON (hypothesis states the law over any value)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_kit.publish import jsonstream

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(VALUES, st.sampled_from([None, 0, 2]), st.booleans())
def test_the_strings_are_those_of_the_value_decoded_whole(
    value: object, indent: int | None, ascii: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    assert list(jsonstream.strings(text)) == list(jsonstream.walk(json.loads(text)))


def test_a_search_index_is_read_with_json_paths() -> None:
    index = '{"config": {"lang": ["en"]}, "docs": [{"location": "a/", "text": "b"}]}'
    assert list(jsonstream.strings(index)) == [
        ("$.config", "config"),
        ("$.config.lang", "lang"),
        ("$.config.lang[0]", "en"),
        ("$.docs", "docs"),
        ("$.docs[0].location", "location"),
        ("$.docs[0].location", "a/"),
        ("$.docs[0].text", "text"),
        ("$.docs[0].text", "b"),
    ]


def test_a_key_written_twice_is_read_both_times() -> None:
    # Decoding keeps the last value only; the first is in the file all the same.
    assert [s for _, s in jsonstream.strings('{"a": "first", "a": "second"}')] == [
        "a",
        "first",
        "a",
        "second",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,}', "Expecting property name enclosed in double quotes"),
        ("[1 2]", "Expecting ',' delimiter"),
        ('{"a" 1}', "Expecting ':' delimiter"),
        ('{"a": 1} x', "Extra data"),
        ("", "Expecting value"),
        ('{"a": [1, 2', "Expecting ',' delimiter"),
    ],
)
def test_where_the_text_stops_being_json_is_an_error(text: str, message: str) -> None:
    with pytest.raises(json.JSONDecodeError) as error:
        list(jsonstream.strings(text))
    assert error.value.msg == message
