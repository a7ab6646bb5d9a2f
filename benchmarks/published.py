"""The pages an audit build publishes, staged for plain Material without the plugin.

A baseline that renders the same content as the audit build (the documents as published,
the generated tables, the generated pages), so that the audit build's time splits into what
its content costs any build and what the plugin's own work adds. Staged the way
`evidence-kit build` stages a site for another builder; the generated tables go through the
plugin's Markdown extension (stashed whole), as in an audit build, and not the plugin.

    python -m benchmarks.published PROJECT
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

from evidence_kit import builders, pipeline
from evidence_kit.cli import load_settings
from evidence_kit.core import mkdocs_yml
from evidence_kit.publish import manifest

from . import corpus

CONFIG = "mkdocs-published.yml"
"""Plain Material over `DOCS`, the same small nav, no plugin."""
DOCS = "published"
EXTENSION = "evidence_kit.plugin:GeneratedHtml"


def stage(project: Path) -> Path:
    """Write the pages the audit build of `project` publishes into `project/DOCS`, and a
    config building them with plain Material; returns the config's path."""
    settings = load_settings(project / corpus.CONFIG, corpus.TODAY.isoformat())
    evidence = pipeline.run(settings)
    config = mkdocs_yml.load_whole(project / corpus.CONFIG)
    staged, _ = builders.builder_config(config, evidence, manifest.provenance(settings))
    shutil.rmtree(project / DOCS, ignore_errors=True)
    builders.stage_docs(evidence, project / DOCS)
    staged["docs_dir"] = DOCS
    staged.pop("site_dir", None)
    staged["markdown_extensions"] = [*staged.get("markdown_extensions", []), EXTENSION]
    path = project / CONFIG
    path.write_text(mkdocs_yml.dump_whole(staged), encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    print(stage(parser.parse_args(argv).project))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
