"""`evidence-kit init`: a new repository that builds once its blanks are filled, and loses nothing."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, build, edit, run_cli
from evidence_kit.authoring import starter

RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
RESTORE = "evidence/05-backups-recovery/restore-test.md"
CREATED = [
    ".gitignore",
    "evidence/05-backups-recovery/incident-runbook.md",
    "evidence/05-backups-recovery/index.md",
    "evidence/05-backups-recovery/oncall.md",
    "evidence/05-backups-recovery/postmortems/index.md",
    "evidence/05-backups-recovery/restore-test.md",
    "evidence/index.md",
    "mkdocs.yml",
]
TEXT_VALUES = {
    "Company name": "Acme Corp",
    "Incidents channel": "#acme-incidents",
    "War room tool": "the incident bridge",
    "Engineering lead": "Kim Lopez",
    "Security lead": "Ola Berg",
    "Legal contact": "Legal",
    "Privacy officer": "DPO",
    "Cloud provider": "the cloud provider",
    "Primary region": "us-east-1",
    "Standby region": "us-west-2",
    "Backup vault": "the backup vault",
}
LINKS = {
    "Status page": "https://status.acme.example",
    "On-call rotation link": "https://oncall.acme.example/platform",
}


def init(target: Path) -> list[str]:
    run = run_cli("init", str(target))
    assert run.exit_code == 0, run.stderr
    return run.output.splitlines()


def fill(config: Path) -> None:
    """Give every placeholder a value, as a team would in mkdocs.yml."""

    def change(text: str) -> str:
        for name, value in TEXT_VALUES.items():
            text = text.replace(f'        {name}: ""\n', f'        {name}: "{value}"\n')
        for name, url in LINKS.items():
            text = re.sub(
                rf"        # {name}: \{{value: [^,]+, url: true\}}\n",
                f"        {name}: {{value: {url}, url: true}}\n",
                text,
            )
        return text

    edit(config, change)


def test_init_builds_strictly_once_placeholders_have_values(tmp_path: Path) -> None:
    target = tmp_path / "acme-evidence"
    output = init(target)
    assert output[:-1] == [f"created: {(target / name).as_posix()}" for name in CREATED]
    config = target / "mkdocs.yml"
    assert output[-1] == (
        f"Next: give the placeholders in {config.as_posix()} their values "
        f"(evidence-kit check --config {config.as_posix()} lists the missing ones), "
        "then build with mkdocs build --strict."
    )

    blank = build(config)
    assert blank.returncode == 1
    # The source findings, then the post-build gate's on the site the blanks reached.
    source = [line for line in blank.warnings() if not line.startswith("site/")]
    gate = [line for line in blank.warnings() if line.startswith("site/")]
    missing = {re.findall(r"<<([^>]+)>>", line)[0] for line in source}
    assert missing == set(TEXT_VALUES) | set(LINKS)
    assert all(": placeholder-missing: " in line for line in source)
    assert all(": placeholder: " in line and "an unfilled <<placeholder>>" in line for line in gate)
    assert any(
        "placeholder-missing: <<Status page>> has no value; add it under placeholders" in line
        for line in source
    )
    never = [
        f"{path}:5:1: review-never: $.last_reviewed: never reviewed; once someone has reviewed "
        f"it, record that with `evidence-kit review {path} --by NAME`"
        for path in (RUNBOOK, RESTORE)
    ]
    check = run_cli("check", "--config", str(config))
    assert check.exit_code == 1
    lines = check.output.splitlines()[:-1]
    assert [line for line in lines if line not in never] == source
    assert [line for line in lines if line in never] == never

    # Placeholders filled and nothing else: the site builds strictly, its reviewable
    # documents saying "never reviewed"; the warnings fail `check --strict` (CI) until a
    # first review is recorded.
    fill(config)
    result = build(config)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    card = result.page("05-backups-recovery/restore-test/index.html")
    assert "Never reviewed: this document was started from a template" in card
    status = json.loads(run_cli("status", "--config", str(config), "--format", "json").output)
    assert {d["path"]: d["status"] for d in status["documents"]} == {
        RUNBOOK: "never-reviewed",
        RESTORE: "never-reviewed",
    }
    strict = run_cli("check", "--strict", "--config", str(config))
    assert (strict.exit_code, strict.output.splitlines()) == (1, [*never, "0 errors, 2 warnings"])

    for path in (RUNBOOK, RESTORE):
        run = run_cli("review", str(target / path), "--by", "Kim Lopez", "--config", str(config))
        assert (run.exit_code, run.output) == (
            0,
            f"reviewed: {path} on {TODAY} by Kim Lopez (was never)\n",
        )
    strict = run_cli("check", "--strict", "--config", str(config))
    assert (strict.exit_code, strict.output) == (0, "0 errors, 0 warnings\n")
    result = build(config)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    assert "Never reviewed" not in result.page("05-backups-recovery/restore-test/index.html")
    runbook = result.page("05-backups-recovery/incident-runbook/index.html")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", runbook)).split())
    assert "Post in #acme-incidents a one-line description" in text
    assert '<a href="https://status.acme.example">' in runbook
    assert "Acme Corp compliance evidence" in result.page("index.html")
    assert "Example Co" not in result.page("index.html")
    assert (result.site / "controls/index.html").is_file()
    assert (result.site / "print/index.html").is_file()


def test_the_starter_warns_until_publish_names_what_postmortems_must_not_say(
    tmp_path: Path,
) -> None:
    target = tmp_path / "acme-evidence"
    init(target)
    config = target / "mkdocs.yml"
    fill(config)
    assert "publish-unprotected" not in run_cli("check", "--config", str(config)).output
    args = ["--title", "Checkout errors", "--severity", "SEV2", "--start", "2026-11-24T09:15Z"]
    args += ["--dir", "05-backups-recovery/postmortems"]
    assert run_cli("new", "postmortem", "--config", str(config), *args).exit_code == 0
    pm = target / "evidence/05-backups-recovery/postmortems/2026-11-24-checkout-errors.md"
    # A draft not marked sanitized is withheld: nothing of it is published yet.
    assert "publish-unprotected" not in run_cli("check", "--config", str(config)).output
    edit(pm, lambda text: text.replace("sanitized: false", "sanitized: true"))
    line = config.read_text().splitlines().index("  - evidence:") + 1
    assert (
        f"mkdocs.yml:{line}:5: publish-unprotected: the audit edition publishes 1 postmortem, "
        "but publish: deny_terms and internal_hosts are empty"
    ) in run_cli("check", "--config", str(config)).output
    # The starter's commented block, uncommented, is the fix.
    edit(
        config,
        lambda text: re.sub(
            r"(?m)^      # (publish:|  internal_hosts|  deny_terms)", r"      \1", text
        ),
    )
    assert "publish-unprotected" not in run_cli("check", "--config", str(config)).output


def test_init_starts_from_the_kits_runbook_never_reviewed(tmp_path: Path) -> None:
    init(tmp_path)
    kit = (REPO / RUNBOOK).read_text(encoding="utf-8")
    new = (tmp_path / RUNBOOK).read_text(encoding="utf-8")
    assert new.split("\n---\n", 1)[1] == kit.split("\n---\n", 1)[1]
    # No review date and no reviewer that nobody gave.
    assert "\nlast_reviewed: never\n" in new
    assert "reviewed_by" not in new
    assert new.replace("last_reviewed: never\n", "") == re.sub(
        r"last_reviewed: \S+\nreviewed_by: .*\n", "", kit, count=1
    )


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    ours = "site_name: Ours\ndocs_dir: evidence\nplugins:\n  - evidence\n"
    (tmp_path / "mkdocs.yml").write_text(ours)
    (tmp_path / "evidence/index.md").write_text("# Our home\n")
    (tmp_path / "evidence/05-backups-recovery").mkdir()
    (tmp_path / "elsewhere").mkdir()
    # A link at a file's place is kept too: writing through it would write elsewhere.
    os.symlink(tmp_path / "elsewhere/runbook.md", tmp_path / RUNBOOK)
    output = init(tmp_path)
    kept = {"evidence/index.md", RUNBOOK}
    assert output[:-1] == [
        *(
            f"{'kept (exists)' if name in kept else 'created'}: {(tmp_path / name).as_posix()}"
            for name in CREATED
            if name != "mkdocs.yml"
        ),
        f"kept (has the evidence plugin): {(tmp_path / 'mkdocs.yml').as_posix()}",
    ]
    assert (tmp_path / "mkdocs.yml").read_text() == ours
    assert (tmp_path / "evidence/index.md").read_text() == "# Our home\n"
    assert not (tmp_path / "elsewhere/runbook.md").exists()

    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = init(tmp_path)
    assert all(line.startswith("kept (") for line in again[:-1])
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_init_into_a_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    run = run_cli("init", str(tmp_path / "taken"))
    assert (run.exit_code, run.stderr) == (
        2,
        f"evidence-kit: error: {tmp_path / 'taken'} is a file, not a folder\n",
    )
    assert (tmp_path / "taken").read_text() == "x"


def test_init_below_a_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    run = run_cli("init", str(tmp_path / "taken/new"))
    assert (run.exit_code, run.stderr) == (
        2,
        f"evidence-kit: error: cannot make the folder {tmp_path / 'taken/new'}: Not a directory\n",
    )


def test_wheel_ships_what_init_needs(wheel: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # The installed package, not this checkout, answers: the kit comes from the wheel.
    probe = (
        "import datetime, json, evidence_kit.authoring.starter as s,"
        " evidence_kit.core.options.controls as c;"
        "print(json.dumps([str(s.kit_dir()), sorted(s.files()),"
        " {k: [x.ref for x in v.controls] for k, v in c.catalogues().items()}]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        cwd=tmp_path,
    ).stdout
    kit_dir, names, catalogues = json.loads(out)
    assert kit_dir == str(unpacked / "evidence_kit/authoring/kit")
    assert names == CREATED
    shipped = {}
    for source in sorted((REPO / "plugins/evidence_kit/rules/catalogues").glob("*.yml")):
        packed = unpacked / "evidence_kit/rules/catalogues" / source.name
        assert packed.read_bytes() == source.read_bytes(), source.name
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        shipped[data["id"]] = [f"{data['id']}:{c['id']}" for c in data["controls"]]
    assert list(shipped) == ["ISO27001", "SOC2"]
    assert catalogues == shipped
    assert [len(refs) for refs in catalogues.values()] == [93, 61]
    assert "evidence_kit/pages/print.css" in zipfile.ZipFile(wheel).namelist()
    assert sorted(starter.files()) == CREATED


OURS = """\
site_name: Our product
docs_dir: docs
nav:
  - Home: index.md
  - Guide: guide/setup.md
theme:
  name: material
  font: false
"""
PAGES = [
    "docs/05-backups-recovery/incident-runbook.md",
    "docs/05-backups-recovery/index.md",
    "docs/05-backups-recovery/oncall.md",
    "docs/05-backups-recovery/postmortems/index.md",
    "docs/05-backups-recovery/restore-test.md",
]


def existing_site(root: Path, config: str = OURS) -> Path:
    (root / "docs/guide").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / "docs/index.md").write_text("# Our product\n\nWelcome.\n", encoding="utf-8")
    (root / "docs/guide/setup.md").write_text("# Setup\n\nInstall it.\n", encoding="utf-8")
    return root / "mkdocs.yml"


def test_init_into_a_mkdocs_project_uses_its_docs_dir_and_adds_the_plugin(
    tmp_path: Path,
) -> None:
    config = existing_site(tmp_path)
    output = init(tmp_path)
    assert output == [
        f"created: {(tmp_path / '.gitignore').as_posix()}",
        *[f"created: {(tmp_path / name).as_posix()}" for name in PAGES],
        f"kept (exists): {(tmp_path / 'docs/index.md').as_posix()}",
        f"added the evidence plugin: {config.as_posix()}",
        f"Next: give the placeholders in {config.as_posix()} their values "
        f"(evidence-kit check --config {config.as_posix()} lists the missing ones), "
        "then build with mkdocs build --strict.",
    ]
    assert not (tmp_path / "evidence").exists()
    assert (tmp_path / "docs/index.md").read_text() == "# Our product\n\nWelcome.\n"
    # The user's file, byte for byte, then the starter's plugins block: search kept on.
    text = config.read_text(encoding="utf-8")
    assert text.startswith(OURS)
    assert text[len(OURS) :] == "plugins:\n  - search\n  " + "  ".join(
        starter.plugin_entry().splitlines(keepends=True)
    ).replace("  \n", "\n")
    assert yaml.safe_load(text)["plugins"][0] == "search"

    assert build(config).returncode == 1  # the blanks are reported, as in a new repository
    fill(config)
    result = build(config)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    assert "Install it." in result.page("guide/setup/index.html")
    assert "Welcome." in result.page("index.html")
    runbook = result.page("05-backups-recovery/incident-runbook/index.html")
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", runbook)).split())
    assert "Post in #acme-incidents a one-line description" in words
    assert (result.site / "controls/index.html").is_file()
    assert (result.site / "review-status/index.html").is_file()
    status = json.loads(run_cli("status", "--config", str(config), "--format", "json").output)
    assert {d["path"] for d in status["documents"]} == {
        "docs/05-backups-recovery/incident-runbook.md",
        "docs/05-backups-recovery/restore-test.md",
    }

    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = init(tmp_path)
    assert all(line.startswith("kept (") for line in again[:-1])
    assert again[-2] == f"kept (has the evidence plugin): {config.as_posix()}"
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


ENTRY_LINES = [line for line in starter.plugin_entry().splitlines() if line]


@pytest.mark.parametrize(
    ("plugins", "reason", "where", "lines"),
    [
        (
            "plugins:\n  search: {}\n",
            "plugins is a mapping",
            "under plugins:",
            ["  evidence:", *ENTRY_LINES[1:]],
        ),
        (
            "plugins: !ENV [SITE_PLUGINS, [search]]\n",
            "plugins is set with the tag !ENV",
            "to the plugins: list",
            ["  " + line for line in ENTRY_LINES],
        ),
        (
            "INHERIT: base.yml\n",
            "it inherits from another file (INHERIT)",
            "at the end of the file",
            ["plugins:", "  - search", *("  " + line for line in ENTRY_LINES)],
        ),
    ],
    ids=["mapping", "env", "inherit"],
)
def test_init_prints_what_to_add_when_it_cannot_edit_the_config_safely(
    tmp_path: Path, plugins: str, reason: str, where: str, lines: list[str]
) -> None:
    config = existing_site(tmp_path, OURS + plugins)
    (tmp_path / "base.yml").write_text("docs_dir: docs\n", encoding="utf-8")
    output = init(tmp_path)
    at = output.index(f"kept (not edited: {reason}): {config.as_posix()}")
    assert output[at + 1] == f"Add the evidence plugin to {config.as_posix()} yourself, {where}"
    assert [line for line in output[at + 2 : -1] if line] == lines
    assert output[-1].startswith("Next: give the placeholders in ")
    assert config.read_text(encoding="utf-8") == OURS + plugins
    assert (tmp_path / "docs/05-backups-recovery/incident-runbook.md").is_file()

    if where == "under plugins:":
        # The lines, added where init says, give the plugin the starter's options.
        edit(config, lambda text: text + "\n".join(output[at + 2 : -1]) + "\n")
        options = yaml.safe_load(config.read_text())["plugins"]["evidence"]
        assert options == yaml.safe_load(starter.plugin_entry())[0]["evidence"]
        findings = run_cli("check", "--config", str(config)).output.splitlines()[:-1]
        assert findings
        assert all(": placeholder-missing: " in f or ": review-never: " in f for f in findings)


def test_init_keeps_the_configs_line_ends_and_byte_order_mark(tmp_path: Path) -> None:
    ours = OURS + "plugins:\n  - search\n"
    config = existing_site(tmp_path)
    config.write_bytes(b"\xef\xbb\xbf" + ours.replace("\n", "\r\n").encode())
    init(tmp_path)
    raw = config.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ours.replace("\n", "\r\n").encode())
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == ours + "".join(
        "  " + line for line in starter.plugin_entry().splitlines(keepends=True)
    ).replace("  \n", "\n")


def test_init_finds_the_docs_dir_an_inherited_config_sets(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/base.yml").write_text("docs_dir: pages\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: shared/base.yml\n", encoding="utf-8")
    output = init(tmp_path)
    # As MkDocs reads it: relative to the config that is built, not to the inherited file.
    assert (tmp_path / "pages/05-backups-recovery/incident-runbook.md").is_file()
    assert (tmp_path / "pages/index.md").is_file()
    assert "kept (not edited: it inherits from another file (INHERIT)): " in "\n".join(output)
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "INHERIT: shared/base.yml\n"


def test_init_does_not_edit_a_config_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yml").write_text(OURS, encoding="utf-8")
    (tmp_path / "project").mkdir()
    os.symlink(tmp_path / "elsewhere.yml", tmp_path / "project/mkdocs.yml")
    output = init(tmp_path / "project")
    assert "kept (not edited: it is a symbolic link): " in "\n".join(output)
    assert (tmp_path / "elsewhere.yml").read_text(encoding="utf-8") == OURS
    assert (tmp_path / "project/docs/05-backups-recovery/restore-test.md").is_file()
