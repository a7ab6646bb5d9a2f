"""Embeds by edition: the internal edition leaves a handbook's videos as written; the audit
edition shows each one as a plain link with a note, so auditors' browsers load nothing from
elsewhere."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, build, run_cli
from evidence_kit.publish import html as html_module

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


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(
    st.lists(
        st.sampled_from(
            [
                *("<", ">", "a", "(", ")", "[", "]", "=", '"', "'", " ", "\n", "\x01", ":"),
                *("java", "script", "vb", "data", "&#58;", "&#106;", "&amp;", "&", "#", ";"),
                *("<script", "onclick", "on", "click", "href=", "src=", "](", "<a ", "`"),
                *("data:", "javascript:", "da", "ta", "java\x01script:", "&#100;ata:"),
            ]
        ),
        max_size=24,
    ).map("".join)
)
def test_a_text_found_inert_has_no_active_html_on_any_line(text: str) -> None:
    # `neutralize` returns a body as it is when `may_be_active` says nothing can be found.
    if not html_module.may_be_active(text):
        assert [a for line in text.split("\n") for a in html_module.active_html(line)] == []


@pytest.mark.parametrize(
    "text",
    [
        "[x](data:text/html,hi)",
        '<a href="java&#115;cript:go()">x</a>',
        "<java\x01script:go()>",
        "<img src=x onerror = go()>",
        "<SCRIPT>",
    ],
)
def test_each_kind_of_active_html_is_seen_before_lines_are_walked(text: str) -> None:
    assert html_module.active_html(text)
    assert html_module.may_be_active(text)


def test_the_quick_scheme_search_knows_every_letter_re_folds() -> None:
    # `active_html` matches schemes ignoring case as `re` does; the whole-text search must
    # see every spelling it sees (these are all of them below U+2200).
    for word, pattern in zip(("script", "data"), html_module._SCHEMES_ANYWHERE, strict=True):
        for index, letter in enumerate(word):
            for char in map(chr, range(0x2200)):
                if re.fullmatch(letter, char, re.IGNORECASE):
                    assert pattern.search(word[:index] + char + word[index + 1 :] + ":"), char
