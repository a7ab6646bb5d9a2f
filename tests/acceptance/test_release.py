"""`pipeline.release`: what a build reads of a run, made in a child process, is what the
run gives in this process."""

from __future__ import annotations

import pytest

from conftest import REPO
from evidence_kit import cli, pipeline
from evidence_kit.publish import manifest

KIT = REPO / "mkdocs.yml"


@pytest.fixture(scope="module")
def settings():  # type: ignore[no-untyped-def]
    return cli.load_settings(KIT, None)


def test_the_release_is_the_run(settings) -> None:  # type: ignore[no-untyped-def]
    evidence = pipeline.run(settings)
    origin = manifest.provenance(settings)
    documents = sorted(uri for uri, doc in evidence.tree.documents.items() if doc.publishable)
    publishing = pipeline.release(settings, origin, order=documents[::-1])
    release = publishing.release
    assert release.findings == evidence.findings
    assert release.generated == evidence.generated
    assert release.withheld == frozenset(evidence.publication.withheld)
    assert release.documents == frozenset(documents)
    assert publishing.source("no/such/page.md") is None
    for src_uri in documents:
        assert publishing.source(src_uri) == pipeline.page_source(evidence, src_uri), src_uri
    with pytest.raises(RuntimeError, match=r"^index\.md was read twice in one build$"):
        publishing.source("index.md")
    account = publishing.account()
    assert account.described == manifest.describe(evidence, origin)
    assert account.summary.startswith("audit edition: ")
