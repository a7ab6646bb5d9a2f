"""Embeds by edition: the internal edition leaves a handbook's videos as written; the audit
edition shows each one as a plain link with a note, so auditors' browsers load nothing from
elsewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from conftest import REPO, build, run_cli

HANDBOOK = REPO / "tests" / "data" / "handbook"
PAGES = ("index.html", "tools/vpn/index.html", "tools/drills/index.html")
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def handbook(root: Path, evidence: dict[str, object] | None = None) -> Path:
    """A copy of the handbook, with the evidence plugin's options set."""
    shutil.copytree(HANDBOOK, root, dirs_exist_ok=True)
    config = root / "mkdocs.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"] = ["search", {"evidence": evidence or {}}]
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return config


def articles(site: Path) -> dict[str, str]:
    result = {}
    for page in PAGES:
        found = ARTICLE.search((site / page).read_text(encoding="utf-8"))
        assert found, page
        result[page] = found.group(1)
    return result


def test_the_internal_edition_builds_strictly_with_its_text_unchanged(tmp_path: Path) -> None:
    plain = build(handbook(tmp_path / "plain", {"enabled": False}))
    assert plain.returncode == 0, plain.log
    internal = handbook(tmp_path / "internal", {"publish": {"audience": "internal"}})
    result = build(internal)
    assert result.returncode == 0, result.log
    assert result.warnings() == []
    assert articles(result.site) == articles(plain.site)
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"' in result.page("index.html")


def test_the_audit_edition_replaces_each_embed_by_a_link(tmp_path: Path) -> None:
    config = handbook(tmp_path)
    result = build(config)
    assert result.returncode == 0, result.log
    note = "the audit edition links to it instead of loading it"
    expected = {
        "index.html": (
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
            "How a change reaches production",
        ),
        "tools/vpn/index.html": (
            "https://player.vimeo.com/video/76979871?h=8272103f6e",
            "First VPN connection",
        ),
        "tools/drills/index.html": (
            "https://media.example.org/drills/q3-replica-loss.mp4",
            "https://media.example.org/drills/q3-replica-loss.mp4",
        ),
    }
    for page, (url, label) in expected.items():
        html = articles(result.site)[page]
        assert f'<a href="{url}">{label}</a>' in html, page
        assert note in html, page
        assert "<iframe" not in html.replace("&lt;iframe", "") and "<video" not in html, page
    # The player code shown as an example stays code.
    assert (
        "&lt;iframe src=&quot;https://player.vimeo.com/video/76979871&quot;&gt;"
        in (articles(result.site)["tools/vpn/index.html"])
    )
    check = run_cli("check", "--config", str(config))
    assert check.exit_code == 0
    assert [line for line in check.output.splitlines() if "external-embed" in line] == [
        "docs/index.md:6:1: external-embed: the <iframe> from www.youtube-nocookie.com is "
        "published as a link in the audit edition, so readers' browsers load nothing from "
        "elsewhere; copy the file into the evidence folder to embed it",
        "docs/tools/drills.md:6:1: external-embed: the <video> from media.example.org is "
        "published as a link in the audit edition, so readers' browsers load nothing from "
        "elsewhere; copy the file into the evidence folder to embed it",
        "docs/tools/vpn.md:6:1: external-embed: the <iframe> from player.vimeo.com is "
        "published as a link in the audit edition, so readers' browsers load nothing from "
        "elsewhere; copy the file into the evidence folder to embed it",
    ]
    scan = run_cli("scan", str(result.site), "--config", str(config))
    assert scan.exit_code == 0, scan.output


def test_scripts_and_handlers_in_an_embed_stay_errors_in_both_editions(tmp_path: Path) -> None:
    body = (
        "# Home\n\n"
        '<iframe src="javascript:alert(1)"></iframe>\n\n'
        '<video src="clip.mp4" onplay="alert(2)"></video>\n'
    )
    config = handbook(tmp_path, {"publish": {"audience": "internal"}})
    (tmp_path / "docs" / "index.md").write_text(body, encoding="utf-8")
    run = run_cli("check", "--config", str(config))
    assert run.exit_code == 1
    assert [
        line.split(": ", 2)[1] for line in run.output.splitlines() if ": active-html: " in line
    ] == [
        "active-html",
        "active-html",
    ]
