"""The strings of a JSON text, read a member at a time: a search index of a large site is
tens of megabytes of JSON, and its decoded whole several times that."""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# Containers this deep are read one member at a time; a member below is decoded whole (a
# search index entry), so the depth of the recursion never depends on the input.
STREAMED_DEPTH = 2


def strings(text: str) -> Iterator[tuple[str, str]]:
    """(JSON path, string) of every string of a JSON text, keys included (with the path of
    their value), in document order. Raises ValueError (json.JSONDecodeError) where the
    text stops being JSON; the strings before it have been yielded by then."""
    end = yield from _value(text, _skip(text, 0), "$", STREAMED_DEPTH)
    if _skip(text, end) != len(text):
        raise json.JSONDecodeError("Extra data", text, end)


def _skip(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def _value(text: str, at: int, path: str, depth: int) -> Generator[tuple[str, str], None, int]:
    opening = text[at : at + 1]
    if depth > 0 and opening == "{":
        return (yield from _object(text, at, path, depth))
    if depth > 0 and opening == "[":
        return (yield from _array(text, at, path, depth))
    value, end = _DECODER.raw_decode(text, at)
    yield from walk(value, path)
    return int(end)


def _object(text: str, at: int, path: str, depth: int) -> Generator[tuple[str, str], None, int]:
    at = _skip(text, at + 1)
    if text.startswith("}", at):
        return at + 1
    while True:
        if not text.startswith('"', at):
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, at
            )
        key, at = _DECODER.raw_decode(text, at)
        inner = f"{path}.{key}"
        yield inner, key
        at = _skip(text, at)
        if not text.startswith(":", at):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, at)
        at = yield from _value(text, _skip(text, at + 1), inner, depth - 1)
        at, closed = _after_member(text, at, "}")
        if closed:
            return at


def _array(text: str, at: int, path: str, depth: int) -> Generator[tuple[str, str], None, int]:
    at = _skip(text, at + 1)
    if text.startswith("]", at):
        return at + 1
    index = 0
    while True:
        at = yield from _value(text, at, f"{path}[{index}]", depth - 1)
        index += 1
        at, closed = _after_member(text, at, "]")
        if closed:
            return at


def _after_member(text: str, at: int, closing: str) -> tuple[int, bool]:
    """Past the comma after a member (where the next starts), or past the closing bracket
    (and True); anything else is not JSON."""
    at = _skip(text, at)
    if text.startswith(",", at):
        return _skip(text, at + 1), False
    if text.startswith(closing, at):
        return at + 1, True
    raise json.JSONDecodeError("Expecting ',' delimiter", text, at)


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    """(JSON path, string) of every string of a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}"
            yield inner, key
            # A string member is yielded here: a generator for each costs more than it reads.
            if isinstance(item, str):
                yield inner, item
            elif isinstance(item, (dict, list)):
                yield from walk(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield f"{path}[{index}]", item
            elif isinstance(item, (dict, list)):
                yield from walk(item, f"{path}[{index}]")
