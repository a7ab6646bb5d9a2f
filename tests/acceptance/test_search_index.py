"""Material's search index, made by another process while MkDocs writes the pages, is the
one Material makes itself, for pages changed after they were rendered too; the gate reads
what is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from material.plugins.search.plugin import SearchIndex

from conftest import build, make_project
from evidence_kit import material_search

PAGES = {
    "index.md": "# Home\n\nThe evidence of Example Co.\n",
    "runbook.md": (
        "# Database runbook\n\nThe on-call engineer restores the primary.\n\n"
        "## Restore\n\n1. Stop the writers.\n2. Restore the snapshot.\n\n"
        "| Step | Owner |\n| --- | --- |\n| Restore | Platform team |\n\n"
        "```sh\npg_restore --clean backup.dump\n```\n\n### Check\n\nCount the rows.\n"
    ),
    "controls/access.md": (
        "---\ntags:\n  - access\n---\n\n# Access reviews\n\nEvery quarter.\n\n"
        "## Findings\n\nNone <sub>open</sub>.\n"
    ),
    "hidden.md": "---\nsearch:\n  exclude: true\n---\n\n# Not searched\n\nHidden text.\n",
}

# Every page's HTML becomes an equal string that is another object: MkDocs' pages, as
# Material's plugin reads them, are then none of those the other process indexed.
RESTRUNG = """\
from mkdocs.plugins import event_priority

@event_priority(50)
def on_page_context(context, page, config, nav):
    page.content = "".join([page.content, " "])[:-1]
"""
# A plugin that adds to one page's HTML after every page is rendered.
ADDED = """\
from mkdocs.plugins import event_priority

@event_priority(50)
def on_page_context(context, page, config, nav):
    if page.file.src_uri == "runbook.md":
        page.content += "<p>Added late by a plugin: rotate the replica.</p>"
"""
# A token only the search index holds: added before Material's plugin reads the page,
# taken out again before the page is written.
LEAK_IN = """\
from mkdocs.plugins import event_priority

@event_priority(50)
def on_page_context(context, page, config, nav):
    if page.file.src_uri == "runbook.md":
        page.content += "<p>AKIA29326ML64LG2TJF8</p>"
"""
LEAK_OUT = """\
from mkdocs.plugins import event_priority

@event_priority(-50)
def on_page_context(context, page, config, nav):
    if page.file.src_uri == "runbook.md":
        page.content = page.content.replace("<p>AKIA29326ML64LG2TJF8</p>", "")
"""


def _project(root: Path, *hooks: str, audience: str = "audit") -> Path:
    names = []
    for n, hook in enumerate(hooks):
        path = root / f"hook{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(hook, encoding="utf-8")
        names.append(path.name)
    extra: dict[str, Any] = {"hooks": names} if names else {}
    return make_project(root, PAGES, {"publish": {"audience": audience}}, **extra)


def _index(root: Path, *hooks: str, audience: str = "audit") -> bytes:
    temp = root / "tmp"
    temp.mkdir(parents=True)
    result = build(_project(root, *hooks, audience=audience), env={"TMPDIR": str(temp)})
    assert result.returncode == 0, result.log
    # Nothing of what the process was given or wrote is left behind.
    assert not list(temp.iterdir())
    return (result.site / material_search.SITE_PATH).read_bytes()


@pytest.mark.parametrize("audience", ["audit", "internal"])
def test_the_search_index_is_byte_for_byte_the_one_material_makes(
    tmp_path: Path, audience: str
) -> None:
    made_beside = _index(tmp_path / "beside", audience=audience)
    made_by_material = _index(tmp_path / "material", RESTRUNG, audience=audience)
    assert made_beside == made_by_material
    docs = json.loads(made_beside)["docs"]
    assert {
        "location": "runbook/#check",
        "title": "Check",
        "text": "<p>Count the rows.</p>",
    } in docs
    assert [doc["tags"] for doc in docs if doc["location"] == "controls/access/"] == [["access"]]
    assert not [doc for doc in docs if doc["location"].startswith("hidden/")]


def test_a_page_changed_after_it_was_rendered_is_indexed_as_it_is_written(
    tmp_path: Path,
) -> None:
    index = json.loads(_index(tmp_path / "added", ADDED))
    (added,) = [doc for doc in index["docs"] if "Added late" in doc["text"]]
    assert added["location"] == "runbook/#check"
    # The other pages keep their place and their entries.
    unchanged = json.loads(_index(tmp_path / "plain"))
    assert [doc["location"] for doc in index["docs"]] == [
        doc["location"] for doc in unchanged["docs"]
    ]


def test_the_gate_reads_a_search_index_that_holds_what_no_page_does(tmp_path: Path) -> None:
    result = build(_project(tmp_path, LEAK_IN, LEAK_OUT))
    assert result.returncode == 1, result.log
    assert "site/search/search_index.json:1:" in result.log
    assert "aws-access-key" in result.log
    assert "runbook" not in "".join(
        line for line in result.log.splitlines() if "aws-access-key" in line
    )


FAILING = """\
def on_post_page(output, page, config):
    if page.file.src_uri == "runbook.md":
        raise RuntimeError("a plugin failed")
"""


def test_a_build_that_fails_leaves_nothing_of_the_index_behind(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    result = build(_project(tmp_path, FAILING), env={"TMPDIR": str(temp)})
    assert result.returncode == 1, result.log
    assert "a plugin failed" in result.log
    assert not list(temp.iterdir())


class _Page:
    """A rendered page, as Material's index reads it."""

    def __init__(self, url: str, content: str) -> None:
        self.url, self.title, self.content = url, url.strip("/") or "Home", content
        self.meta: dict[str, Any] = {}
        self.toc: list[Any] = []


OPTIONS = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"], "fields": {}}


def _material(pages: list[_Page]) -> str:
    index = SearchIndex(**OPTIONS)
    for page in pages:
        index.add_entry_from_context(page)
    made: str = index.generate_search_index(None)
    return made


@pytest.mark.parametrize("process", ["runs", "fails"])
def test_the_index_is_made_here_from_what_the_process_was_given_if_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process: str
) -> None:
    if process == "fails":
        monkeypatch.setattr(material_search, "_MAIN", "import sys; sys.exit(3)")
    pages = [
        _Page("", "<h1 id='home'>Home</h1><p>Hello.</p>"),
        _Page("a/", "<h1 id='a'>A</h1><h2 id='b'>B</h2><p>Text &amp; more</p>"),
        _Page("c/", "<p>No heading, &lt;code&gt;: <code>x &lt; y</code></p>"),
    ]
    offloaded = material_search.Offloaded(OPTIONS, pages, tmp_path)  # type: ignore[arg-type]
    with open(offloaded.pages, "wb") as out:
        material_search._write(out, pages)  # type: ignore[arg-type]
    offloaded.spawn()
    pages[2].content += "<p>Changed after.</p>"
    for page in pages:
        offloaded.add_entry_from_context(page)
    assert offloaded.generate_search_index(None) == _material(pages)
    assert offloaded.counts == [1, 2, 1]
