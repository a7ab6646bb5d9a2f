"""MkDocs glue for the evidence engine; the rules themselves live in plain modules.

Hooks used, and why:
- on_config: turn options into engine settings; list the review script and stylesheet
  (generated assets, nothing external). `mkdocs serve` keeps this instance, so every build
  starts from fresh state here.
- on_files: run the engine on the raw files (never `page.meta`, which MkDocs fills
  leniently), in a child process where one can be forked (`pipeline.release`); withhold
  what must not be published, add generated pages and assets.
- on_page_read_source: hand MkDocs each document's body with its placeholders filled and,
  last, redacted for the audience (`pipeline.page`), as the child makes them; log every
  finding as soon as it arrives (the child runs the checks once the pages are made), and
  hand over the reports made from them (read last).
- on_page_markdown (first of all plugins): give the page its front matter as the engine
  read it, rather than written as YAML for MkDocs to parse again; point the links of
  generated HTML blocks at the pages' URLs.
- on_page_content, on_post_page (last of all plugins): let go of our pages' markdown once
  rendered and their HTML once written.
- on_nav, on_env: the nav order and the rendered pages, for the print version (on_env is
  the first moment every page is rendered), which a child process writes from them while
  MkDocs writes the pages (`core.isolated`); what the run says of the evidence, and the
  end of the run.
- on_env, on_post_page: in the audit edition, start the gate's helper process
  (`publish.prescan`) and hand it each page once MkDocs has written it, and the print
  version once it is written.
- on_env, on_post_page: hand what Material's search index reads of every page to another
  process, started once the print version is written, which makes the index while MkDocs
  writes the pages (`material_search`); in the audit edition, hand the index it made to the
  gate's helper. Material's plugin writes it in its on_post_build.
- on_post_build, first: wait for the print version if it is not written yet, and take from
  the helper the pages it found clean. Last: write the manifest; then run the post-build
  gate on the finished site; fail the build (PluginError, last, after every finding is
  printed) when the gate finds anything in the audit edition, or, with --strict, when there
  is any error finding. MkDocs' own --strict counts warnings, and -q hides them from it, so
  the plugin counts its own errors.
- on_build_error: a build that fails part way stops the run, the print version's child and
  the helper, and leaves no draft of the print version.
- on_serve: rebuild when the project's own schemas change.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import TableOfContents

from . import material_search, pipeline
from .config import EvidenceConfig
from .core import clock, isolated, markup, mkdocs_yml
from .core.model import Finding, SchemaError
from .core.settings import Settings, SettingsError
from .pages import dashboard, printing
from .publish import gate, manifest, prescan, site_config, withhold

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = get_plugin_logger("evidence")


class _GeneratedHtml(Preprocessor):
    """Stash each block the pipeline generated as HTML (`markup.GENERATED`), whole:
    Python-Markdown would parse every tag of it only to pass it through. Runs after fenced
    code is stashed (25) and before raw HTML blocks are read (20), so a line in a code
    block is never taken."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            closing = markup.GENERATED.get(line)
            end = _index(lines, closing, index + 1) if closing is not None else None
            if end is not None:
                out.append(self.md.htmlStash.store("\n".join(lines[index : end + 1])))
                index = end + 1
                continue
            out.append(line)
            index += 1
        return out


def _index(lines: list[str], line: str, start: int) -> int | None:
    """Where `line` next is in `lines` from `start`, if anywhere."""
    try:
        return lines.index(line, start)
    except ValueError:
        return None


class GeneratedHtml(Extension):
    """The Markdown extension the plugin adds: see `_GeneratedHtml`."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_GeneratedHtml(md), "evidence_generated_html", 22)


def _report(findings: Iterable[Finding]) -> int:
    """Errors as warnings, so `--strict` fails on them; warnings as INFO, so it does not.
    Under -q (the log shows errors only) errors are logged as errors, so the reader still
    sees what failed the build. Returns the number of errors."""
    errors = 0
    quiet = not log.isEnabledFor(logging.WARNING)
    for finding in findings:
        if finding.is_error:
            errors += 1
            if quiet:
                log.error(str(finding))
            else:
                log.warning(str(finding))
        else:
            log.info(str(finding))
    return errors


def _quarantine(site: Path) -> None:
    """Remove everything the build wrote: a site the gate rejects must not be deployable."""
    for path in site.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _read_order(src_uri: str) -> tuple[tuple[str, ...], bool, str]:
    """A key sorting src_uris in the order MkDocs reads the pages (its `get_files` walk:
    a folder's own files before its subfolders', its index first)."""
    path = PurePosixPath(src_uri)
    return path.parts[:-1], path.stem not in ("index", "README"), path.name


class EvidencePlugin(BasePlugin[EvidenceConfig]):
    """Validate, fill and publish an evidence tree."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.publishing: pipeline.Publishing | None = None
        self.metas: dict[str, dict[str, Any]] = {}
        self.origin: manifest.Provenance | None = None
        self.print_file: File | None = None
        self.printing: isolated.Stream[None] | None = None
        """The print version being written (to `_print_draft`, until it is done)."""
        self.ours: frozenset[str] = frozenset()
        self.later: frozenset[str] = frozenset()
        self.reported = False
        self.rendered: list[Page] = []
        self.described: dict[str, Any] | None = None
        self.summary = ""
        self.nav_urls: list[str] = []
        self.prescan: prescan.Prescan | None = None
        self.search: material_search.Offloaded | None = None
        """Material's search index, made by another process (`material_search`)."""
        self.search_handed = False
        """Whether the gate's helper has been given the search index the process made."""
        self.written: tuple[str, str] | None = None
        self.clean: dict[str, str] = {}
        self.errors = 0

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Build the engine's settings for this build."""
        self._stop()
        self.settings = self.origin = self.print_file = self.described = None
        self.metas = {}
        self.ours = self.later = frozenset()
        self.reported = False
        self.rendered = []
        self.summary = ""
        self.nav_urls = []
        self.written = None
        self.clean = {}
        self.errors = 0
        if not self.config.enabled:
            return None
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        try:
            today = clock.today()
            self.settings = pipeline.settings(
                dict(self.config),
                root=config_file.parent,
                docs_dir=Path(config.docs_dir).resolve(),
                today=today,
                config_file=config_file.name,
                option_marks=mkdocs_yml.read_marks(config_file),
            )
        except (SettingsError, clock.ClockError) as exc:
            raise PluginError(f"evidence: invalid plugin options: {exc}") from None
        if not any(isinstance(e, GeneratedHtml) for e in config.markdown_extensions):
            # Typed as names; Python-Markdown takes instances too, as MkDocs' own are.
            config.markdown_extensions.append(GeneratedHtml())  # type: ignore[arg-type]
        if dashboard.STYLESHEET not in config.extra_css:
            config.extra_css.append(dashboard.STYLESHEET)
        if dashboard.SCRIPT not in (str(script) for script in config.extra_javascript):
            config.extra_javascript.append(dashboard.SCRIPT)
        self.origin = origin = manifest.provenance(self.settings)
        redacted = site_config.publish_config(
            config, self.settings.publish, origin.commit, origin.build_date, origin.modified
        )
        for message in redacted:
            log.info(f"{self.settings.config_file}: {message}")
        # Now rather than once MkDocs has listed the files: the build waits for the run's
        # start (`on_files`), and the run needs nothing MkDocs finds.
        self.publishing = pipeline.release(self.settings, origin, _read_order)
        return None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Check the whole tree, report every finding, withhold and generate pages."""
        if self.settings is None or self.publishing is None:
            return None
        try:
            if self.settings.publish.audit:
                # While the run reads the tree, rather than once the site is written.
                gate.warm(self.settings.publish)
            release = self.publishing.release
        except SchemaError as exc:
            raise PluginError(f"evidence: {exc}") from None
        for src_uri in (*sorted(release.unpublished), *sorted(release.data)):
            file = files.get_file_from_path(src_uri)
            if file is None:
                continue
            if src_uri in release.withheld:
                # Excluded, not removed: a link to it is our `link-withheld` error rather
                # than MkDocs' "not found" warning.
                file.inclusion = InclusionLevel.EXCLUDED
            else:
                files.remove(file)
        config.nav = withhold.prune_nav(config.nav, release.withheld)
        for src_uri, content in (*release.generated.items(), *dashboard.assets().items()):
            files.append(File.generated(config, src_uri, content=content))
        for src_uri in sorted(release.later):
            # Their content comes with the findings (`on_page_read_source`, `on_env`).
            files.append(File.generated(config, src_uri, content=""))
        if files.get_file_from_path(printing.PRINT_PAGE) is None:
            # Written in on_post_build; added now so links to it resolve.
            self.print_file = File.generated(config, printing.PRINT_PAGE, content="")
            files.append(self.print_file)
            css = printing.stylesheet()
            files.append(File.generated(config, printing.STYLESHEET, content=css))
        else:
            log.warning(f"{printing.PRINT_PAGE} exists in docs_dir; the print version is not made")
        self.later = release.later
        self.ours = frozenset((*release.documents, *release.generated, *release.later))
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        """Remember the nav order for the print version."""
        self.nav_urls = [page.url for page in nav.pages]

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> None:
        """Every page is rendered: keep them for the print version, and what the run says
        of the evidence; the run is over."""
        if self.publishing is None:
            return
        self.rendered = [file.page for file in files.documentation_pages() if file.page]
        self._report_findings(wait=True)
        for src_uri in sorted(self.later):
            file = files.get_file_from_path(src_uri)
            if file is not None and not file.is_documentation_page():
                # A file made late that is no page (the review calendar): MkDocs copies it
                # after this event, with what it holds now.
                file.content_string = self.publishing.later(src_uri) or ""
        account = self.publishing.account()
        self.publishing = None
        self.described, self.summary = account.described, account.summary
        search = material_search.plugin_of(config)
        if search is not None:
            # Before the fork: handing the pages over touches every one of them, which
            # would copy the memory they share with the child.
            rendered = [page for page in self.rendered if page.content is not None]
            self.search = material_search.Offloaded.start(search, rendered)
            self.search_handed = False
        # Forked before the helper starts: the child holds none of its pipes.
        self._start_print_version(config)
        if self.settings is not None and self.settings.publish.audit:
            # Now, not earlier: the pipeline's child process has ended, and the pages are
            # about to be written.
            self.prescan = prescan.Prescan.start(self.settings.publish)
        if self.search is not None and (self.printing is None or not isolated.can_fork()):
            self.search.spawn()

    def _start_print_version(self, config: MkDocsConfig) -> None:
        """Have a child process write the print version from the rendered pages while MkDocs
        writes them (`core.isolated`; here, when it is asked for, where none can be forked).
        It writes a draft beside the page: MkDocs copies the empty placeholder over the page
        after this event."""
        if self.print_file is None or self.origin is None:
            return
        pages = [
            printing.PrintedPage(page.title or "", page.url, page.content)
            for page in self.rendered
            if page.content is not None
        ]
        parts = printing.parts(
            config.site_name,
            self.origin.build_date,
            self.origin.commit_label(),
            printing.order(pages, self.nav_urls),
            description=config.site_description or "",
            stylesheets=[str(css) for css in config.extra_css],
        )
        draft = self._print_draft()

        def write() -> Iterator[None]:
            printing.write(draft, parts)
            yield None

        self.printing = isolated.stream(write)

    def _print_draft(self) -> Path:
        """Where the child writes the print version, beside the page."""
        assert self.print_file is not None
        target = Path(self.print_file.abs_dest_path)
        return target.with_name(f".{target.name}.draft")

    def _finish_print_version(self, *, wait: bool) -> None:
        """Once the child has written the print version (with `wait`, once it has), put it
        in place and hand it to the gate's helper."""
        if self.printing is None or self.print_file is None:
            return
        if not self.printing.ready():
            if not wait:
                return
            self.printing.next()
        self.printing.close()
        self.printing = None
        os.replace(self._print_draft(), self.print_file.abs_dest_path)
        if self.prescan is not None:
            self.prescan.add(self.print_file.dest_uri, self.print_file.abs_dest_path)
        if self.search is not None:
            # Only now: while the print version's child lives, it holds a copy of much of
            # this process's memory, and the search index's process would add its own.
            self.search.spawn()

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """The document's markdown with placeholders filled, or that of a page made late;
        None for pages not ours."""
        src_uri = page.file.src_uri
        if page.file.generated_by and src_uri not in self.later:
            return None
        if self.publishing is None:
            if self.described is not None:
                # The run is over after on_env: the raw file must not be published unchecked.
                raise PluginError(f"evidence: {src_uri} was read after every page was rendered")
            return None
        if src_uri in self.later:
            self._report_findings(wait=True)
            return self.publishing.later(src_uri)
        result = self.publishing.page(src_uri)
        self._report_findings(wait=False)
        if result is None:
            return None
        # The front matter is handed over as read (on_page_markdown), not written as YAML
        # for MkDocs' pure-Python parser to read again: half a second at 2,000 pages.
        self.metas[page.file.src_uri] = result.meta
        return pipeline.body_source(result.body)

    def _report_findings(self, *, wait: bool) -> None:
        """Log every finding once (they arrive after the pages are made); with `wait`, wait
        for them."""
        if self.publishing is None or self.reported:
            return
        if wait or self.publishing.checked:
            self.errors += _report(self.publishing.findings())
            self.reported = True

    # First, so that every other plugin sees the page's front matter.
    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give our pages their front matter; point the links of our generated HTML blocks at
        the pages' URLs (MkDocs rewrites the links of markdown, not those of raw HTML)."""
        meta = self.metas.pop(page.file.src_uri, None)
        if meta is not None:
            page.meta = meta
        if markup.GENERATED_MARK not in markdown or page.file.src_uri not in self.ours:
            return None
        folder = posixpath.dirname(page.file.src_uri)

        def url_of(path: str) -> str | None:
            target = files.src_uris.get(posixpath.normpath(posixpath.join(folder, path)))
            return None if target is None else target.url_relative_to(page.file)

        resolved, unknown = markup.page_links(markdown, url_of)
        for path in unknown:
            log.warning(f"{page.file.src_uri}: a generated link to {path} names no page")
        return resolved

    # Last, so that every other plugin has read the page before it is let go.
    @event_priority(-100)
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Let go of our own pages' markdown once it is rendered: nothing reads it again."""
        if page.file.src_uri in self.ours:
            # Empty, not None: MkDocs has no title for a page without markdown, and the nav
            # of every later page shows this one's.
            page.markdown = ""
        return None

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        """Let go of our own pages' HTML, which nothing reads once the page is written (the
        print version has it already); put the print version in place once it is written."""
        if self.print_file is not None and page.file.src_uri in self.ours:
            page.content = None
        # MkDocs writes the page after this event: the gate's helper reads the one before.
        self._hand_written()
        self._finish_print_version(wait=False)
        self._hand_search_index(wait=False)
        if self.prescan is not None:
            self.written = (page.file.dest_uri, page.file.abs_dest_path)
        return None

    def _hand_search_index(self, *, wait: bool) -> None:
        """Once the search index is made (with `wait`, once it is), give it to the gate's
        helper: Material's plugin writes it as made (`material_search`)."""
        if self.search is None or self.search_handed or not self.search.made(wait=wait):
            return
        self.search_handed = True
        if self.prescan is not None and self.search.counts is not None:
            self.prescan.add(material_search.SITE_PATH, self.search.draft)

    def _hand_written(self) -> None:
        """Give the gate's helper the last page written."""
        if self.prescan is not None and self.written is not None:
            self.prescan.add(*self.written)
        self.written = None

    # First, once every page is written: the helper has the print version and the search
    # index's process's index to read, and ends before Material's plugin writes the index.
    @event_priority(100)
    def _take_clean(self, *, config: MkDocsConfig) -> None:
        """Put the print version in place once it is written, and hand the helper the search
        index once it is made; take from the gate's helper the pages it found clean."""
        self._hand_written()
        self._finish_print_version(wait=True)
        self._hand_search_index(wait=True)
        if self.prescan is not None:
            self.clean = self.prescan.clean()
            self.prescan = None

    # Last: the search index and the sitemap must be written before they are hashed and scanned.
    @event_priority(-100)
    def _check_site(self, *, config: MkDocsConfig) -> None:
        """Write the manifest; in the audit edition, run the gate over the finished site.
        Fail the build, after every finding is printed, on a gate finding (any mode) or on
        an error finding (--strict)."""
        if self.search is not None:
            self.search.close()
            self.search = None
        if self.settings is None or self.described is None or self.origin is None:
            return
        site = Path(config.site_dir)
        written = manifest.write(site, manifest.finish(self.described, site))
        log.info(self.summary)
        # Every page is on disk: what MkDocs keeps of them need not stay in memory while the
        # gate reads the site (plugins that read it run before this one, at priority -100).
        for page in self.rendered:
            page.content = page.markdown = None
            page.meta, page.toc = {}, TableOfContents([])
        self.rendered = []
        if self.settings.publish.audit:
            found = gate.scan(site, self.settings, self.settings.rel(site), self.clean)
            self.errors += _report(found)
            if found:
                # Not only the manifest: a deploy step that ignores the exit code would
                # still publish the leaking pages.
                _quarantine(site)
                problems = markup.count(len(found), "problems")
                raise PluginError(
                    f"evidence: the post-build gate found {problems} in "
                    f"the audit edition (listed above); {self.settings.rel(site)}/ was emptied "
                    "so that nothing of it can be deployed"
                )
        if config.strict and self.errors:
            # The pages stay for inspection; without a manifest `evidence-kit scan` and
            # `verify` refuse the site.
            written.unlink()
            raise PluginError(
                f"evidence: {markup.count(self.errors, 'errors')} in the evidence (listed above); "
                "aborted in strict mode, and the site has no manifest"
            )

    on_post_build = CombinedEvent(_take_clean, _check_site)

    def on_build_error(self, *, error: Exception) -> None:
        """A build that fails part way stops the run and the print version (their child
        processes)."""
        self._stop()

    def _stop(self) -> None:
        if self.publishing is not None:
            self.publishing.close()
        self.publishing = None
        if self.printing is not None:
            # A build that failed while the child wrote: its draft goes too.
            self.printing.close()
            if self.print_file is not None:
                self._print_draft().unlink(missing_ok=True)
        self.printing = None
        if self.prescan is not None:
            self.prescan.close()
        self.prescan = None
        if self.search is not None:
            self.search.close()
        self.search = None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> None:
        """Watch the project's schema folder too."""
        if self.settings is not None and self.settings.schemas_dir is not None:
            server.watch(str(self.settings.schemas_dir))
