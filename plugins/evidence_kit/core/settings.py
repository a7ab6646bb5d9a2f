"""The engine's settings, built from the plugin's options by both front doors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import workdays
from .model import Mark
from .options import unknown_options
from .options.controls import ControlScope, parse_scope
from .options.incidents import IncidentPolicy, parse_policy
from .options.publish import Publish, parse_publish
from .options.restore import RestoreSettings, parse_restore
from .options.review import ReviewSettings, parse_settings

_START = Mark(1, 1)

DEFAULT_MAX_FILE_SIZE = 1024 * 1024
URL_SCHEMES = ("https", "http", "mailto")


OPTIONS = (
    "enabled",
    "schemas_dir",
    "types",
    "placeholders",
    "max_file_size",
    "holidays",
    "review",
    "incidents",
    "publish",
    "controls",
    "restore_tests",
)
"""The plugin's options, as `config.EvidenceConfig` declares them (a test keeps them equal):
the CLI reads `mkdocs.yml` without MkDocs, and both front doors reject the same unknown ones."""


class SettingsError(ValueError):
    """The plugin options cannot be used; each message names the option."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class PlaceholderSource:
    """Where one `<<Name>>` gets its value: config text, an env variable or a data file."""

    name: str
    value: str | None = None
    env: str | None = None
    data: str | None = None
    key: str | None = None
    url: bool = False
    mark: Mark = _START

    @property
    def origin(self) -> str:
        if self.env:
            return f"environment variable {self.env}"
        if self.data:
            return f"{self.data} at {self.key}"
        return "the placeholders option"


@dataclass(frozen=True)
class Settings:
    """Everything a run of the engine needs to know, MkDocs or not."""

    root: Path
    docs_dir: Path
    today: dt.date
    config_file: str = "mkdocs.yml"
    schemas_dir: Path | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    placeholders: Mapping[str, PlaceholderSource] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    review: ReviewSettings = field(default_factory=ReviewSettings)
    incidents: IncidentPolicy = field(default_factory=IncidentPolicy)
    publish: Publish = field(default_factory=Publish)
    controls: ControlScope = field(default_factory=ControlScope)
    restore: RestoreSettings = field(default_factory=RestoreSettings)

    def rel(self, path: Path) -> str:
        """`path` as findings print it: relative to the project root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def build_settings(
    options: Mapping[str, Any],
    *,
    root: Path,
    docs_dir: Path,
    today: dt.date,
    config_file: str = "mkdocs.yml",
    option_marks: Mapping[str, Mark] | None = None,
    detector_rules: Collection[str] = (),
    waivable_rules: Collection[str] = (),
) -> Settings:
    """Check the plugin options beyond their types and turn them into `Settings`;
    `detector_rules` are the ids that `publish: rules:` and `allow:` may name,
    `waivable_rules` those a `review: waivers` entry may name (default: the review errors)."""
    marks = option_marks or {}
    # A misspelled option would silently drop what it sets (a deny term, a waiver): an error.
    errors: list[str] = unknown_options("", options, OPTIONS)
    types = _types(options.get("types") or {}, errors)
    placeholders = {}
    for name, spec in (options.get("placeholders") or {}).items():
        source = _placeholder(str(name), spec, errors, marks.get(str(name), Mark(1, 1)))
        if source:
            placeholders[source.name] = source
    max_size = options.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        errors.append(f"max_file_size: expected a positive number of bytes, got {max_size!r}")
    schemas_dir = None
    if options.get("schemas_dir"):
        schemas_dir = (root / str(options["schemas_dir"])).resolve()
        if not schemas_dir.is_dir():
            errors.append(f"schemas_dir: {options['schemas_dir']!r} is not a folder")
    holidays = _holidays(options.get("holidays"), errors)
    incidents = parse_policy(options.get("incidents"), errors, holidays)
    review = parse_settings(
        options.get("review"), errors, holidays, incidents.severities, waivable_rules
    )
    settings = Settings(
        root=root,
        docs_dir=docs_dir,
        today=today,
        config_file=config_file,
        schemas_dir=schemas_dir,
        types=types,
        placeholders=placeholders,
        max_file_size=max_size,
        # Each concern checks its own option block, adding to `errors`.
        review=review,
        incidents=incidents,
        publish=parse_publish(options.get("publish"), errors, detector_rules),
        controls=parse_scope(options.get("controls"), errors, root),
        restore=parse_restore(options.get("restore_tests"), errors),
    )
    if errors:
        raise SettingsError(errors)
    return settings


def _holidays(value: Any, errors: list[str]) -> str | None:
    """One holiday calendar for every business-day rule (review grace, postmortem deadline)."""
    try:
        return workdays.country(value)
    except workdays.UnknownCountry as exc:
        errors.append(f"holidays: {exc}; write an ISO 3166 code such as GB or US-CA")
        return None


_TYPE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def _types(rules: Any, errors: list[str]) -> dict[str, str]:
    if not isinstance(rules, Mapping):
        errors.append("types: expected a mapping of glob patterns to document types")
        return {}
    result = {}
    for pattern, doc_type in rules.items():
        if not isinstance(doc_type, str) or not _TYPE_NAME.match(doc_type):
            errors.append(f"types: {pattern!r}: {doc_type!r} is not a document type name")
            continue
        result[str(pattern)] = doc_type
    return result


_PLACEHOLDER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _./-]{0,78}[A-Za-z0-9]$|^[A-Za-z0-9]$")
_SPEC_KEYS = {"value", "env", "data", "key", "url"}


def _placeholder(name: str, spec: Any, errors: list[str], mark: Mark) -> PlaceholderSource | None:
    where = f"placeholders: {name!r}"
    if not _PLACEHOLDER_NAME.match(name):
        errors.append(f"{where}: a name is letters, digits, spaces and . _ / -")
        return None
    if isinstance(spec, (str, int, float)) and not isinstance(spec, bool):
        return PlaceholderSource(name, value=str(spec), mark=mark)
    if not isinstance(spec, Mapping) or set(spec) - _SPEC_KEYS:
        errors.append(
            f"{where}: expected a text value or a mapping with value, env or data (+ key), and url"
        )
        return None
    sources = [k for k in ("value", "env", "data") if k in spec]
    if len(sources) != 1:
        errors.append(f"{where}: give exactly one of value, env or data")
        return None
    if "data" in spec and not spec.get("key"):
        errors.append(f"{where}: data needs a key, the dotted path of the value in the file")
        return None
    url = spec.get("url", False)
    if not isinstance(url, bool):
        errors.append(f"{where}: url is true or false")
        return None
    source = PlaceholderSource(
        name,
        value=None if spec.get("value") is None else str(spec["value"]),
        env=spec.get("env"),
        data=spec.get("data"),
        key=spec.get("key"),
        url=url,
        mark=mark,
    )
    if url and source.value is not None and not is_safe_url(source.value):
        errors.append(f"{where}: {source.value!r} is not an absolute {'/'.join(URL_SCHEMES)} URL")
        return None
    return source


def is_safe_url(value: str) -> bool:
    """An absolute link a reader can follow: never `javascript:` or `data:`."""
    parts = urlsplit(value.strip())
    if parts.scheme == "mailto":
        return bool(parts.path)
    return parts.scheme in URL_SCHEMES and bool(parts.netloc)
