"""`evidence-kit schema TYPE`: self-contained schemas editors can use, equal to the engine's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO, make_project, run_cli
from evidence_kit import cli, pipeline
from evidence_kit.core import editor
from evidence_kit.core.schemas import FORMATS, builtin_dir

TYPES = ["oncall", "postmortem", "procedure", "restore-test", "runbook", "section"]
DEFS_ID = "https://evidence-kit.example/schemas/_defs.schema.json"


def expected_bundle(doc_type: str) -> dict[str, Any]:
    """The bundle read straight from the shipped files: the type's schema with its references
    to `_defs` pointed at `#/$defs/_defs`, and `_defs` (without `$id`, `$schema`) under `$defs`."""
    text = (REPO / "schemas" / f"{doc_type}.schema.json").read_text(encoding="utf-8")
    assert DEFS_ID + "#/$defs/" in text
    schema = json.loads(text.replace(DEFS_ID + "#", "#/$defs/_defs"))
    shared = json.loads((REPO / "schemas" / "_defs.schema.json").read_text(encoding="utf-8"))
    assert shared.pop("$id") == DEFS_ID
    del shared["$schema"]
    assert "$defs" not in schema
    return {**schema, "$defs": {"_defs": shared}}


def refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def errors(validator: Draft202012Validator, instance: Any) -> set[tuple[str, str]]:
    return {(e.json_path, str(e.validator)) for e in validator.iter_errors(instance)}


@pytest.mark.parametrize("doc_type", TYPES)
def test_schema_command_prints_a_self_contained_schema(doc_type: str) -> None:
    run = run_cli("schema", doc_type, "--config", str(REPO / "nope.yml"))
    assert run.exit_code == 0
    schema = json.loads(run.output)
    assert schema == expected_bundle(doc_type)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"https://evidence-kit.example/schemas/{doc_type}.schema.json"
    assert {ref.split("/$defs/")[1] for ref in refs(schema)} <= {"_defs"}
    assert all(ref.startswith("#/$defs/_defs/$defs/") for ref in refs(schema))


def mutations(value: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The value itself and variants that break one field each way a schema can see."""
    yield value
    for key in value:
        yield {k: v for k, v in value.items() if k != key}
        for bad in ("", 7, None, ["x"], {"x": 1}, "2026-13-45", "not a url"):
            yield {**value, key: bad}
    yield {**value, "unexpected": 1}


def test_bundled_schemas_judge_the_kit_like_the_engine(kit: Path) -> None:
    evidence = pipeline.run(cli.load_settings(kit, None))
    samples: list[tuple[str, Any]] = [
        (doc.doc_type, doc.meta.value) for doc in evidence.tree.documents.values() if doc.doc_type
    ]
    samples += [(data.doc_type, data.data.value) for data in evidence.tree.data.values()]
    assert sorted({t for t, _ in samples}) == TYPES
    for doc_type, value in samples:
        engine_validator = evidence.schemas.types[doc_type].validator
        alone = Draft202012Validator(
            editor.bundled([builtin_dir()], doc_type), format_checker=FORMATS
        )
        for instance in mutations(value):
            assert errors(alone, instance) == errors(engine_validator, instance), doc_type


def test_unknown_type_exits_2_naming_the_known_ones() -> None:
    run = run_cli("schema", "playbook", "--config", str(REPO / "nope.yml"))
    assert (run.exit_code, run.stderr) == (
        2,
        "evidence-kit: error: unknown type 'playbook'; "
        "use one of oncall, postmortem, procedure, restore-test, runbook, section\n",
    )
    shared = run_cli("schema", "_defs", "--config", str(REPO / "nope.yml"))
    assert shared.exit_code == 2


def test_project_types_are_bundled_too(tmp_path: Path) -> None:
    change = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/schemas/change.schema.json",
        "type": "object",
        "properties": {
            "title": {"$ref": "https://evidence-kit.example/schemas/_defs.schema.json#/$defs/text"},
            "ticket": {"$ref": "local.schema.json#/$defs/ticket"},
        },
    }
    local = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/schemas/local.schema.json",
        "$defs": {"ticket": {"type": "string", "pattern": "^CHG-[0-9]+$"}},
    }
    config = make_project(tmp_path, {"index.md": "# Home\n"}, {"schemas_dir": "schemas"})
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/change.schema.json").write_text(json.dumps(change))
    (tmp_path / "schemas/local.schema.json").write_text(json.dumps(local))
    run = run_cli("schema", "change", "--config", str(config))
    assert run.exit_code == 0, run.stderr
    schema = json.loads(run.output)
    assert schema["properties"] == {
        "title": {"$ref": "#/$defs/_defs/$defs/text"},
        "ticket": {"$ref": "#/$defs/local/$defs/ticket"},
    }
    alone = Draft202012Validator(schema)
    assert errors(alone, {"title": "T", "ticket": "CHG-1"}) == set()
    assert errors(alone, {"title": "", "ticket": "X"}) == {
        ("$.title", "minLength"),
        ("$.ticket", "pattern"),
    }
    listed = run_cli("schema", "nope", "--config", str(config))
    assert listed.stderr == (
        "evidence-kit: error: unknown type 'nope'; use one of change, local, oncall, "
        "postmortem, procedure, restore-test, runbook, section\n"
    )


def test_readme_maps_the_oncall_file_to_its_schema() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", readme, re.DOTALL)
    settings = json.loads(block)
    assert settings == {
        "yaml.schemas": {".vscode/schemas/oncall.schema.json": ["evidence/**/oncall.yml"]}
    }
    assert 'evidence-kit schema "$type" > ".vscode/schemas/$type.schema.json"' in readme
    assert all(t in readme for t in TYPES)
