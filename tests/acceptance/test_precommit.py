"""Commit-time checks: `check FILES`, and the published hook run by the real pre-commit tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import yaml

from conftest import REPO, edit, quiet_kit, run_cli

RUNBOOK = "evidence/05-backups-recovery/incident-runbook.md"
POSTMORTEM = "evidence/05-backups-recovery/postmortems/2026-03-06-database-failover.md"
BAD = "evidence/05-backups-recovery/postmortems/2026-11-20-queue-backlog.md"
BAD_LINE = f"{BAD}:4:1: schema: $.severity: 'SEV7' is not one of SEV1, SEV2, SEV3; use one of them"
EVIDENCE_KIT = Path(sys.executable).with_name("evidence-kit")
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def bad_postmortem(root: Path) -> Path:
    """A copy of the kit's postmortem with a severity the schema refuses."""
    text = (root / POSTMORTEM).read_text(encoding="utf-8")
    path = root / BAD
    path.write_text(text.replace("severity: SEV2", "severity: SEV7"), encoding="utf-8")
    return path


# --- check FILES ---------------------------------------------------------------------


def test_files_limit_the_report_but_not_what_is_read(kit: Path) -> None:
    root = quiet_kit(kit).parent
    bad = bad_postmortem(root)
    edit(root / RUNBOOK, lambda s: s.replace("  - SOC2:CC7.3\n", "  - SOC2:CC73\n"))
    run = run_cli("check", "--config", str(kit), str(bad))
    assert (run.exit_code, run.output) == (1, f"{BAD_LINE}\n1 error, 0 warnings\n")
    assert run.stderr == (
        "evidence-kit: 1 more finding in files not given; "
        "run evidence-kit check without files to see them\n"
    )
    clean = run_cli("check", "--config", str(kit), str(root / POSTMORTEM))
    assert (clean.exit_code, clean.output) == (0, "0 errors, 0 warnings\n")
    assert clean.stderr.startswith("evidence-kit: 2 more findings in files not given")


def test_files_still_see_rules_across_the_tree(kit: Path) -> None:
    root = kit.parent
    # The value lives in mkdocs.yml, the use in the runbook: the rule needs both.
    edit(kit, lambda s: s.replace("        Legal contact: General Counsel\n", ""))
    lines = (root / RUNBOOK).read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "<<Legal contact>>" in text)
    column = lines[line - 1].index("<<Legal contact>>") + 1
    run = run_cli("check", "--config", str(kit), str(root / RUNBOOK))
    assert run.exit_code == 1
    assert run.output == (
        f"{RUNBOOK}:{line}:{column}: placeholder-missing: <<Legal contact>> has no value; "
        "add it under placeholders in the evidence plugin config\n1 error, 0 warnings\n"
    )


def test_project_findings_are_always_reported(kit: Path) -> None:
    edit(
        kit,
        lambda s: s.replace("        Legal contact:", "        Unused: x\n        Legal contact:"),
    )
    run = run_cli("check", "--config", str(kit), "--strict", str(kit.parent / RUNBOOK))
    assert run.exit_code == 1
    assert run.output.splitlines()[1:] == ["0 errors, 1 warning"]
    assert run.output.startswith("mkdocs.yml:")


@pytest.mark.parametrize("changed", ["mkdocs.yml", "evidence/05-backups-recovery/oncall.yml"])
def test_a_changed_config_or_data_file_reports_everything(kit: Path, changed: str) -> None:
    bad_postmortem(quiet_kit(kit).parent)
    run = run_cli("check", "--config", str(kit), str(kit.parent / changed))
    assert (run.exit_code, run.output, run.stderr) == (1, f"{BAD_LINE}\n1 error, 0 warnings\n", "")


def test_files_outside_the_tree_report_only_project_findings(kit: Path) -> None:
    bad_postmortem(kit.parent)
    (kit.parent / "README.md").write_text("# Readme\n")
    run = run_cli("check", "--config", str(kit), str(kit.parent / "README.md"))
    assert (run.exit_code, run.output) == (0, "0 errors, 0 warnings\n")


# --- the real pre-commit -------------------------------------------------------------


def git(
    root: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def evidence_repo(kit: Path, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """The kit as a git repository with one commit; returns it and the env for git/pre-commit."""
    root = kit.parent
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    (root / ".gitignore").write_text("site/\n")
    assert git(root, "init", "-q", "-b", "main", env=env).returncode == 0
    assert git(root, "add", "-A", env=env).returncode == 0
    assert git(root, "commit", "-qm", "evidence", env=env).returncode == 0
    yield root, env


def published_hook() -> dict[str, object]:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "evidence-kit-check"
    return dict(hook)


def test_published_hook_definition() -> None:
    hook = published_hook()
    assert hook["entry"] == "evidence-kit check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True


def test_commit_adding_a_bad_postmortem_is_rejected(
    evidence_repo: tuple[Path, dict[str, str]],
) -> None:
    root, env = evidence_repo
    # The published hook as it is, run from this environment's install instead of a new one.
    hook = {**published_hook(), "language": "system", "entry": f"{EVIDENCE_KIT} check"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    installed = subprocess.run(
        [*PRE_COMMIT, "install"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    assert installed.returncode == 0, installed.stderr
    git(root, "add", ".pre-commit-config.yaml", env=env)
    assert git(root, "commit", "-qm", "pre-commit", env=env).returncode == 0

    bad_postmortem(root)
    git(root, "add", BAD, env=env)
    commit = git(root, "commit", "-m", "Postmortem of the queue backlog", env=env)
    assert commit.returncode == 1
    assert BAD_LINE in (commit.stdout + commit.stderr).splitlines()
    assert git(root, "log", "--format=%s", env=env).stdout.splitlines() == [
        "pre-commit",
        "evidence",
    ]

    edit(root / BAD, lambda s: s.replace("severity: SEV7", "severity: SEV2"))
    git(root, "add", BAD, env=env)
    fixed = git(root, "commit", "-m", "Postmortem of the queue backlog", env=env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "evidence-kit check" in fixed.stdout + fixed.stderr


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree as a clean git repository, as a team's config would name it.

    pre-commit installs a hook from a commit; copying the files git would see (tracked or
    not, ignored ones left out) tests the working tree as it is.
    """
    if not (REPO / ".git").exists():
        pytest.skip("this checkout is not a git repository, so its files cannot be listed")
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    copy = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "hook"]):
        assert git(copy, *args, env=env).returncode == 0
    return copy


def test_published_hook_installs_from_this_repository_and_rejects(
    evidence_repo: tuple[Path, dict[str, str]], hook_repo: Path
) -> None:
    root, env = evidence_repo
    bad_postmortem(root)
    git(root, "add", BAD, env=env)
    # try-repo installs the hook the way a team's config would (language: python, from
    # .pre-commit-hooks.yaml), so its dependencies come from PyPI: about a minute.
    run = subprocess.run(
        [*PRE_COMMIT, "try-repo", str(hook_repo), "evidence-kit-check"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=900,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert BAD_LINE in run.stdout.splitlines()
    assert "evidence-kit check" in run.stdout
