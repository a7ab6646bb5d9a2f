"""`evidence-kit build`: the same sanitized site from MkDocs, ProperDocs and Zensical."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from canaries import CANARIES, CANARY_DOCS, CANARY_NAV, CANARY_OPTIONS, everything
from conftest import build, kit_check_output, make_project, run_cli
from evidence_kit import builders
from evidence_kit.cli import load_settings
from evidence_kit.publish import detectors

GENERATED = (
    "controls/index.html",
    "evidence-index/index.html",
    "review-status/index.html",
    "publication-report/index.html",
    "05-backups-recovery/oncall/index.html",
    "05-backups-recovery/postmortems/index.html",
    "05-backups-recovery/postmortems/incident-report/index.html",
    "05-backups-recovery/restore-tests/index.html",
    "print/index.html",
    "review-calendar.ics",
)
_TAG = re.compile(r"<[^>]*>")


def required(builder: str) -> str:
    """A builder the test runs: missing fails in CI (make installs `.[builders]`), skips
    elsewhere."""
    if importlib.util.find_spec(builder) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{builder} is not installed; make installs .[dev,builders]")
        pytest.skip(f"{builder} is not installed (pip install '.[builders]')")
    return builder


def cli_build(config: Path, builder: str, site: Path) -> tuple[int, str, str]:
    run = run_cli(
        "build", "--builder", required(builder), "--config", str(config), "--site-dir", str(site)
    )
    return run.exit_code, run.output, run.stderr


def text(page_html: str) -> str:
    """The words of a built page's article, as a reader sees them."""
    return " ".join(html.unescape(_TAG.sub(" ", builders.article(page_html))).split())


def page_texts(site: Path) -> dict[str, str]:
    """Every page of a site (not the 404 or print page) -> the text of its article."""
    return {
        path.relative_to(site).as_posix(): text(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
        if path.name != "404.html" and not path.relative_to(site).as_posix().startswith("print/")
    }


def kit_placeholders(config: Path) -> list[str]:
    """The placeholder names the kit gives values (every one used in a page's prose)."""
    plugins = yaml.safe_load(config.read_text())["plugins"]
    return list(next(p["evidence"] for p in plugins if isinstance(p, dict))["placeholders"])


def all_text(page_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", page_html)).split())


def test_the_three_builders_publish_the_same_pages_as_the_plugin(kit: Path) -> None:
    plugin = build(kit)
    assert plugin.returncode == 0, plugin.log
    expected = page_texts(plugin.site)
    # 12 pages, and the kit's year: 3 more postmortems, 5 restore tests and their index.
    assert len(expected) == 21
    documents = json.loads((plugin.site / "manifest.json").read_text())["documents"]
    printed = all_text(plugin.page("print/index.html"))
    for name in ("mkdocs", "properdocs", "zensical"):
        site = kit.parent / f"site-{name}"
        code, output, stderr = cli_build(kit, name, site)
        assert (code, output) == (0, kit_check_output()), stderr
        assert stderr == f"evidence-kit: {name} built the audit edition into site-{name}\n"
        assert page_texts(site) == expected, name
        built = json.loads((site / "manifest.json").read_text())
        assert built["documents"] == documents, name
        assert built["build"]["tools"][name]
        assert all_text((site / "print/index.html").read_text()) == printed, name
        assert (site / builders.BUILDERS[name].search_index).is_file()


def test_zensical_builds_the_kit_sanitized_and_scan_and_verify_pass(kit: Path) -> None:
    site = kit.parent / "site"
    before = sorted(p for p in (kit.parent / "evidence").rglob("*"))
    code, output, _ = cli_build(kit, "zensical", site)
    assert (code, output) == (0, kit_check_output())
    for page in GENERATED:
        assert (site / page).is_file(), page
    runbook = (site / "05-backups-recovery/incident-runbook/index.html").read_text()
    assert 'class="evidence-card"' in runbook
    assert (
        '<meta name="description" content="The master incident-response runbook of Example Co.">'
        in runbook
    )
    assert "review.js" in runbook and (site / "assets/evidence-kit/review.css").is_file()
    assert "Audit edition &middot; built 2026-11-26" in runbook
    published = everything(site)
    for name in kit_placeholders(kit):
        assert f"<<{name}>>" not in published and f"&lt;<{name}>" not in published
    assert not list(site.rglob("*.yml")) and not list(site.rglob("*.md"))
    assert (site / "search.json").is_file() and (site / "manifest.json").is_file()
    assert run_cli("scan", str(site), "--config", str(kit)).output == "0 errors, 0 warnings\n"
    assert run_cli("verify", str(site)).exit_code == 0
    # Staging lived outside the evidence and is gone.
    assert sorted(p for p in (kit.parent / "evidence").rglob("*")) == before
    assert not list(Path(tempfile.gettempdir()).glob("evidence-kit-stage-*"))


def test_plain_zensical_on_the_same_tree_is_caught_by_scan(kit: Path) -> None:
    required("zensical")
    proc = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "-f", "mkdocs.yml"],
        cwd=kit.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = kit.parent / "site"
    scan = run_cli("scan", str(site), "--config", str(kit), "--format", "json")
    assert scan.exit_code == 1
    findings = json.loads(scan.output)["findings"]
    assert {"path": f"{site}/manifest.json", "rule": "manifest-missing"}.items() <= findings[
        -1
    ].items()
    found = {
        f["message"].split("fingerprint ")[1][:16] for f in findings if f["rule"] == "placeholder"
    }
    assert found == {detectors.fingerprint(f"<<{name}>>") for name in kit_placeholders(kit)}
    # The raw one in <meta name="description"> is among them.
    assert {
        "path": f"{site}/05-backups-recovery/incident-runbook/index.html",
        "line": 9,
        "rule": "placeholder",
    }.items() <= findings[0].items()


@pytest.mark.parametrize("name", ["properdocs", "zensical"])
def test_canaries_never_reach_a_site_any_builder_makes(tmp_path: Path, name: str) -> None:
    config = make_project(tmp_path, CANARY_DOCS, CANARY_OPTIONS, nav=CANARY_NAV)
    site = tmp_path / "site"
    code, output, stderr = cli_build(config, name, site)
    assert code == 0, output + stderr
    assert output.splitlines()[-1] == "0 errors, 7 warnings"
    assert output == run_cli("check", "--config", str(config)).output
    assert "mkdocs.yml: nav: a deny-listed term is redacted from the audit edition" in stderr
    published = everything(site)
    for canary in CANARIES:
        assert canary.lower() not in published.lower()
    assert not (site / "notes").exists()
    assert (site / "diagram.png").is_file()
    assert "Redacted: internal content is not part of the audit edition." in published


def test_a_tree_with_errors_is_not_built_and_the_findings_are_checks(tmp_path: Path) -> None:
    docs = {"index.md": "# Home\n\nAsk <<Security lead>>.\n"}
    config = make_project(tmp_path, docs)
    site = tmp_path / "site"
    code, output, stderr = cli_build(config, "zensical", site)
    assert code == 1
    assert output == run_cli("check", "--config", str(config)).output
    assert output.startswith("docs/index.md:3:5: placeholder-missing: ")
    assert stderr == "evidence-kit: errors in the evidence; zensical did not run\n"
    assert not site.exists()


def test_gate_findings_fail_the_build(tmp_path: Path) -> None:
    expired = {"fingerprint": "0" * 16, "owner": "a", "reason": "b", "expires": "2026-01-01"}
    config = make_project(
        tmp_path, {"index.md": "# Home\n"}, {"publish": {"gate_allow": [expired]}}
    )
    code, output, stderr = cli_build(config, "zensical", tmp_path / "site")
    assert code == 1
    assert output.splitlines() == [
        "mkdocs.yml:11:9: allowlist-expired: $.publish.gate_allow[0]: the gate exception for "
        "fingerprint 0000000000000000 (owner a) expired on 2026-01-01; remove the value from "
        "the site or renew the exception with a new expiry",
        "1 error, 0 warnings",
    ]
    assert stderr == "evidence-kit: the gate failed the site site built by zensical\n"


def test_a_missing_builder_is_named_with_the_install_hint(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n"})
    missing = builders.Builder("no_such_builder", "no-such-builder", "search.json")
    settings = load_settings(config, None)
    with pytest.raises(builders.BuildError) as raised:
        builders.build(settings, missing, config, tmp_path / "site")
    assert str(raised.value) == (
        "no_such_builder is not installed; install it with pip install 'evidence-kit[builders]'"
    )


@pytest.mark.parametrize(
    ("src_uri", "directory_urls", "url"),
    [
        ("index.md", True, ""),
        ("index.md", False, "index.html"),
        ("a/index.md", True, "a/"),
        ("a/README.md", False, "a/index.html"),
        ("a/b.md", True, "a/b/"),
        ("a/b.md", False, "a/b.html"),
    ],
)
def test_page_urls_follow_mkdocs(src_uri: str, directory_urls: bool, url: str) -> None:
    assert builders.page_url(src_uri, directory_urls) == url
