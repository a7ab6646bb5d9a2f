"""Engine changes made for speed keep their behaviour: page sources, the collector's state."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

import pytest
import yaml

from evidence_kit import pipeline
from evidence_kit.core.settings import Settings

FRONT_MATTER = """\
title: "Ünïcode: <<Company name>> — “quoted” & 'single'"
description: |
  Two lines,
  the second with a colon: here.
tags: ["NO", "yes", "1.0", "~", "2026-03-06", "- dash", "# hash", "<<Company name>>"]
search: {boost: 2}
date: 2026-03-06
"""


def _settings(tmp_path: Path) -> Settings:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text(f"---\n{FRONT_MATTER}---\n\n# Body\n", encoding="utf-8")
    return pipeline.settings(
        {"placeholders": {"Company name": "Example Co"}},
        root=tmp_path,
        docs_dir=docs,
        today=dt.date(2026, 11, 26),
    )


def test_page_source_front_matter_reads_back_as_the_filled_meta(tmp_path: Path) -> None:
    evidence = pipeline.run(_settings(tmp_path))

    page = pipeline.page(evidence, "page.md")

    assert page is not None
    source = pipeline.source_of(page)
    header, body = source.removeprefix("---\n").split("---\n\n", 1)
    assert body == "# Body\n"
    # Front matter reaches MkDocs escaped for HTML (its themes print titles as they are).
    assert yaml.safe_load(header) == {
        "title": "Ünïcode: Example Co — “quoted” &amp; &#x27;single&#x27;",
        "description": "Two lines,\nthe second with a colon: here.\n",
        "tags": ["NO", "yes", "1.0", "~", "2026-03-06", "- dash", "# hash", "Example Co"],
        "search": {"boost": 2},
        "date": "2026-03-06",
    }


@pytest.mark.parametrize("enabled", [True, False])
def test_run_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    settings = _settings(tmp_path)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        evidence = pipeline.run(settings)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert evidence.findings == []
