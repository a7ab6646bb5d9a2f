"""The gate's helper process: which pages it finds clean, and that the gate trusts only
what is still as it was read."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest

from conftest import build, make_project, write
from evidence_kit.cli import load_settings
from evidence_kit.core.options.publish import parse_publish
from evidence_kit.pages import printing
from evidence_kit.publish import detectors, fastscan, gate, manifest, prescan
from evidence_kit.publish.redact import Detectors

AWS_KEY = "AKIAQ3EGCANARY7X4K2Z"
PUBLISH = parse_publish({}, [], detectors.RULE_IDS, env={})
CLEAN_PAGE = (
    "<!doctype html>\n<html><body>\n<p>The on-call engineer pages the lead.</p>\n</body></html>\n"
)
LEAKING_PAGE = f"<!doctype html>\n<html><body>\n<p>key {AWS_KEY}</p>\n</body></html>\n"


def _site(root: Path) -> Path:
    write(
        root,
        {
            "clean/index.html": CLEAN_PAGE,
            "leaking/index.html": LEAKING_PAGE,
            "assets/style.css": "body { color: black; }\n",
        },
    )
    return root


def test_the_helper_names_the_clean_pages_with_the_sha256_of_what_it_read(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    helper = prescan.Prescan.start(PUBLISH)
    assert helper is not None
    for rel in ("clean/index.html", "leaking/index.html", "assets/style.css", "gone/index.html"):
        helper.add(rel, site / rel)
    assert helper.clean() == {"clean/index.html": manifest.sha256(site / "clean/index.html")}
    assert helper.clean() == {}  # stopped: asked again, it has nothing


def test_the_helper_imports_nothing_from_the_folder_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build runs in the project's folder; a module there named like a dependency of the
    # helper must not replace it.
    site = _site(tmp_path / "site")
    write(tmp_path, {"hyperscan.py": "raise SystemExit(3)\n"})
    monkeypatch.chdir(tmp_path)
    helper = prescan.Prescan.start(PUBLISH)
    assert helper is not None
    helper.add("clean/index.html", site / "clean/index.html")
    assert list(helper.clean()) == ["clean/index.html"]


def test_a_helper_stopped_early_gives_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    helper = prescan.Prescan.start(PUBLISH)
    assert helper is not None
    helper.add("clean/index.html", site / "clean/index.html")
    helper.close()
    assert helper.clean() == {}


def test_the_helper_reads_a_page_larger_than_its_blocks_as_one_text(tmp_path: Path) -> None:
    # Characters of two and three bytes cross the block boundaries; the digest is of the
    # bytes, the reading of the decoded text.
    line = "<p>Ünïcödé \u2013 résumé €</p>\n"
    page = tmp_path / "big.html"
    page.write_text(line * (3 * fastscan.CHUNK // len(line)), encoding="utf-8")
    rules, seen = Detectors.of(PUBLISH), fastscan.Seen()
    assert fastscan.clean_sha256(page, rules, seen) == manifest.sha256(page)
    page.write_text(line * 20_000 + f"<p>{AWS_KEY}</p>\n" + line * 20_000, encoding="utf-8")
    assert fastscan.clean_sha256(page, rules, fastscan.Seen()) is None


def test_read_vouches_for_nothing_after_the_first_page_where_it_finds_anything(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    write(site, {"copy/index.html": LEAKING_PAGE, "later/index.html": CLEAN_PAGE})
    incoming = io.BytesIO()
    for rel in ("clean/index.html", "leaking/index.html", "copy/index.html", "later/index.html"):
        pickle.dump(("file", rel, str(site / rel)), incoming)
    pickle.dump(None, incoming)
    incoming.seek(0)
    # The leaking page's lines are seen but not marked dirty by the quick reading: a copy
    # of them would pass as already read.
    assert prescan.read(PUBLISH, incoming) == {
        "clean/index.html": manifest.sha256(site / "clean/index.html")
    }


def test_a_text_handed_over_as_it_is_written_is_read_as_the_file(tmp_path: Path) -> None:
    helper = prescan.Prescan.start(PUBLISH)
    assert helper is not None
    parts = ["<!doctype html>\n<html><body>\n", "<p>Ünïcödé résumé</p>\n" * 30_000, "</body>"]
    page = tmp_path / "print" / "index.html"
    printing.write(page, helper.tee("print/index.html", parts))
    leaking = tmp_path / "leak.html"
    printing.write(leaking, helper.tee("leak.html", ["<p>", AWS_KEY, "</p>\n", *parts]))
    # After a find the helper vouches for nothing, the next text is still read to its end.
    printing.write(tmp_path / "after.html", helper.tee("after.html", parts))
    assert helper.clean() == {"print/index.html": manifest.sha256(page)}


def test_the_gate_skips_a_clean_file_only_while_its_bytes_are_those_read(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n\nHello.\n"})
    result = build(config)
    assert result.returncode == 0, result.log
    site = result.site
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + f"<p>{AWS_KEY}</p>\n", encoding="utf-8")
    manifest.write(site, manifest.finish(manifest.read(site) or {}, site))
    settings = load_settings(config, None)
    found = gate.scan(site, settings, "site")
    assert [f.rule for f in found] == ["aws-access-key"]
    # Named clean with the sha256 the manifest records: not read again (so a helper that
    # passed a leaking page would hide it; `clean_sha256` never does).
    recorded = manifest.sha256(page)
    assert gate.scan(site, settings, "site", {"index.html": recorded}) == []
    # Named clean with the sha256 of other bytes (changed after the helper read it): read.
    assert [f.rule for f in gate.scan(site, settings, "site", {"index.html": "0" * 64})] == [
        "aws-access-key"
    ]


def test_the_helper_reads_json_as_its_strings(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_text('{"docs": [{"text": "<p>The lead pages the team.</p>"}]}', "utf-8")
    escaped = tmp_path / "escaped.json"
    # The key is only there once the string is decoded.
    escaped.write_text('{"docs": [{"text": "key \\u0041KIAQ3EGCANARY7X4K2Z"}]}', "utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"docs": [', "utf-8")
    for name, expected in (("search_index.json", True), ("escaped.json", False)):
        digest = fastscan.clean_json_sha256(tmp_path / name, Detectors.of(PUBLISH), fastscan.Seen())
        assert (digest == manifest.sha256(tmp_path / name)) is expected
    # Not JSON: the gate reads it as text.
    assert fastscan.clean_json_sha256(broken, Detectors.of(PUBLISH), fastscan.Seen()) is None


@pytest.mark.parametrize("leaking", [False, True], ids=["clean", "leaking"])
def test_the_gate_hands_a_large_search_index_to_a_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leaking: bool
) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n\nHello.\n"})
    result = build(config)
    assert result.returncode == 0, result.log
    site = result.site
    index = site / "search" / "search_index.json"
    if leaking:
        text = index.read_text(encoding="utf-8").replace("Hello.", f"Hello {AWS_KEY}.")
        index.write_text(text, encoding="utf-8")
        manifest.write(site, manifest.finish(manifest.read(site) or {}, site))
    monkeypatch.setattr(gate, "HANDED_OVER_FROM", 1)
    settings = load_settings(config, None)
    files = list(manifest.site_files(site))
    helper, handed = gate._hand_over(files, settings.publish)
    assert helper is not None
    assert handed == {"search/search_index.json"}
    vouched = helper.clean()
    assert vouched == ({} if leaking else {"search/search_index.json": manifest.sha256(index)})
    # What the helper does not vouch for, the gate reads itself.
    found = gate.scan(site, settings, "site")
    assert [(f.path, f.rule) for f in found] == (
        [("site/search/search_index.json", "aws-access-key")] if leaking else []
    )
