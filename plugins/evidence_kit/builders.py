"""`evidence-kit build`: the same sanitized site from MkDocs, ProperDocs or Zensical.

Zensical reads `mkdocs.yml` but runs no MkDocs plugin, so the plugin's work is done here,
before any builder runs, and the same way for every builder: what the edition publishes
(filled and redacted pages, generated pages, allowed assets, the review script and
stylesheet; never a data file or a withheld page) is staged in a temporary folder outside
the evidence, with a config for it (nav pruned, config text escaped and redacted, the
footer's provenance, no `evidence` plugin). The builder runs on that as a subprocess; then
the print page is assembled from the built pages, the manifest is written and the gate reads
the finished site, whoever built it.
"""

from __future__ import annotations

import dataclasses
import html
import importlib.util
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from . import pipeline
from .core import markup, mkdocs_yml, yamlio
from .core.evidence import Evidence
from .core.loader import MARKDOWN, type_for, walk
from .core.model import Finding
from .core.options.publish import NEVER_ASSETS
from .core.schemas import SchemaSet
from .core.settings import Settings
from .pages import dashboard, printing
from .publish import gate, manifest, site_config, withhold


@dataclass(frozen=True)
class Builder:
    """A static site builder that reads `mkdocs.yml`, run as `python -m MODULE build`."""

    name: str
    distribution: str
    search_index: str
    """Where its search index is written below the site."""


BUILDERS: dict[str, Builder] = {
    builder.name: builder
    for builder in (
        Builder("mkdocs", "mkdocs", "search/search_index.json"),
        Builder("properdocs", "properdocs", "search/search_index.json"),
        Builder("zensical", "zensical", "search.json"),
    )
}

STAGED_CONFIG = "mkdocs.yml"
STAGED_DOCS = "docs"
# Zensical wants the site inside the project: it is built there, then moved.
STAGED_SITE = "site"
INSTALL_HINT = "pip install 'evidence-kit[builders]'"


class BuildError(Exception):
    """The builder is missing, refused the site or failed; `output` is what it printed."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


@dataclass
class Result:
    """One `evidence-kit build`: every finding (the pipeline's, then the gate's)."""

    evidence: Evidence
    site_dir: Path
    built: bool
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the config text lost to redaction, without the values."""

    @property
    def failed(self) -> bool:
        return not self.built or any(f.is_error for f in self.findings)


def build(
    settings: Settings,
    builder: Builder,
    config_file: Path,
    site_dir: Path,
    schemas: SchemaSet | None = None,
    as_of: str = "",
) -> Result:
    """Run the pipeline; unless it found errors, stage the site, build it with `builder`
    into `site_dir`, add the print page, write the manifest and run the gate (audit edition).
    `as_of` is the day a checkout of the past was taken as of (footer and manifest say it).
    Raises BuildError when the builder cannot build, ConfigFileError for an unusable config."""
    config = mkdocs_yml.load_whole(config_file)
    evidence = pipeline.run(settings, schemas)
    result = Result(evidence, site_dir, built=False, findings=list(evidence.findings))
    if evidence.errors:
        # Fail closed: nothing is built from a tree with errors.
        return result
    _check_builder(builder)
    _clear(site_dir, settings)
    origin = manifest.provenance(settings)
    origin = dataclasses.replace(
        origin,
        tools={**origin.tools, builder.name: metadata.version(builder.distribution)},
        as_of=as_of,
    )
    with tempfile.TemporaryDirectory(prefix="evidence-kit-stage-") as folder:
        stage = Path(folder)
        staged, result.notes = builder_config(config, evidence, origin)
        directory_urls = config.get("use_directory_urls", True) is not False
        pages = stage_docs(evidence, stage / STAGED_DOCS, directory_urls)
        (stage / STAGED_CONFIG).write_text(mkdocs_yml.dump_whole(staged), encoding="utf-8")
        _run(builder, stage)
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(stage / STAGED_SITE, site_dir)
    write_print_page(site_dir, staged, pages, origin)
    manifest.write(site_dir, manifest.build(evidence, site_dir, origin))
    result.built = True
    if settings.publish.audit:
        result.findings.extend(gate.scan(site_dir, settings, settings.rel(site_dir)))
    return result


# ---------------------------------------------------------------- staging


def stage_docs(evidence: Evidence, docs: Path, directory_urls: bool = True) -> dict[str, str]:
    """Write what the edition publishes into `docs`; returns each page's src_uri -> the
    title its front matter gives ("" when none). The links of generated HTML blocks point
    at the pages' URLs (`directory_urls` as the config says)."""
    settings = evidence.settings
    publication = evidence.publication
    tree = evidence.tree
    sources: dict[str, str] = {}
    pages: dict[str, str] = {}
    for src_uri, path in walk(settings):
        if not publication.publishes(src_uri) or src_uri in tree.data:
            continue
        if src_uri.endswith(MARKDOWN):
            page = pipeline.page(evidence, src_uri)
            if page is None:
                continue
            sources[src_uri] = pipeline.source_of(page)
            title = page.meta.get("title")
            pages[src_uri] = title if isinstance(title, str) else ""
        elif _asset(src_uri, settings):
            target = docs / src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    generated = {
        **evidence.generated,
        **dashboard.assets(),
        printing.STYLESHEET: printing.stylesheet(),
        # Written after the build from the built pages; staged now so links to it resolve.
        printing.PRINT_PAGE: "",
    }
    published = {*pages, *(uri for uri in generated if uri.endswith(MARKDOWN))}
    for src_uri, content in (*sources.items(), *generated.items()):
        if src_uri.endswith(MARKDOWN):
            content = _page_links(src_uri, content, published, directory_urls)
            if src_uri not in pages:
                pages[src_uri] = _front_matter_title(content)
        _write(docs / src_uri, content)
    return pages


def _page_links(src_uri: str, content: str, published: set[str], directory_urls: bool) -> str:
    """`content` with the links of its generated blocks at the URLs the builder gives the
    pages: no builder reads a link in raw HTML (see `markup.html_link`)."""
    folder = posixpath.dirname(src_uri)
    here = page_url(src_uri, directory_urls)
    base = "/" + (here if here.endswith("/") or not here else posixpath.dirname(here))

    def url_of(path: str) -> str | None:
        target = posixpath.normpath(posixpath.join(folder, path))
        if target not in published:
            return None
        url = page_url(target, directory_urls)
        relative = posixpath.relpath("/" + url, base)
        return quote(relative + "/" if url.endswith("/") or not url else relative)

    return markup.page_links(content, url_of)[0]


def _asset(src_uri: str, settings: Settings) -> bool:
    """An allowed asset: its type allowed, not a data type, not typed, not private."""
    name = posixpath.basename(src_uri)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    publish = settings.publish
    return (
        ext in publish.allowed_assets
        and ext not in NEVER_ASSETS
        and not type_for(src_uri, settings.types)
        and not type_for(src_uri, {p: "private" for p in publish.private_files})
    )


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def _front_matter_title(source: str) -> str:
    if not source.startswith("---\n"):
        return ""
    end = source.find("\n---", 4)
    try:
        meta = yamlio.data(source[4:end]) if end > 0 else None
    except yaml.YAMLError:
        return ""
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else ""


def builder_config(
    config: dict[str, Any], evidence: Evidence, origin: manifest.Provenance
) -> tuple[dict[str, Any], list[str]]:
    """The config the builder reads from the staging folder, and what its text lost to
    redaction: the plugin's changes to the config made in advance."""
    settings = evidence.settings
    staged = dict(config)
    staged["docs_dir"] = STAGED_DOCS
    staged["site_dir"] = STAGED_SITE
    if "plugins" in staged:
        staged["plugins"] = mkdocs_yml.without_plugin(staged["plugins"])
    staged["extra_css"] = _with(staged.get("extra_css"), dashboard.STYLESHEET)
    staged["extra_javascript"] = _with(staged.get("extra_javascript"), dashboard.SCRIPT)
    # Paths the builder reads relative to the config, which now lives elsewhere.
    theme = staged.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        staged["theme"] = {**theme, "custom_dir": str(settings.root / theme["custom_dir"])}
    if isinstance(staged.get("hooks"), list):
        staged["hooks"] = [str(settings.root / h) for h in staged["hooks"]]
    staged.pop("watch", None)
    notes = site_config.publish_config(
        staged, settings.publish, origin.commit, origin.build_date, origin.modified, origin.as_of
    )
    if staged.get("nav"):
        staged["nav"] = withhold.prune_nav(staged["nav"], evidence.publication.withheld)
    return staged, [f"{settings.config_file}: {note}" for note in notes]


def _with(items: Any, item: str) -> list[Any]:
    result = list(items) if isinstance(items, list) else []
    if item not in (str(i) for i in result):
        result.append(item)
    return result


def _check_builder(builder: Builder) -> None:
    if importlib.util.find_spec(builder.name) is None:
        raise BuildError(f"{builder.name} is not installed; install it with {INSTALL_HINT}")


def _clear(site_dir: Path, settings: Settings) -> None:
    """Empty the site folder, so no file of an earlier build is published with this one;
    refused when it holds the project or its evidence."""
    site = site_dir.resolve()
    for kept in (settings.root.resolve(), settings.docs_dir.resolve()):
        if site == kept or site in kept.parents:
            raise BuildError(f"the site folder {site_dir} holds {kept}; choose another one")
    if site.is_dir():
        shutil.rmtree(site)


def _run(builder: Builder, stage: Path) -> None:
    args = [sys.executable, "-m", builder.name, "build", "-f", STAGED_CONFIG, "--strict"]
    proc = subprocess.run(
        args,
        cwd=stage,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"},
        check=False,
    )
    if proc.returncode != 0:
        raise BuildError(
            f"{builder.name} build failed (exit {proc.returncode})", proc.stdout + proc.stderr
        )


# ---------------------------------------------------------------- the print page


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The URL of a page below the site, as MkDocs gives it (`a/b/`, `a/b.html`, ``)."""
    stem, _ = posixpath.splitext(src_uri)
    folder, name = posixpath.split(stem)
    index = name.lower() in ("index", "readme")
    if index:
        if directory_urls:
            return f"{folder}/" if folder else ""
        return posixpath.join(folder, "index.html")
    if directory_urls:
        return f"{stem}/"
    return f"{stem}.html"


def _output(url: str) -> str:
    return url + "index.html" if url == "" or url.endswith("/") else url


def nav_entries(nav: Any) -> Iterator[tuple[str, str]]:
    """(src_uri, title or "") of every page of a `nav` config, in order."""
    if isinstance(nav, list):
        for item in nav:
            yield from nav_entries(item)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                if value.endswith(MARKDOWN) and "://" not in value:
                    yield value.lstrip("/"), str(title)
            else:
                yield from nav_entries(value)
    elif isinstance(nav, str) and nav.endswith(MARKDOWN) and "://" not in nav:
        yield nav.lstrip("/"), ""


_ARTICLE = re.compile(r"<article\b[^>]*>")
_ARTICLE_TAG = re.compile(r"<(/?)article\b[^>]*>")
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
# Zensical opens the article with an empty skip-link target.
_EMPTY_ANCHORS = re.compile(r"\A\s*(?:<a\b[^>]*>\s*</a>\s*)+")


def article(page_html: str) -> str:
    """The content of a built page: its (first) `<article>`, else its body."""
    start = _ARTICLE.search(page_html)
    if start is None:
        body = _BODY.search(page_html)
        return body.group(1) if body else page_html
    depth = 1
    for tag in _ARTICLE_TAG.finditer(page_html, start.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return _EMPTY_ANCHORS.sub("", page_html[start.end() : tag.start()]).strip() + "\n"
    return page_html[start.end() :]


def _h1_text(content: str) -> str:
    found = _H1.search(content)
    if found is None:
        return ""
    return " ".join(html.unescape(_TAGS.sub("", _HEADERLINK.sub("", found.group(1)))).split())


def write_print_page(
    site_dir: Path, config: dict[str, Any], pages: dict[str, str], origin: manifest.Provenance
) -> None:
    """`print/index.html` from the built pages, in nav order, as the plugin makes it."""
    directory_urls = config.get("use_directory_urls", True) is not False
    nav = list(nav_entries(config.get("nav")))
    nav_titles = {src_uri: title for src_uri, title in nav if title}
    printed = []
    for src_uri, meta_title in sorted(pages.items()):
        url = page_url(src_uri, directory_urls)
        built = site_dir / _output(url)
        if not built.is_file():
            continue
        content = article(built.read_text(encoding="utf-8"))
        stem = posixpath.splitext(posixpath.basename(src_uri))[0]
        title = nav_titles.get(src_uri) or meta_title or _h1_text(content) or stem
        printed.append(printing.PrintedPage(title, url, content))
    nav_urls = [page_url(src_uri, directory_urls) for src_uri, _ in nav]
    parts = printing.parts(
        str(config.get("site_name") or ""),
        origin.build_date,
        origin.commit_label(),
        printing.order(printed, nav_urls),
        description=str(config.get("site_description") or ""),
        stylesheets=[str(css) for css in config.get("extra_css") or []],
    )
    printing.write(site_dir / printing.PRINT_PAGE, parts)
