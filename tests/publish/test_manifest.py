"""`manifest.json`: provenance of a build and the hash of every published byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from canaries import CANARY_DOCS, CANARY_OPTIONS
from conftest import REPO, build, edit, make_project

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SCHEMAS = "https://evidence-kit.example/schemas/"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def copy_kit(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "evidence", target / "evidence")
    return target / "mkdocs.yml"


def git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_manifest_accounts_for_every_file_and_document(kit: Path) -> None:
    result = build(kit, env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.log
    manifest = json.loads((result.site / "manifest.json").read_text())
    published = {k: v for k, v in tree(result.site).items() if k != "manifest.json"}
    assert manifest["files"] == {k: hashlib.sha256(v).hexdigest() for k, v in published.items()}
    assert manifest["build"]["audience"] == "audit"
    assert manifest["build"]["commit"] == "unknown"
    assert manifest["build"]["modified"] is False
    assert manifest["build"]["date"] == "2026-01-01"
    assert manifest["build"]["clock_date"] == "2026-11-26"
    assert {"evidence-kit", "mkdocs", "mkdocs-material", "python"} <= set(
        manifest["build"]["tools"]
    )
    # The kit's year: three warnings, and the unsanitized draft postmortem withheld.
    assert manifest["counts"] == {
        "findings": {"errors": 0, "warnings": 3},
        "redactions": {},
        "withheld": 1,
    }
    documents = {d["source"]: d for d in manifest["documents"]}
    runbook = documents["evidence/05-backups-recovery/incident-runbook.md"]
    assert runbook == {
        "source": "evidence/05-backups-recovery/incident-runbook.md",
        "sha256": sha256(kit.parent / "evidence/05-backups-recovery/incident-runbook.md"),
        "type": "runbook",
        "schema": SCHEMAS + "runbook.schema.json",
        "owner": "Platform team",
        "last_reviewed": "2026-06-15",
        "review_status": "current",
        "commit": "unknown",
    }
    oncall = documents["evidence/05-backups-recovery/oncall.yml"]
    assert (oncall["type"], oncall["schema"]) == ("oncall", SCHEMAS + "oncall.schema.json")
    assert sorted(documents) == [
        "evidence/05-backups-recovery/incident-runbook.md",
        "evidence/05-backups-recovery/index.md",
        "evidence/05-backups-recovery/oncall.yml",
        # The draft of 2026-11-17 is not sanitized: withheld, so not in the manifest.
        *(
            f"evidence/05-backups-recovery/postmortems/{name}.md"
            for name in (
                "2026-01-21-nightly-export-delay",
                "2026-03-06-database-failover",
                "2026-05-19-login-errors",
                "2026-06-02-api-outage",
            )
        ),
        "evidence/05-backups-recovery/restore-test.md",
        *(
            f"evidence/05-backups-recovery/restore-tests/{day}.md"
            for day in ("2025-12-04", "2026-01-08", "2026-04-09", "2026-07-09", "2026-10-08")
        ),
        "evidence/index.md",
    ]


def test_the_manifest_counts_redactions_and_withheld_documents(tmp_path: Path) -> None:
    result = build(make_project(tmp_path, CANARY_DOCS, CANARY_OPTIONS))
    manifest = json.loads((result.site / "manifest.json").read_text())
    assert manifest["counts"] == {
        "findings": {"errors": 0, "warnings": 7},
        "redactions": {
            "deny-term": 1,
            "email": 3,
            "internal-block": 1,
            "phone": 1,
            "secret": 2,
        },
        "withheld": 1,
    }
    assert "docs/notes.md" not in {d["source"] for d in manifest["documents"]}


def test_two_builds_with_source_date_epoch_are_byte_identical(tmp_path: Path) -> None:
    first = copy_kit(tmp_path / "one")
    second = copy_kit(tmp_path / "elsewhere" / "two")
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    a, b = build(first, env=env), build(second, env=env)
    assert a.returncode == b.returncode == 0, a.log + b.log
    files_a, files_b = tree(a.site), tree(b.site)
    assert sorted(files_a) == sorted(files_b)
    assert [name for name in files_a if files_a[name] != files_b[name]] == []
    assert "manifest.json" in files_a and "sitemap.xml.gz" in files_a


def test_the_manifest_and_footer_name_the_git_commit(tmp_path: Path) -> None:
    config = copy_kit(tmp_path / "repo")
    root = config.parent
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "evidence")
    head = git(root, "rev-parse", "HEAD")
    result = build(config)
    manifest = json.loads((result.site / "manifest.json").read_text())
    assert (manifest["build"]["commit"], manifest["build"]["modified"]) == (head, False)
    assert {d["commit"] for d in manifest["documents"]} == {head}
    assert f"from commit <code>{head[:12]}</code></span>" in result.page("index.html")

    edit(root / "evidence/index.md", lambda s: s + "\nA late edit.\n")
    result = build(config)
    manifest = json.loads((result.site / "manifest.json").read_text())
    assert manifest["build"]["modified"] is True
    assert f"<code>{head[:12]}</code> with uncommitted changes" in result.page("index.html")


def test_the_internal_edition_writes_a_manifest_too(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    result = build(config, env={"EVIDENCE_AUDIENCE": "internal"})
    manifest = json.loads((result.site / "manifest.json").read_text())
    assert manifest["build"]["audience"] == "internal"
    assert os.path.exists(result.site / "index.html")


def test_the_manifest_shows_an_owner_redacted_as_the_page_does(kit: Path) -> None:
    # The manifest is published with the site: an address in it failed the gate, in a
    # build whose pages had it redacted.
    runbook = kit.parent / "evidence/05-backups-recovery/incident-runbook.md"
    edit(
        runbook, lambda text: text.replace("owner: Platform team", "owner: jane.doe@acmecorp.io", 1)
    )
    result = build(kit, strict=False)
    assert result.returncode == 0, result.log
    manifest = json.loads((result.site / "manifest.json").read_text())
    documents = {d["source"]: d for d in manifest["documents"]}
    owner = documents["evidence/05-backups-recovery/incident-runbook.md"]["owner"]
    assert owner == "⟦redacted-email⟧"
