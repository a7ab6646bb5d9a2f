"""The floor: the least any correct check of an evidence tree must do, to compare against.

Read every file, parse each front matter (and each on-call file) with PyYAML's C loader,
validate it against its type's schema (refs inlined once) with jsonschema-rs, format checks
included, and with jsonschema only when that finds it invalid (for the errors), and scan the
body for `<<...>>`. No positions, no messages, no other rules. It imports nothing from the
engine, so an engine slowdown cannot hide in it.

    python -m benchmarks.floor DOCS_DIR SCHEMAS_DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


class _Loader(yaml.CSafeLoader):
    """The C loader with timestamps kept as strings, as JSON Schema formats expect."""


def _timestamp(loader: _Loader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
PLACEHOLDER = re.compile(r"(\\?)<<([A-Za-z0-9][A-Za-z0-9 _./-]{0,78}?)>>")
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$"
)
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(DATE_TIME.match(value)) and bool(dt.datetime.fromisoformat(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or urlsplit(value).scheme in ("https", "http", "mailto")


def inline(schema: Any, registry: Registry[Any], base: str) -> Any:
    """`schema` with each `$ref` to a definition without refs replaced by its keywords.

    jsonschema follows a `$ref` anew for every instance; doing it once when compiling is
    the cheapest correct validation, so the floor does it too (as the engine does).
    """
    if isinstance(schema, list):
        return [inline(item, registry, base) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: inline(value, registry, base) for key, value in schema.items()}
    ref = result.pop("$ref", None)
    if ref is None:
        return result
    target = registry.resolver(base).lookup(ref).contents
    if "$ref" in json.dumps(target) or set(target) & set(result):
        return {**result, "$ref": ref}
    return {**target, **result}


def validators(schemas_dir: Path) -> dict[str, Draft202012Validator]:
    """One compiled validator per document type, sharing one registry."""
    schemas = {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(schemas_dir.glob("*.schema.json"))
    }
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, DRAFT202012)) for schema in schemas.values()
    )
    compiled = {
        name: {key: inline(value, registry, schema["$id"]) for key, value in schema.items()}
        for name, schema in schemas.items()
        if not name.startswith("_")
    }
    return {
        name: Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
        for name, schema in compiled.items()
    }


def _holds(check: Any, raises: Any) -> Any:
    """A format check that says False where it raises (as jsonschema reads it)."""

    def holds(value: object) -> bool:
        try:
            return bool(check(value))
        except raises:
            return False

    return holds


def quick_validators(full: dict[str, Draft202012Validator]) -> dict[str, Any]:
    """The same schemas compiled by jsonschema-rs, the fastest validator we know: a valid
    document needs nothing more (only an invalid one is validated again for its errors)."""
    formats = {name: _holds(*checker) for name, checker in FORMATS.checkers.items()}
    return {
        name: jsonschema_rs.validator_for(
            cast(dict[str, Any], v.schema), formats=formats, validate_formats=True
        )
        for name, v in full.items()
    }


def check(docs_dir: Path, schemas_dir: Path) -> dict[str, int]:
    """Counts of files read, documents validated, schema errors and placeholders found."""
    types = validators(schemas_dir)
    quick = quick_validators(types)
    counts = {"files": 0, "validated": 0, "errors": 0, "placeholders": 0}
    for dirpath, dirnames, filenames in os.walk(docs_dir):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.endswith(".md"):
                counts["files"] += 1
                with open(path, encoding="utf-8") as file:
                    text = file.read()
                match = FRONT_MATTER.match(text)
                body = text[match.end() :] if match else text
                counts["placeholders"] += sum(1 for _ in PLACEHOLDER.finditer(body))
                meta = yaml.load(match.group(1), Loader=_Loader) if match else None
                doc_type = meta.get("type") if isinstance(meta, dict) else None
            elif name == "oncall.yml":
                counts["files"] += 1
                with open(path, encoding="utf-8") as file:
                    meta = yaml.load(file.read(), Loader=_Loader)
                doc_type = "oncall"
            else:
                continue
            if doc_type in types:
                counts["validated"] += 1
                if not quick[doc_type].is_valid(meta):
                    counts["errors"] += sum(1 for _ in types[doc_type].iter_errors(meta))
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    """Run the floor over a docs dir and print its counts as JSON."""
    parser = argparse.ArgumentParser(description="The floor of a correct evidence check.")
    parser.add_argument("docs_dir", type=Path)
    parser.add_argument("schemas_dir", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(check(args.docs_dir, args.schemas_dir)))


if __name__ == "__main__":
    main()
