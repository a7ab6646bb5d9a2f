"""One case file per rule id (`cases/<rule-id>.yml`), run in-process by one generic test.

A case writes a small project into tmp_path and runs the stage that reports the rule:

- `check` (the default): the pipeline over `files` (below `docs/`) with the plugin
  `options`, as `evidence-kit check` and the build run it;
- `scan`: the post-build gate over `site` (files of a built site), with `options`;
- `verify`: a built `site` against the manifest it carries.

A file's content (in `files` or `site`) is text, written as UTF-8, or a mapping with one key
for what text cannot say:

- `{bytes_hex: "2320ff0a"}`: these exact bytes (hex digits, spaces ignored);
- `{symlink: "../../outside.md"}`: a symbolic link with this target, written as given
  (relative to the link's folder, or absolute); the target need not exist;
- `{gzip_zeros: 1000}`: a gzip file of this many zero bytes (a bomb, at a few bytes per
  thousand).

`expect` lists the exact finding lines of the case's rule, in order, each reported with the
rule's default severity from the registry unless the case says `severity:` (some options
change it). Findings of other rules are not compared, but every finding of every case must
carry a rule id of the registry.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import make_project, write
from evidence_kit import pipeline, registry
from evidence_kit.cli import load_settings
from evidence_kit.core.model import Finding, Severity
from evidence_kit.publish import gate, manifest

CASES = Path(__file__).resolve().parent / "cases"
CASE_KEYS = {
    *("description", "run", "today", "env", "severity"),
    *("options", "config", "files", "site", "expect"),
}


def _cases() -> list[Path]:
    return sorted(CASES.glob("*.yml"))


def _contents(files: dict[str, Any]) -> tuple[dict[str, str | bytes], dict[str, str]]:
    """Files to write (text or bytes) and symlinks to make (path -> target)."""
    written: dict[str, str | bytes] = {}
    links: dict[str, str] = {}
    for name, content in files.items():
        if isinstance(content, (str, bytes)):  # bytes: YAML's !!binary
            written[name] = content
        elif isinstance(content, dict) and set(content) == {"bytes_hex"}:
            written[name] = bytes.fromhex(content["bytes_hex"])
        elif isinstance(content, dict) and set(content) == {"symlink"}:
            links[name] = content["symlink"]
        elif isinstance(content, dict) and set(content) == {"gzip_zeros"}:
            written[name] = gzip.compress(bytes(content["gzip_zeros"]), compresslevel=1)
        else:
            raise AssertionError(
                f"{name}: content is text, {{bytes_hex}}, {{symlink}} or {{gzip_zeros}}"
            )
    return written, links


def _link(root: Path, links: dict[str, str]) -> None:
    for name, target in links.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)


def _run(spec: dict[str, Any], root: Path) -> list[Finding]:
    docs, links = _contents(spec.get("files", {}))
    config = make_project(root, docs, spec.get("options"), **spec.get("config", {}))
    _link(config.parent / spec.get("config", {}).get("docs_dir", "docs"), links)
    # YAML reads an unquoted date as a date; the clock takes the text, as --today does.
    today = spec.get("today")
    settings = load_settings(config, None if today is None else str(today))
    kind = spec.get("run", "check")
    if kind == "check":
        return pipeline.assess(settings).findings
    site = root / "site"
    files = dict(spec.get("site", {}))
    if isinstance(files.get(manifest.NAME), dict):
        files[manifest.NAME] = json.dumps(files[manifest.NAME])
    site_files, site_links = _contents(files)
    write(site, site_files)
    _link(site, site_links)
    if kind == "scan":
        return gate.scan(site, settings, "site")
    if kind == "verify":
        return manifest.verify(site, "site")
    raise AssertionError(f"unknown run {kind!r}")


@pytest.mark.parametrize("case", _cases(), ids=lambda path: path.stem)
def test_rule_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert set(spec) <= CASE_KEYS, f"{case.name}: unknown keys {set(spec) - CASE_KEYS}"
    assert spec.get("expect"), f"{case.name}: a case expects at least one finding"
    for name, value in (spec.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))
    found = _run(spec, tmp_path)
    assert {f.rule for f in found} <= set(registry.RULES), "a finding's rule is not registered"
    mine = [f for f in found if f.rule == case.stem]
    assert [str(f) for f in mine] == spec["expect"]
    # What the registry (so `evidence-kit rules` and SARIF) says a rule reports.
    severity = Severity(spec.get("severity", registry.RULES[case.stem].severity))
    assert {f.severity for f in mine} == {severity}


def test_every_rule_has_a_case_and_every_case_a_rule() -> None:
    named = {path.stem for path in _cases()}
    assert sorted(set(registry.RULES) - named) == [], "rules without a case file"
    assert sorted(named - set(registry.RULES)) == [], "case files for no registered rule"


def test_the_registry_describes_every_rule() -> None:
    for rule in registry.RULES.values():
        assert rule.summary.endswith("."), rule.id
        assert rule.family and rule.family == rule.family.lower(), rule.id
