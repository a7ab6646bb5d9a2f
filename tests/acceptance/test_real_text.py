"""Real text builds strictly: a runbook, a postmortem, a training page and a Material page
with social icons in its footer are published with no false finding, by the redaction
rules, the audit build's gate and `evidence-kit scan`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, build, make_project, run_cli
from evidence_kit.publish.detectors import Detector

REAL_TEXT = REPO / "tests" / "data" / "real-text"
PAGES = sorted(p.name for p in REAL_TEXT.glob("*.md"))
SOCIAL = [
    {"icon": "fontawesome/brands/github", "link": "https://github.com/acme"},
    {"icon": "fontawesome/brands/mastodon", "link": "https://fosstodon.org/@acme"},
    {"icon": "fontawesome/brands/linkedin", "link": "https://www.linkedin.com/company/acme"},
    {"icon": "fontawesome/brands/x-twitter", "link": "https://x.com/acme"},
]


def test_the_four_kinds_of_real_text_are_shipped() -> None:
    assert PAGES == ["home.md", "postmortem.md", "runbook.md", "training.md"]


@pytest.mark.parametrize("name", PAGES)
def test_no_rule_finds_anything_in_real_text(name: str) -> None:
    text = (REAL_TEXT / name).read_text(encoding="utf-8")
    assert [(m.rule.id, m.fingerprint) for m in Detector.configure().find(text)] == []


def test_real_text_with_social_icons_builds_strictly_and_passes_scan(tmp_path: Path) -> None:
    docs = {
        "index.md" if name == "home.md" else name: (REAL_TEXT / name).read_text(encoding="utf-8")
        for name in PAGES
    }
    config = make_project(
        tmp_path,
        docs,
        theme={"name": "material", "font": False, "features": ["content.code.copy"]},
        extra={"social": SOCIAL},
        copyright="Copyright &copy; 2026 Acme",
        markdown_extensions=["admonition", "pymdownx.highlight", "pymdownx.superfences", "tables"],
    )
    result = build(config)
    assert (result.returncode, result.warnings()) == (0, []), result.log
    # The footer's inline icons are there, with their path data.
    assert 'class="md-social__link"' in result.page("index.html")
    assert "<path d=" in result.page("index.html")
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert (scan.exit_code, scan.output) == (0, "0 errors, 0 warnings\n")
