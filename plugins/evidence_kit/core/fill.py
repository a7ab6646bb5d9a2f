"""Placeholder values and filling: `<<Name>>` replaced by safe text, or left for the rules."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import mdtext
from .model import DataFile, map_strings
from .settings import PlaceholderSource, Settings, is_safe_url

# Bounded name, no nesting, so a long line scans in linear time.
PATTERN = re.compile(r"(\\?)<<([A-Za-z0-9][A-Za-z0-9 _./-]{0,78}?)>>")
# Characters Markdown would read as syntax, written as entities so a value stays text.
_MARKDOWN_SYNTAX = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~"})


@dataclass(frozen=True)
class Value:
    """A placeholder's resolved value; `text` None when it has none."""

    text: str | None
    url: bool
    why_missing: str = ""


def resolve(settings: Settings, data: Mapping[str, DataFile]) -> dict[str, Value]:
    """The value of every configured placeholder, from config, environment or data files."""
    values = {}
    for name, source in settings.placeholders.items():
        values[name] = _resolve(source, data)
    return values


def _resolve(source: PlaceholderSource, data: Mapping[str, DataFile]) -> Value:
    if source.env:
        text = os.environ.get(source.env)
        missing = f"environment variable {source.env} is not set"
        return Value(text, source.url, missing if text is None else "")
    if source.data:
        file = data.get(source.data)
        if file is None:
            return Value(None, source.url, f"{source.data} is not a typed data file of the kit")
        found = _lookup(file.data.value, str(source.key))
        if found is None or isinstance(found, (dict, list)):
            return Value(None, source.url, f"{source.data} has no text at {source.key}")
        return Value(str(found), source.url)
    return Value(source.value, source.url)


def _lookup(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def fill_body(body: str, values: Mapping[str, Value]) -> str:
    """The body with placeholders replaced by escaped text (or links) and `\\<<` made literal."""
    if "<<" not in body:
        return body

    def replace(text: str, index: int, column: int) -> str:
        return PATTERN.sub(lambda m: _render(m, values), text.replace("\\<<", "&lt;&lt;"))

    return mdtext.map_prose(body, replace)


def _render(match: re.Match[str], values: Mapping[str, Value]) -> str:
    value = values.get(match.group(2))
    if value is None or not value.text:
        return match.group()
    shown = html.escape(value.text, quote=False).translate(_MARKDOWN_SYNTAX)
    if value.url and is_safe_url(value.text):
        return f'<a href="{html.escape(value.text.strip(), quote=True)}">{shown}</a>'
    return shown


def fill_meta(value: Any, values: Mapping[str, Value]) -> Any:
    """Front matter with placeholders in its strings replaced by their plain values."""
    return map_strings(value, lambda text: _fill_plain(text, values))


def fill_texts(texts: Iterable[str], values: Mapping[str, Value]) -> list[str]:
    """The strings of front matter filled as `fill_meta` fills them, without building it."""
    return [_fill_plain(text, values) for text in texts]


def _fill_plain(text: str, values: Mapping[str, Value]) -> str:
    return PATTERN.sub(lambda m: _plain(m, values), text) if "<<" in text else text


def _plain(match: re.Match[str], values: Mapping[str, Value]) -> str:
    if match.group(1):
        return match.group()[1:]
    value = values.get(match.group(2))
    return value.text if value is not None and value.text else match.group()
