"""Last-changed dates from real git repositories: one `git log`, shallow clones, no checkout."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import build, make_project, run_cli
from evidence_kit.core import gitdates

RUNBOOK = (
    "---\ntitle: Runbook\ntype: runbook\nowner: Platform team\nlast_reviewed: 2026-06-15\n"
    "---\n\n# Runbook\n\nSteps.\n"
)


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git reads no user config and never looks above tmp_path for a repository."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


def git(repo: Path, *args: str, when: str | None = None, committed: str | None = None) -> str:
    """Run git in `repo`; commits get fixed author (`when`) and committer dates."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = f"{when}T12:00:00+00:00"
        env["GIT_COMMITTER_DATE"] = f"{committed or when}T12:00:00+00:00"
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout


def commit(repo: Path, message: str, when: str, committed: str | None = None) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when, committed=committed)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project in git: docs/runbook.md and docs/other.md with a known history."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    config = make_project(root, {"runbook.md": RUNBOOK, "other.md": "# Other\n"})
    (root / "notes.md").write_text("outside the docs dir\n", encoding="utf-8")
    commit(root, "first", "2025-01-10")
    docs = root / "docs"
    (docs / "runbook.md").write_text(RUNBOOK + "\nMore steps.\n", encoding="utf-8")
    # Author and committer dates differ: "last changed" is when the change was committed.
    commit(root, "runbook steps", "2025-05-20", committed="2025-06-01")
    (docs / "other.md").chmod((docs / "other.md").stat().st_mode | stat.S_IXUSR)
    commit(root, "mode only", "2025-07-01")
    (root / "notes.md").write_text("changed\n", encoding="utf-8")
    commit(root, "outside docs", "2025-08-01")
    (docs / "draft.md").write_text("# Draft\n", encoding="utf-8")
    assert config.exists()
    return root


def test_last_content_change_per_file(repo: Path) -> None:
    history = gitdates.history(repo / "docs")
    assert history.unknown == ""
    assert dict(history.dates) == {
        "runbook.md": dt.date(2025, 6, 1),
        "other.md": dt.date(2025, 1, 10),  # a mode change is not a content change
    }
    assert history.why_unknown("draft.md") == "not committed"


def test_docs_dir_is_the_repository_root(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.md").write_text("a\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b é.md").write_text("b\n", encoding="utf-8")
    commit(tmp_path, "first", "2026-02-03")
    (tmp_path / "a.md").unlink()
    commit(tmp_path, "remove a", "2026-02-04")
    history = gitdates.history(tmp_path)
    assert dict(history.dates) == {"sub/b é.md": dt.date(2026, 2, 3)}


def test_shallow_clone_says_unknown(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    history = gitdates.history(clone / "docs")
    assert history == gitdates.History(unknown="shallow clone")
    assert history.last_changed("runbook.md") is None


def test_a_tree_that_is_not_a_checkout_says_unknown(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    history = gitdates.history(tmp_path / "docs")
    assert history == gitdates.History(unknown="not a git checkout")
    assert history.why_unknown("runbook.md") == "not a git checkout"


def test_one_git_log_for_the_whole_tree(repo: Path, tmp_path: Path) -> None:
    docs = repo / "docs"
    for index in range(40):
        (docs / f"runbook-{index}.md").write_text(RUNBOOK, encoding="utf-8")
    commit(repo, "many runbooks", "2026-01-05")
    calls = tmp_path / "calls.txt"
    shim = tmp_path / "bin"
    shim.mkdir()
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True)
    (shim / "git").write_text(
        f'#!/bin/sh\necho "$1 $2" >> "{calls}"\nexec "{real.stdout.strip()}" "$@"\n',
        encoding="utf-8",
    )
    (shim / "git").chmod(0o755)
    env = {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "EVIDENCE_TODAY": "2026-11-26"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "evidence-kit"), "status", "--format", "json"],
        cwd=repo,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # One log for the last changes, one for the attested reviews: never one per file.
    assert calls.read_text().splitlines() == [
        *("rev-parse --is-shallow-repository", "log -z"),
        *("rev-parse --is-shallow-repository", "log -p"),
    ]


def test_card_and_status_show_git_last_changed(repo: Path) -> None:
    config = repo / "mkdocs.yml"
    run = run_cli("status", "--config", str(config), "--format", "json")
    [runbook] = json.loads(run.output)["documents"]
    assert (runbook["last_changed"], runbook["last_changed_unknown"]) == ("2025-06-01", None)
    result = build(config)
    assert result.returncode == 0, result.log
    html = result.page("runbook/index.html")
    assert (
        '<span class="evidence-card__label">Last changed</span> '
        '<span class="evidence-card__value">2025-06-01</span>'
    ) in html


def test_card_in_a_shallow_clone_says_unknown(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = build(clone / "mkdocs.yml")
    assert result.returncode == 0, result.log
    assert (
        '<span class="evidence-card__label">Last changed</span> '
        '<span class="evidence-card__value">unknown (shallow clone)</span>'
    ) in result.page("runbook/index.html")


def test_card_outside_git_says_unknown(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"runbook.md": RUNBOOK})
    result = build(config)
    assert result.returncode == 0, result.log
    assert (
        '<span class="evidence-card__label">Last changed</span> '
        '<span class="evidence-card__value">unknown (not a git checkout)</span>'
    ) in result.page("runbook/index.html")
