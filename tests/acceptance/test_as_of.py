"""`--as-of`: the site, the check and the status of the evidence as it was committed at the
end of a day, from a real repository whose history changes the runbook and the rotation."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_period import commit, oncall, shift

from conftest import make_project, run_cli, table_rows, write

OPTIONS = {"types": {"oncall.yml": "oncall"}}


def runbook(reviewed: str, step: str) -> str:
    return (
        f"---\ntitle: Incident runbook\ntype: runbook\nowner: Platform team\n"
        f"last_reviewed: {reviewed}\nreviewed_by: Sam Chen\n---\n\n# Incident runbook\n\n"
        f"{step}\n"
    )


OLD_STEP = "Page the primary through the old paging tool."
NEW_STEP = "Page the primary from the incident channel."
OLD_SHIFT = shift(
    "2026-01-01T00:00:00+00:00", "2026-10-01T00:00:00+00:00", "Alex Rivera", "Sam Chen"
)
NEW_SHIFT = shift("2026-08-01T00:00:00+00:00", "2027-01-10T00:00:00+00:00", "Jo Patel", "Kim Lee")


def head(root: Path, *args: str) -> str:
    found = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    return found.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """January: the first runbook and rotation; August: both rewritten."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    config = make_project(
        root,
        {
            "index.md": "# Home\n",
            "runbook.md": runbook("2026-01-10", OLD_STEP),
            "oncall.yml": oncall(OLD_SHIFT),
        },
        OPTIONS,
    )
    commit(root, "2026-01-10T10:00:00+00:00", "first runbook and rotation")
    write(
        root / "docs",
        {"runbook.md": runbook("2026-08-01", NEW_STEP), "oncall.yml": oncall(NEW_SHIFT)},
    )
    commit(root, "2026-08-01T09:00:00+00:00", "runbook reviewed, new rotation")
    return config


def test_build_as_of_shows_the_runbook_and_rotation_of_that_day(repo: Path) -> None:
    root = repo.parent
    first = head(root, "rev-list", "-1", "--before=2026-06-30T23:59:59+00:00", "HEAD")
    run = run_cli("build", "--config", str(repo), "--as-of", "2026-06-30")
    assert run.exit_code == 0, run.stderr
    assert f"evidence-kit: the evidence as of 2026-06-30 is commit {first[:12]} " in run.stderr
    site = root / "site"
    page = (site / "runbook/index.html").read_text(encoding="utf-8")
    assert OLD_STEP in page
    assert NEW_STEP not in page
    oncall_page = (site / "oncall/index.html").read_text(encoding="utf-8")
    assert [
        "Current",
        "2026-01-01 00:00 UTC",
        "2026-10-01 00:00 UTC",
        "Alex Rivera",
        "Sam Chen",
    ] in (table_rows(oncall_page))
    assert "Jo Patel" not in oncall_page
    assert f"from commit <code>{first[:12]}</code>, the evidence as of 2026-06-30" in page
    built = json.loads((site / "manifest.json").read_text(encoding="utf-8"))["build"]
    assert (built["commit"], built["as_of"], built["clock_date"]) == (
        first,
        "2026-06-30",
        "2026-06-30",
    )
    printed = (site / "print/index.html").read_text(encoding="utf-8")
    assert f"{first[:12]} (the evidence as of 2026-06-30)" in printed
    # The temporary checkout is gone, and the working tree was not touched.
    assert head(root, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert head(root, "status", "--porcelain") == "?? site/"


def test_without_as_of_the_site_is_of_today(repo: Path) -> None:
    run = run_cli("build", "--config", str(repo))
    assert run.exit_code == 0, run.stderr
    page = (repo.parent / "site/runbook/index.html").read_text(encoding="utf-8")
    assert NEW_STEP in page
    assert "the evidence as of" not in page


def test_status_and_check_as_of(repo: Path) -> None:
    status = run_cli("status", "--config", str(repo), "--as-of", "2026-06-30", "--format", "json")
    assert status.exit_code == 0, status.stderr
    [document] = json.loads(status.output)["documents"]
    assert (document["last_reviewed"], document["due"]) == ("2026-01-10", "2027-01-10")
    check = run_cli("check", "--config", str(repo), "--as-of", "2026-06-30")
    assert (check.exit_code, check.stderr) == (0, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--as-of", "2025-12-31"],
            "evidence-kit: error: --as-of 2025-12-31: no commit on or before that day; "
            "the first commit is from 2026-01-10\n",
        ),
        (
            ["--as-of", "2026-02-30"],
            "evidence-kit: error: --as-of='2026-02-30' is not a date; write YYYY-MM-DD\n",
        ),
        (
            ["--as-of", "2026-06-30", "--today", "2026-06-30"],
            "evidence-kit: error: --as-of sets the clock to that day; leave out --today\n",
        ),
    ],
)
def test_as_of_usage_errors_exit_2(repo: Path, args: list[str], message: str) -> None:
    for command in ("build", "check", "status"):
        run = run_cli(command, "--config", str(repo), *args)
        assert (run.exit_code, run.stderr) == (2, message), command


def test_not_a_checkout_exits_2(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    run = run_cli("build", "--config", str(config), "--as-of", "2026-06-30")
    assert run.exit_code == 2
    assert run.stderr == (
        f"evidence-kit: error: --as-of needs the git history, and {tmp_path} is not a git "
        "checkout\n"
    )
    assert not (tmp_path / "site").exists()


def test_a_shallow_clone_exits_2(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.parent}", str(clone)], check=True
    )
    run = run_cli("build", "--config", str(clone / "mkdocs.yml"), "--as-of", "2026-06-30")
    assert (run.exit_code, run.stderr) == (
        2,
        "evidence-kit: error: --as-of needs the whole git history, and this is a shallow "
        "clone; fetch it with git fetch --unshallow\n",
    )
