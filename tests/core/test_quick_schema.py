"""The quick validator (jsonschema-rs) says valid only where the full one does: a value it
passes gets no schema findings without the full validation, so it must never pass one the
full validation fails (hypothesis states the law over the kit's documents, mutated)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from evidence_kit.core import yamlio
from evidence_kit.core.schemas import SchemaSet, _quick_valid, builtin_dir, quick_validator

SCHEMAS = SchemaSet([builtin_dir()])
DOCUMENTS: list[tuple[str, dict[str, Any]]] = []
for source in sorted((REPO / "evidence").rglob("*")):
    if source.suffix not in (".md", ".yml"):
        continue
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".md":
        if not text.startswith("---\n"):
            continue
        text = text[4 : text.index("\n---", 4)]
    parsed = yamlio.load(text, source.name).parsed
    value = parsed.value if parsed is not None else None
    if source.name == "oncall.yml":
        DOCUMENTS.append(("oncall", value))
    elif isinstance(value, dict) and value.get("type") in SCHEMAS.types:
        DOCUMENTS.append((value["type"], value))

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 400)
    | st.floats()
    | st.sampled_from(
        [
            *("", "x", "2026-02-30", "2026-02-28", "2026-13-01", "26-01-01", "2026-1-1"),
            *("2026-03-02T14:05:00+00:00", "2026-03-02T14:05", "2026-03-02 14:05Z"),
            *("https://example.com/a", "http://x", "javascript:alert(1)", "ftp://a", "//x"),
            *("SEV1", "SEV9", "P1", "3 months", "1 year", "0 days", "SOC2:CC6.1", "soc2:x"),
            *("final", "draft", "done", "open", "never", "Platform team"),
        ]
    )
    | st.text(max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON-shaped value where another value could go."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [replaced(item, rest, new) if i == head else item for i, item in enumerate(value)]


def full_valid(doc_type: str, value: Any) -> bool:
    return not any(SCHEMAS.types[doc_type].validator.iter_errors(value))


def test_every_shipped_type_has_a_quick_validator() -> None:
    assert DOCUMENTS
    assert {name: bool(t.quick) for name, t in SCHEMAS.types.items()} == dict.fromkeys(
        SCHEMAS.types, True
    )


@pytest.mark.parametrize(("doc_type", "value"), DOCUMENTS, ids=[t for t, _ in DOCUMENTS])
def test_the_kits_documents_are_valid_both_ways(doc_type: str, value: dict[str, Any]) -> None:
    assert SCHEMAS.types[doc_type].quick.is_valid(value)
    assert full_valid(doc_type, value)


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_a_mutated_document_is_judged_alike(data: st.DataObject) -> None:
    doc_type, value = data.draw(st.sampled_from(DOCUMENTS))
    where = data.draw(st.sampled_from(paths(value)))
    mutation = data.draw(st.sampled_from(["replace", "drop", "add"]))
    if mutation == "replace":
        value = replaced(value, where, data.draw(VALUES))
    elif mutation == "drop" and len(where) == 1:
        value = {k: v for k, v in value.items() if k != where[0]}
    else:
        value = {**value, data.draw(st.text(max_size=8)): data.draw(VALUES)}
    quick = _quick_valid(SCHEMAS.types[doc_type].quick, value)
    assert quick == full_valid(doc_type, value)


def test_a_schema_jsonschema_rs_refuses_has_no_quick_path() -> None:
    assert (
        quick_validator({"type": "object", "properties": {"a": {"$ref": "#/nowhere"}}}, []) is None
    )
