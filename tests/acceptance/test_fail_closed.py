"""Fail closed: every build mode fails on an error, and a site the gate rejects is left with
nothing to deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Build, make_project, run_cli, write

TOKEN = "ghp_" + "Q7wR2tY9uI4oP6aS8dF1gH3jK5lZ0xC2vB4n"


def mkdocs_build(config: Path, *flags: str, env: dict[str, str] | None = None) -> Build:
    """`mkdocs build` with the given flags (`--strict`, `-q`), as a user runs it."""
    site = config.parent / "site"
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site), *flags]
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=config.parent,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site)


def errors(log: str) -> list[str]:
    prefix = "ERROR   -  evidence: "
    return [line[len(prefix) :] for line in log.splitlines() if line.startswith(prefix)]


STRICT_QUIET_CASES = {
    "unknown placeholder": (
        {"index.md": "# Home\n\nCall <<Incident phone>> when the site is down.\n"},
        "docs/index.md:3:6: placeholder-missing: <<Incident phone>> has no value; add it "
        "under placeholders in the evidence plugin config",
    ),
    "malformed header": (
        {"index.md": "---\ntitle: [Home\n---\n\n# Home\n"},
        "docs/index.md:2:8: yaml-syntax: ",
    ),
}


@pytest.mark.parametrize("case", sorted(STRICT_QUIET_CASES))
def test_strict_quiet_fails_naming_the_finding(case: str, tmp_path: Path) -> None:
    docs, expected = STRICT_QUIET_CASES[case]
    config = make_project(tmp_path, docs, options={"publish": {"audience": "internal"}})
    result = mkdocs_build(config, "--strict", "-q")
    assert result.returncode == 1, result.log
    assert any(line.startswith(expected) for line in errors(result.log)), result.log
    assert "ERROR   -  evidence: 1 error in the evidence (listed above); aborted in strict " in (
        result.log
    )
    assert not (result.site / "manifest.json").exists()


def test_strict_quiet_fails_on_a_runbook_a_year_and_a_day_past_review(kit: Path) -> None:
    result = mkdocs_build(kit, "--strict", "-q", env={"EVIDENCE_TODAY": "2027-06-16"})
    assert result.returncode == 1, result.log
    overdue = [line for line in errors(result.log) if ": review-overdue: " in line]
    assert [line.split(":", 1)[0] for line in overdue] == [
        "evidence/05-backups-recovery/incident-runbook.md",
        "evidence/05-backups-recovery/restore-test.md",
    ]
    # -q shows errors only: nothing else of the build's chatter.
    assert "WARNING" not in result.log and "INFO" not in result.log


def test_a_clean_site_builds_strict_and_quiet_without_output(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    result = mkdocs_build(config, "--strict", "-q")
    assert (result.returncode, result.log) == (0, "")


def test_a_token_in_extra_is_redacted_from_the_audit_edition(tmp_path: Path) -> None:
    social = [{"icon": "fontawesome/brands/github", "link": f"https://github.com/?t={TOKEN}"}]
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n"},
        extra={"social": social, "note": f"token {TOKEN}"},
        copyright=f"(c) Acme {TOKEN}",
    )
    result = mkdocs_build(config, "--strict")
    assert result.returncode == 0, result.log
    assert TOKEN not in result.page("index.html")
    assert "INFO    -  evidence: mkdocs.yml: extra.social[0].link: a GitHub token is redacted" in (
        result.log
    )


def _leaking_theme_override(tmp_path: Path) -> Path:
    config = make_project(
        tmp_path,
        {"index.md": "# Home\n"},
        theme={"name": "material", "font": False, "custom_dir": "overrides"},
    )
    write(
        tmp_path / "overrides" / "partials",
        {"copyright.html": f'<div class="md-copyright">deploy key {TOKEN}</div>\n'},
    )
    return config


@pytest.mark.parametrize("flags", [(), ("--strict", "-q")], ids=["plain", "strict-quiet"])
def test_a_leak_no_sanitizer_sees_fails_the_build_and_leaves_nothing(
    flags: tuple[str, ...], tmp_path: Path
) -> None:
    config = _leaking_theme_override(tmp_path)
    result = mkdocs_build(config, *flags)
    assert result.returncode == 1, result.log
    assert "evidence: site/index.html:" in result.log and ": github-token: " in result.log
    assert "the post-build gate found" in result.log
    assert list(result.site.iterdir()) == []
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert scan.exit_code == 1
    assert ": manifest-missing: " in scan.output
    assert run_cli("verify", str(result.site)).exit_code == 1


def test_a_page_changed_after_the_gates_helper_read_it_is_read_again(tmp_path: Path) -> None:
    # The helper reads each page as it is written; a hook (priority 0) rewrites the home
    # page after that, before the manifest and the gate (priority -100).
    config = make_project(tmp_path, {"index.md": "# Home\n\nHello.\n"}, hooks=["hooks.py"])
    write(
        tmp_path,
        {
            "hooks.py": (
                "from pathlib import Path\n\n\n"
                "def on_post_build(config):\n"
                "    page = Path(config.site_dir) / 'index.html'\n"
                f"    page.write_text(page.read_text() + '<p>deploy key {TOKEN}</p>\\n')\n"
            )
        },
    )
    result = mkdocs_build(config, "--strict", "-q")
    assert result.returncode == 1, result.log
    assert "evidence: site/index.html:" in result.log and ": github-token: " in result.log
    assert list(result.site.iterdir()) == []


def test_gh_deploy_does_not_publish_a_site_the_gate_rejects(tmp_path: Path) -> None:
    config = _leaking_theme_override(tmp_path)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "remote", "add", "origin", str(remote)], check=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "-f", str(config), "--force"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    branches = subprocess.run(
        ["git", "-C", str(remote), "branch", "--list"], capture_output=True, text=True, check=True
    )
    assert branches.stdout == ""
