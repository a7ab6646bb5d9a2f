"""What the plugin hands MkDocs: the filled front matter, written so YAML reads it back as is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from evidence_kit import engine
from evidence_kit.settings import build_settings

FRONT_MATTER = """\
title: "Ünïcode: <<Company name>> — “quoted” & 'single'"
description: |
  Two lines,
  the second with a colon: here.
tags: ["NO", "yes", "1.0", "~", "2026-03-06", "- dash", "# hash", "<<Company name>>"]
search: {boost: 2}
date: 2026-03-06
"""


def test_page_source_front_matter_reads_back_as_the_filled_meta(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text(f"---\n{FRONT_MATTER}---\n\n# Body\n", encoding="utf-8")
    settings = build_settings(
        {"placeholders": {"Company name": "Example Co"}},
        root=tmp_path,
        docs_dir=docs,
        today=dt.date(2026, 11, 26),
    )
    evidence = engine.run(settings)

    source = evidence.page_source("page.md")

    assert source is not None
    header, body = source.removeprefix("---\n").split("---\n\n", 1)
    assert body == "# Body\n"
    assert yaml.safe_load(header) == {
        "title": "Ünïcode: Example Co — “quoted” & 'single'",
        "description": "Two lines,\nthe second with a colon: here.\n",
        "tags": ["NO", "yes", "1.0", "~", "2026-03-06", "- dash", "# hash", "Example Co"],
        "search": {"boost": 2},
        "date": "2026-03-06",
    }
