"""Fixtures: a pinned clock, real projects in tmp_path, real builds and the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from evidence_kit.cli import main

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the wall clock: every run sees the same today."""
    monkeypatch.setenv("EVIDENCE_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


@dataclass
class Build:
    """The outcome of one real `mkdocs build`."""

    returncode: int
    log: str
    site: Path

    def warnings(self) -> list[str]:
        """The WARNING lines of the evidence plugin, without the level prefix."""
        prefix = "WARNING -  evidence: "
        return [line[len(prefix) :] for line in self.log.splitlines() if line.startswith(prefix)]

    def page(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write `files` (path -> content) below `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_project(
    root: Path,
    docs: Mapping[str, str | bytes],
    options: Mapping[str, Any] | None = None,
    **config: Any,
) -> Path:
    """A MkDocs project in `root` with the evidence plugin; returns its mkdocs.yml."""
    settings: dict[str, Any] = {
        "site_name": "Test evidence",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"evidence": dict(options or {})}],
    }
    settings.update(config)
    write(root / settings["docs_dir"], docs)
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return config_file


def build(config_file: Path, *, strict: bool = True, env: Mapping[str, str] | None = None) -> Build:
    """Run the real `mkdocs build` on a project, as a user would."""
    site = config_file.parent / "site"
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), "-d", str(site)]
    if strict:
        args.append("--strict")
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=config_file.parent,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site)


@dataclass
class CliRun:
    exit_code: int
    output: str
    stderr: str


def run_cli(*args: str) -> CliRun:
    """The real CLI in-process; exceptions propagate so a traceback fails the test."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return CliRun(result.exit_code, result.stdout, result.stderr)


KIT_WARNINGS = (
    "evidence/05-backups-recovery/postmortems/2026-05-19-login-errors.md:29:5: sla-notify: "
    "$.timeline[3].at: customers notified 2 h 30 min after the alert; the SEV2 promise is 2 h",
    "evidence/05-backups-recovery/postmortems/2026-11-17-payment-webhooks.md:11:1: "
    "postmortem-withheld: $.sanitized: not published in the audit edition: sanitized is not "
    "true; remove customer names, personal data and secrets, then set sanitized: true",
    "evidence/05-backups-recovery/restore-tests/2026-04-09.md:8:1: restore-test-target: "
    "$.recovery_minutes: recovery took 265 min, over the RTO of 240 min that restore-test.md "
    "states; record a follow-up",
)
"""What `evidence-kit check` says of the kit as shipped: its year holds a late customer
notice, an unsanitized draft and a restore test over its RTO, each a warning."""


def kit_check_output(*errors: str) -> str:
    """The text of `evidence-kit check` on the kit with `errors` added to its warnings."""

    def where(line: str) -> tuple[str, int, int]:
        path, row, column = line.split(":", 3)[:3]
        return path, int(row), int(column)

    lines = sorted([*errors, *KIT_WARNINGS], key=where)
    count = f"{len(errors)} error{'s' * (len(errors) != 1)}, {len(KIT_WARNINGS)} warnings"
    return "\n".join([*lines, count]) + "\n"


def quiet_kit(config: Path) -> Path:
    """The kit copy at `config` without its three example warnings, for tests that need a
    clean tree: the draft postmortem removed, the late customer notice on time, the slow
    restore test within its RTO. Returns `config`."""
    folder = config.parent / "evidence/05-backups-recovery"
    (folder / "postmortems/2026-11-17-payment-webhooks.md").unlink()
    for name, old, new in (
        ("postmortems/2026-05-19-login-errors.md", "2026-05-19T16:10:00", "2026-05-19T15:10:00"),
        ("restore-tests/2026-04-09.md", "recovery_minutes: 265", "recovery_minutes: 230"),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return config


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    """A copy of the shipped kit (mkdocs.yml and evidence/); returns its mkdocs.yml."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "evidence", tmp_path / "evidence")
    return tmp_path / "mkdocs.yml"


Edit = Callable[[str], str]


def edit(path: Path, change: Edit) -> None:
    """Rewrite a file of a test project in place."""
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


class _Tables(HTMLParser):
    """The rows of every table of a page, each cell as its text with spaces collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """Every table row of a built page (header rows included), as cell texts."""
    parser = _Tables()
    parser.feed(html)
    return parser.rows


@pytest.fixture(autouse=True)
def _audit_edition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build the audit edition unless they ask otherwise, whatever the shell says."""
    monkeypatch.delenv("EVIDENCE_AUDIENCE", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def required_tool(*names: str) -> str:
    """The path of a program a test drives: missing fails in CI (.ci/run installs it) and
    skips elsewhere, with the reason."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{names[0]} is not installed; .ci/run installs it before the tests")
    pytest.skip(f"{names[0]} is not installed (apt-get install it; CI installs it)")


def chromium() -> str:
    return required_tool("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per run (hatchling is a dev dependency: no network)."""
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("evidence_kit-*.whl")
    return built
