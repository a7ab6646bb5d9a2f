"""JSON Schemas per document type: loaded and compiled once, errors turned into findings."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError as _JsonSchemaError
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from .model import Finding, Mark, Parsed, SchemaError, child_path
from .moments import as_date, moment
from .settings import is_safe_url

SUFFIX = ".schema.json"


def builtin_dir() -> Path:
    """The schemas shipped with the package (the wheel), else the repository's `schemas/`."""
    here = Path(__file__).resolve().parent
    packaged = here / "schemas"
    return packaged if packaged.is_dir() else here.parents[2] / "schemas"


FORMATS = FormatChecker(formats=())
_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$"
)


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or as_date(value) is not None


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    # The offset is required: a time without one is ambiguous evidence.
    return not isinstance(value, str) or (
        bool(_DATE_TIME.match(value)) and moment(value) is not None
    )


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or is_safe_url(value)


_FORMAT_FIX = {
    "date": "write a real date as YYYY-MM-DD",
    "date-time": "write YYYY-MM-DDTHH:MM with a UTC offset, e.g. 2026-03-02T14:05:00+00:00",
    "uri": "write an absolute https:// link",
}


@dataclass(frozen=True)
class TypeSchema:
    """One document type's schema and its compiled validator."""

    doc_type: str
    schema_id: str
    path: Path
    validator: Draft202012Validator
    quick: Any = None
    """The same schema compiled by jsonschema-rs (the same formats, checked by the same
    functions): it says whether a value is valid twenty times faster; only an invalid
    value is validated again by `validator`, whose errors become findings."""


def quick_validator(schema: dict[str, Any], resources: Sequence[tuple[str, Any]]) -> Any:
    """`schema` compiled by jsonschema-rs, offline; None when it cannot compile it (a
    project's schema it reads otherwise): then every value takes the full validation."""
    try:
        return jsonschema_rs.validator_for(
            schema,
            formats={name: check for name, (check, _) in FORMATS.checkers.items()},
            validate_formats=True,
            registry=jsonschema_rs.Registry(list(resources)),
        )
    except Exception:  # any refusal means: no quick path, never a wrong one
        return None


class SchemaSet:
    """The document types known to a run: shipped schemas, overridden by the project's own."""

    def __init__(self, folders: Iterable[Path], severities: Sequence[str] | None = None) -> None:
        documents: dict[str, tuple[Path, dict[str, Any]]] = {}
        for folder in folders:
            for path in sorted(folder.glob("*" + SUFFIX)):
                documents[path.name[: -len(SUFFIX)]] = (path, _read(path))
        if severities is not None:
            _use_scale(documents, severities)
        resources = []
        contents = []
        for path, schema in documents.values():
            if not isinstance(schema.get("$id"), str):
                raise SchemaError(f"{path}: a schema needs an absolute $id")
            try:
                Draft202012Validator.check_schema(schema)
            except _JsonSchemaError as exc:
                raise SchemaError(
                    f"{path}: invalid schema at {exc.json_path}: {exc.message}"
                ) from None
            resources.append((schema["$id"], Resource.from_contents(schema, DRAFT202012)))
            contents.append((schema["$id"], schema))
        registry: Registry[Any] = Registry().with_resources(resources)
        self.types: dict[str, TypeSchema] = {}
        for name, (path, schema) in documents.items():
            if name.startswith("_"):
                continue  # shared definitions, referenced by the types
            # The root's own `$id` is the base every ref below it resolves against.
            compiled = {k: _inline_refs(v, registry, schema["$id"]) for k, v in schema.items()}
            validator = Draft202012Validator(compiled, registry=registry, format_checker=FORMATS)
            quick = quick_validator(compiled, contents)
            self.types[name] = TypeSchema(name, schema["$id"], path, validator, quick)

    def validate(self, doc_type: str, parsed: Parsed, path: str, start: Mark) -> list[Finding]:
        """Every schema error of `parsed` as a finding at the offending key or value."""
        schema = self.types[doc_type]
        if schema.quick is not None and _quick_valid(schema.quick, parsed.value):
            return []
        errors = schema.validator.iter_errors(parsed.value)
        findings = [f for error in errors for f in _findings(error, parsed, path, start)]
        return sorted(set(findings), key=Finding.sort_key)


def _quick_valid(quick: Any, value: Any) -> bool:
    try:
        return bool(quick.is_valid(value))
    except Exception:  # a value it cannot read (a NaN, a huge number): the full validation
        return False


SCALE_DEFS = "_defs"
"""The shared definitions whose `severity` is the configured scale, not the shipped one."""


def _use_scale(documents: dict[str, tuple[Path, dict[str, Any]]], names: Sequence[str]) -> None:
    """Point the shared `severity` definition at the configured scale (`incidents:
    severities`), so every type that refers to it accepts exactly those levels."""
    if SCALE_DEFS not in documents:
        return
    path, schema = documents[SCALE_DEFS]
    defs = schema.get("$defs")
    if isinstance(defs, dict) and isinstance(defs.get("severity"), dict):
        severity = {**defs["severity"], "enum": list(names)}
        documents[SCALE_DEFS] = (path, {**schema, "$defs": {**defs, "severity": severity}})


# Keywords that make a subschema depend on where it sits; such a target is never copied.
_CONTEXTUAL = {"$ref", "$dynamicRef", "$id", "$anchor", "$dynamicAnchor", "$recursiveRef"}


def _inline_refs(schema: Any, registry: Registry[Any], base: str) -> Any:
    """`schema` with every `$ref` to a self-contained definition replaced by its keywords.

    jsonschema resolves a `$ref` again for every instance (a URL join and a pointer walk),
    which was most of the check's time on thousands of documents. A ref is inlined only when
    its target is a mapping with no keyword that depends on its location and no keyword in
    common with the ref's siblings; any other ref stays for the validator to follow.
    """
    if isinstance(schema, list):
        return [_inline_refs(item, registry, base) for item in schema]
    if not isinstance(schema, dict) or "$id" in schema:
        return schema
    result = {key: _inline_refs(value, registry, base) for key, value in schema.items()}
    ref = result.get("$ref")
    if not isinstance(ref, str):
        return result
    try:
        target = registry.resolver(base).lookup(ref).contents
    except Unresolvable:
        return result
    siblings = {key: value for key, value in result.items() if key != "$ref"}
    if not isinstance(target, dict) or set(target) & siblings.keys() or _contextual(target):
        return result
    return {**target, **siblings}


def _contextual(schema: Any) -> bool:
    if isinstance(schema, dict):
        return bool(_CONTEXTUAL & schema.keys()) or any(map(_contextual, schema.values()))
    if isinstance(schema, list):
        return any(map(_contextual, schema))
    return False


def _read(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"{path}: not a readable JSON Schema: {exc}") from None
    if not isinstance(schema, dict):
        raise SchemaError(f"{path}: a schema is a JSON object")
    return schema


def _json_path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path = child_path(path, part)
    return path


def _findings(error: ValidationError, parsed: Parsed, path: str, start: Mark) -> list[Finding]:
    if error.context:
        error = best_match(error.context)
    field = _json_path(error)
    at = parsed.mark(field, start)

    def finding(message: str, where: Mark = at, field: str = field) -> Finding:
        fix = schema.get("x-fix")
        if fix and fix not in message:
            message = f"{message}; {fix}"
        return Finding(path, where.line, where.column, "schema", message, field=field)

    kind, instance = error.validator, error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        missing = str(error.message).split("'")[1]
        return [
            finding(f"missing required field {missing!r}; add it", field=child_path(field, missing))
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set(schema.get("properties", {}))
        found = []
        for key in sorted(set(instance) - allowed, key=str):
            key_path = child_path(field, key)
            hint = difflib.get_close_matches(key, sorted(allowed), n=1)
            fix = f"did you mean {hint[0]!r}?" if hint else "remove it"
            found.append(
                finding(f"unknown field {key!r}; {fix}", parsed.mark(key_path, at), key_path)
            )
        return found
    # A null is a blank left to fill, not a value YAML misread: no "quote it" for it.
    quotable = field in parsed.raw and parsed.raw[field][1] != "null"
    if kind == "type" and quotable and "string" in _listify(error.validator_value):
        text, yaml_kind = parsed.raw[field]
        return [
            finding(
                f"expected text, but YAML reads {text} as {_ARTICLE[yaml_kind]} {yaml_kind}; "
                f'quote it: "{text}"'
            )
        ]
    if kind == "type":
        return [finding(f"expected {_expected(error.validator_value)}, got {_describe(instance)}")]
    if kind == "enum":
        choices = ", ".join(str(c) for c in _listify(error.validator_value))
        return [
            finding(f"{_show(instance, field, parsed)} is not one of {choices}; use one of them")
        ]
    if kind == "const":
        return [finding(f"must be {error.validator_value!r}")]
    if kind == "format":
        fix = _FORMAT_FIX.get(str(error.validator_value), "")
        return [finding(f"{instance!r} is not a valid {error.validator_value}; {fix}")]
    if kind == "minLength" and error.validator_value == 1:
        return [finding("must not be empty; fill it in")]
    if kind == "pattern":
        return [finding(f"{instance!r} does not have the expected form")]
    return [finding(error.message)]


_ARTICLE = {"boolean": "a", "integer": "an", "number": "a"}


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _expected(value: Any) -> str:
    names = {
        "string": "text",
        "object": "a mapping",
        "array": "a list",
        "integer": "a whole number",
    }
    return " or ".join(names.get(v, v) for v in _listify(value))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _show(instance: Any, field: str, parsed: Parsed) -> str:
    if field in parsed.raw:
        return parsed.raw[field][0]
    return repr(instance)
