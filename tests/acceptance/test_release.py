"""`pipeline.release`: what a build reads of a run, made in a child process, is what the
run gives in this process."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.utils.meta import get_data

from conftest import REPO, TODAY
from evidence_kit import cli, pipeline
from evidence_kit.core.evidence import Page
from evidence_kit.plugin import _read_order
from evidence_kit.publish import manifest

KIT = REPO / "mkdocs.yml"


@pytest.fixture(scope="module")
def kit_settings():  # type: ignore[no-untyped-def]
    # Module-scoped, so made before the autouse fixture pins the clock: pinned here.
    return cli.load_settings(KIT, TODAY)


def test_the_release_is_the_run(kit_settings) -> None:  # type: ignore[no-untyped-def]
    evidence = pipeline.run(kit_settings)
    origin = manifest.provenance(kit_settings)
    documents = sorted(uri for uri, doc in evidence.tree.documents.items() if doc.publishable)
    publishing = pipeline.release(kit_settings, origin, read_order=documents[::-1].index)
    release = publishing.release
    assert {"publication-report.md", "controls.md", "review-calendar.ics"} <= release.later
    assert not release.later & release.generated.keys()
    assert release.withheld == frozenset(evidence.publication.withheld)
    assert release.documents == frozenset(documents)
    assert publishing.page("no/such/page.md") is None
    for src_uri in documents:
        assert publishing.page(src_uri) == pipeline.page(evidence, src_uri), src_uri
    with pytest.raises(RuntimeError, match=r"^index\.md was read twice in one build$"):
        publishing.page("index.md")
    # The findings, and the pages made later, come after the documents' pages.
    assert publishing.findings() == evidence.findings
    later = {name: publishing.later(name) for name in release.later}
    assert release.generated | later == evidence.generated
    assert publishing.later("index.md") is None
    account = publishing.account()
    assert account.described == manifest.describe(evidence, origin)
    assert account.summary.startswith("audit edition: ")


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    meta=st.dictionaries(_TEXT.filter(bool), _VALUE, max_size=4),
    body=st.sampled_from(["# Body\n", "key: value\n\ntext\n", "", "---\n\nrule\n"]),
)
def test_the_front_matter_handed_to_mkdocs_is_what_it_would_read(meta, body) -> None:  # type: ignore[no-untyped-def]
    # The plugin gives MkDocs the meta itself; the staged build writes it as YAML: both
    # must be what MkDocs reads from the written page.
    markdown, read = get_data(pipeline.source_of(Page(meta, body)))
    assert read == meta
    assert markdown == body
    assert get_data(pipeline.body_source(body)) == (body, {})


def test_the_child_makes_the_pages_in_the_order_mkdocs_reads_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = tmp_path / "docs"
    for name in (
        "z.md",
        "index.md",
        "a/README.md",
        "a/A.md",
        "a/b.md",
        "a/c/index.md",
        "a/c/a.md",
        "b.md",
    ):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# Page\n", encoding="utf-8")
    config = load_config(config_file=None, docs_dir=str(docs), site_name="Order")
    read = [file.src_uri for file in get_files(config).documentation_pages()]
    assert sorted(reversed(read), key=_read_order) == read
