"""Schemas are compiled with their `$ref`s inlined once, and say exactly what they said before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_kit.core import schemas, yamlio
from evidence_kit.core.model import Finding, Mark
from evidence_kit.core.schemas import SchemaSet, builtin_dir

BROKEN = {
    "runbook": """\
title: ""
type: runbook
owner: Platform team
last_reviewed: 2026
review_every: monthly
visibility: secret
controls: [soc2 cc7, SOC2:CC7.3, SOC2:CC7.3]
""",
    "postmortem": """\
title: Failover
type: postmortem
severity: SEV4
status: final
date: 2026-02-30
owner: Platform team
incident: {start: 2026-03-02T14:05}
sanitized: true
runbooks: [""]
timeline:
  - {at: 2026-03-02 14:05, event: paged}
action_items:
  - {item: Alert, owner: Platform team, due: 2026-13-01, status: done, ticket: "javascript:x"}
""",
    "oncall": """\
rotation: {name: Platform, url: "ftp://oncall"}
shifts:
  - {start: 2026-11-02T09:00:00Z, end: tomorrow, primary: "", secondary: Sam}
escalation:
  - {level: 0, contact: primary, after_minutes: -1}
""",
}


def _findings(schema_set: SchemaSet, doc_type: str, text: str) -> list[Finding]:
    parsed = yamlio.load(text, f"{doc_type}.md").parsed
    assert parsed is not None
    return schema_set.validate(doc_type, parsed, f"{doc_type}.md", Mark(1))


def test_shipped_schemas_keep_no_ref_to_resolve_per_document() -> None:
    for schema in SchemaSet([builtin_dir()]).types.values():
        assert "$ref" not in json.dumps(schema.validator.schema), schema.doc_type


@pytest.mark.parametrize("doc_type", sorted(BROKEN))
def test_inlined_schemas_report_exactly_what_refs_reported(
    doc_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inlined = _findings(SchemaSet([builtin_dir()]), doc_type, BROKEN[doc_type])
    monkeypatch.setattr(schemas, "_inline_refs", lambda schema, registry, base: schema)
    followed = _findings(SchemaSet([builtin_dir()]), doc_type, BROKEN[doc_type])

    assert len(inlined) >= 5
    assert [str(f) for f in inlined] == [str(f) for f in followed]


def test_fix_hints_of_shared_definitions_survive_inlining() -> None:
    found = [str(f) for f in _findings(SchemaSet([builtin_dir()]), "runbook", BROKEN["runbook"])]

    assert found[1:3] == [
        "runbook.md:4:1: schema: $.last_reviewed: expected text, but YAML reads 2026 as an "
        'integer; quote it: "2026"; write a real date as YYYY-MM-DD',
        "runbook.md:5:1: schema: $.review_every: 'monthly' does not have the expected form; "
        "write a number and a unit, e.g. '12 months' or '2 weeks'",
    ]


def _project_schema(folder: Path, body: dict[str, object]) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/schemas/tree.schema.json",
        **body,
    }
    (folder / "tree.schema.json").write_text(json.dumps(schema), encoding="utf-8")


def test_recursive_and_overlapping_refs_are_left_for_the_validator(tmp_path: Path) -> None:
    text_ref = "https://evidence-kit.example/schemas/_defs.schema.json#/$defs/text"
    _project_schema(
        tmp_path,
        {
            "$ref": "#/$defs/node",
            "$defs": {
                "node": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        # `type` beside the ref: both apply, so the ref is not merged away.
                        "name": {"$ref": text_ref, "type": "string", "maxLength": 5},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    },
                }
            },
        },
    )
    schema_set = SchemaSet([builtin_dir(), tmp_path])
    compiled = json.dumps(schema_set.types["tree"].validator.schema)
    assert compiled.count("$ref") == 3

    text = "name: root\nchildren:\n  - name: ''\n  - name: far too long\n  - children: []\n"
    found = [str(f) for f in _findings(schema_set, "tree", text)]

    assert found == [
        "tree.md:3:5: schema: $.children[0].name: must not be empty; fill it in",
        "tree.md:4:5: schema: $.children[1].name: 'far too long' is too long",
        "tree.md:5:5: schema: $.children[2].name: missing required field 'name'; add it",
    ]
