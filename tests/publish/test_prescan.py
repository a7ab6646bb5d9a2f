"""The gate's helper process: which pages it finds clean, and that the gate trusts only
what is still as it was read."""

from __future__ import annotations

import contextlib
import io
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import build, make_project, write
from evidence_kit.cli import load_settings
from evidence_kit.core.options.publish import Publish, parse_publish
from evidence_kit.publish import detectors, fastscan, gate, manifest, prescan
from evidence_kit.publish.detectors import Detectors

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


def _built(tmp_path: Path, pages: int = 4) -> tuple[Path, Path]:
    documents = {"index.md": "# Home\n\nHello.\n"}
    documents.update(
        {f"page-{n}.md": f"# Page {n}\n\nThe lead pages the team.\n" for n in range(pages)}
    )
    config = make_project(tmp_path, documents)
    result = build(config)
    assert result.returncode == 0, result.log
    return config, result.site


def _leak(site: Path, rel: str, before: str) -> None:
    """Put a key in the built file `rel` before the first `before`, and record it in the
    manifest as built so."""
    page = site / rel
    text = page.read_text("utf-8")
    assert before in text
    page.write_text(text.replace(before, f" {AWS_KEY} {before}", 1), "utf-8")
    manifest.write(site, manifest.finish(manifest.read(site) or {}, site))


def test_the_gate_skips_a_clean_file_only_while_its_bytes_are_those_read(tmp_path: Path) -> None:
    config, site = _built(tmp_path, pages=0)
    page = site / "index.html"
    _leak(site, "index.html", "</body>")
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


def test_a_site_is_shared_in_the_order_that_puts_the_search_index_with_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, site = _built(tmp_path)
    files = list(manifest.site_files(site))
    recorded = (manifest.read(site) or {})["files"]
    assert gate._shareable(files, recorded) == []  # too small to be worth a helper
    monkeypatch.setattr(gate, "SHARED_FROM", 1)
    index, printed = "search/search_index.json", "print/index.html"
    # A search index this large is the helper's first file; a page this large is read in
    # two parts, the gate's first and the helper's just after the index.
    large = min((site / index).stat().st_size, (site / printed).stat().st_size)
    monkeypatch.setattr(gate, "LARGE_FILE", large)
    shared = [(rel, part) for rel, _, part in gate._shareable(files, recorded)]
    sizes = {rel: path.stat().st_size for rel, path in files}
    large_pages = [rel for rel, _ in files if rel.endswith(".html") and sizes[rel] >= large]
    assert printed in large_pages
    cuts = [int(sizes[rel] * gate.GATE_PART) for rel in large_pages]
    count = len(large_pages)
    assert shared[:count] == [(rel, (0, cut)) for rel, cut in zip(large_pages, cuts, strict=True)]
    assert shared[-1 - count :] == [
        *((rel, (cut, None)) for rel, cut in zip(large_pages, cuts, strict=True)),
        (index, None),
    ]
    # Else every page and JSON file the manifest records, in the site's order.
    assert all(part is None for _, part in shared[count : -1 - count])
    assert [rel for rel, _ in shared[count : -1 - count]] == [
        rel
        for rel, path in files
        if rel in recorded
        and rel != index
        and (
            rel.endswith(".json")
            or (rel.endswith((".html", ".xml")) and path.stat().st_size < large)
        )
    ]
    assert ("sitemap.xml", None) in shared and ("index.html", None) in shared
    assert not any(rel.endswith((".css", ".js")) for rel, _ in shared)


def test_share_reads_from_the_last_and_stops_after_the_first_find(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    write(site, {"later/index.html": CLEAN_PAGE})
    files = [
        (rel, str(site / rel), None)
        for rel in ("clean/index.html", "leaking/index.html", "later/index.html", "gone.html")
    ]
    out = io.BytesIO()
    prescan.share(PUBLISH, files, out)
    out.seek(0)
    told = []
    with contextlib.suppress(EOFError):
        while True:
            told.append(pickle.load(out))
    assert told == [
        (3, ""),  # not there: no digest, and the helper goes on
        (2, manifest.sha256(site / "later/index.html")),
        (1, ""),  # leaking
    ]


@pytest.mark.parametrize("ahead", [False, True], ids=["racing", "helper-ahead"])
@pytest.mark.parametrize(
    "where", ["none", "first", "last", "index", "print-gate-part", "print-helper-part"]
)
def test_a_shared_site_finds_what_the_gate_alone_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, ahead: bool
) -> None:
    config, site = _built(tmp_path, pages=30)
    monkeypatch.setattr(gate, "SHARED_FROM", 1)
    # The helper spawned before the site is listed, as for a site of some hundred pages.
    monkeypatch.setattr(gate, "SHARED_FROM_FILES", 1)
    if where.startswith("print"):
        # The print version read in two parts; the key in the first or the last of its text.
        monkeypatch.setattr(gate, "LARGE_FILE", (site / "print/index.html").stat().st_size)
    settings = load_settings(config, None)
    files = list(manifest.site_files(site))
    items = [(rel, part) for rel, _, part in gate._shareable(files, manifest.read(site)["files"])]
    shared = [rel for rel, _ in items]
    at = {"first": 0, "last": -2, "index": -1}.get(where)
    if where.startswith("print"):
        cut = int((site / "print/index.html").stat().st_size * gate.GATE_PART)
        part = (0, cut) if where == "print-gate-part" else (cut, None)
        at = items.index(("print/index.html", part))
    leaking = None if at is None else shared[at]
    if where.startswith("print"):
        assert leaking == "print/index.html"
        text = (site / leaking).read_text("utf-8")
        _leak(site, leaking, "<h1" if where == "print-gate-part" else "</main>")
        inserted = (site / leaking).read_text("utf-8").index(AWS_KEY)
        assert (inserted < len(text) * gate.GATE_PART) is (where == "print-gate-part")
    elif leaking is not None:
        ending = {".json": '"}', ".xml": "</urlset>"}.get(Path(leaking).suffix, "</body>")
        _leak(site, leaking, ending)
    if ahead:
        # The helper has read all it will before the gate reads its first file: the gate
        # then reads only what the helper did not vouch for.
        start = prescan.Sharing.start

        def started_and_done(
            publish: Publish, files: list[gate.Shared], process: subprocess.Popen[bytes] | None
        ) -> prescan.Sharing | None:
            assert process is not None
            sharing = start(publish, files, process)
            assert sharing is not None
            sharing.process.wait(timeout=60)
            sharing._listener.join(timeout=60)
            assert sharing.reached == (0 if at is None else range(len(shared))[at])
            return sharing

        monkeypatch.setattr(prescan.Sharing, "start", started_and_done)
    expected = [] if leaking is None else [(f"site/{leaking}", "aws-access-key")]
    assert [(f.path, f.rule) for f in gate.scan(site, settings, "site")] == expected
    # The same without a helper.
    monkeypatch.setattr(gate, "SHARED_FROM", sys.maxsize)
    assert [(f.path, f.rule) for f in gate.scan(site, settings, "site")] == expected


def test_a_helper_spawned_for_a_site_too_small_to_share_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, site = _built(tmp_path)
    monkeypatch.setattr(gate, "SHARED_FROM_FILES", 1)  # the manifest's files say: share
    spawned: list[subprocess.Popen[bytes]] = []
    spawn = prescan.Sharing.spawn

    def counted() -> subprocess.Popen[bytes] | None:
        process = spawn()
        assert process is not None
        spawned.append(process)
        return process

    monkeypatch.setattr(prescan.Sharing, "spawn", staticmethod(counted))
    assert gate.scan(site, load_settings(config, None), "site") == []
    # Its bytes say no (under `SHARED_FROM`): the gate read them alone, and the helper
    # is gone.
    assert len(spawned) == 1
    assert spawned[0].returncode is not None


def test_the_helper_vouches_only_for_what_it_read_clean(tmp_path: Path) -> None:
    _, site = _built(tmp_path)
    files = [(rel, path, None) for rel, path in manifest.site_files(site) if rel.endswith(".html")]
    _leak(site, files[0][0], "</body>")
    sharing = prescan.Sharing.start(PUBLISH, files)
    assert sharing is not None
    deadline = time.monotonic() + 60
    while sharing.reached > 0 and sharing.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    vouched = sharing.stop()
    # Every page but the first, from the last, then the leaking first page: no digest.
    assert sharing.reached == 0
    assert vouched == {n: manifest.sha256(files[n][1]) for n in range(1, len(files))}
    assert sharing.stop() == vouched  # stopped: asked again, the same


def test_a_helper_stopped_at_once_vouches_for_nothing(tmp_path: Path) -> None:
    _, site = _built(tmp_path)
    files = [(rel, path, None) for rel, path in manifest.site_files(site) if rel.endswith(".html")]
    sharing = prescan.Sharing.start(PUBLISH, files)
    assert sharing is not None
    assert sharing.stop() == {}
    assert sharing.reached == len(files)


class _CountingDatabases:
    """hyperscan.Database, counting the sets made (each is then compiled)."""

    def __init__(self, real: type) -> None:
        self.real = real
        self.made = 0

    def __call__(self) -> object:
        self.made += 1
        return self.real()


TEXTS = (f"key {AWS_KEY}", "mail jane.doe@acmecorp.io from 203.0.113.9", "password: Tr0ub4dor&3x")


def test_a_pattern_set_handed_over_is_loaded_not_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Detectors.of(PUBLISH)
    expected = [rules.all.find(t) for t in TEXTS]
    handed = rules.compiled()
    assert list(handed) == [rules.all._candidates.key]  # the placeholder set: not compiled
    monkeypatch.setattr(detectors, "_ADOPTED", {})
    databases = _CountingDatabases(detectors.hyperscan.Database)
    monkeypatch.setattr(detectors.hyperscan, "Database", databases)
    detectors.adopt(handed)
    helper = detectors.Detector(rules.all.rules, rules.all.allow)
    assert [helper.find(t) for t in TEXTS] == expected
    assert databases.made == 1  # the anchor words' set, made at the first find
    assert all(expected)


def test_a_pattern_set_that_does_not_load_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = Detectors.of(PUBLISH)
    expected = [rules.all.find(t) for t in TEXTS]
    monkeypatch.setattr(detectors, "_ADOPTED", {})
    databases = _CountingDatabases(detectors.hyperscan.Database)
    monkeypatch.setattr(detectors.hyperscan, "Database", databases)
    detectors.adopt({rules.all._candidates.key: b"not a pattern set"})
    helper = detectors.Detector(rules.all.rules, rules.all.allow)
    assert [helper.find(t) for t in TEXTS] == expected
    assert databases.made == 2  # its own set, and the anchor words'
