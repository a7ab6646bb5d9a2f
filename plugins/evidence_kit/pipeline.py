"""The one place the stages are composed; both front doors call it.

load -> parse -> validate -> fill -> assess (review statuses, then what is published,
then every rule) -> render pages -> redact. After the build: manifest -> gate (`publish.gate`).
Each stage reads what the stages before it produced and changes nothing they made, so the
rules can run in any order.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from . import registry
from .core import fill, isolated
from .core.evidence import Evidence, Page
from .core.loader import load_tree
from .core.model import Document, Finding
from .core.settings import Settings, build_settings
from .core.yamlio import reads_as_metadata
from .pages import calendar as calendar_pages
from .pages import controls as controls_pages
from .pages import dashboard, oncall, publication
from .pages import incidents as incident_pages
from .pages import restore as restore_pages
from .publish import findings as publication_findings
from .publish import manifest, redact, withhold
from .rules import controls, files, incidents, placeholders, review, schema
from .rules import oncall as oncall_rules
from .rules import restore as restore_rules

if TYPE_CHECKING:
    from .core.schemas import SchemaSet

# libyaml's emitter: the pure-Python one was a sixth of an audit build of 2,000 pages.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

Check = Callable[[Evidence], list[Finding]]
Generator = Callable[[Evidence], dict[str, str]]
PageTransform = Callable[[Evidence, Document, Page], Page]

CHECKS: tuple[Check, ...] = (
    files.check,
    placeholders.check,
    review.check,
    incidents.check,
    oncall_rules.check,
    controls.check,
    restore_rules.check,
    publication_findings.check,
)
"""Every rule module's check over the assessed tree (schema validation runs before them)."""
GENERATORS: tuple[Generator, ...] = (oncall.pages, dashboard.pages, restore_pages.pages)
"""Pages made from the tree before the documents' pages: quick ones, and ones that the
pages named later may list."""


@dataclass(frozen=True)
class Named:
    """Pages named before they are made, so that a build can list them before it has them,
    and read them last."""

    names: Callable[[Evidence], Iterable[str]]
    pages: Generator


# The controls pages list the pages generated before them.
LATER: tuple[Named, ...] = (
    Named(calendar_pages.names, calendar_pages.pages),
    Named(incident_pages.names, incident_pages.pages),
    Named(controls_pages.names, controls_pages.pages),
)
"""Pages made from the tree after the documents' pages: a third of the run's start, which a
build waits for, at 2,000 documents."""
REPORTS: tuple[Named, ...] = (Named(publication.names, publication.pages),)
"""Pages made from the findings (what was redacted), once the checks have run."""
PAGE_TRANSFORMS: tuple[PageTransform, ...] = (
    dashboard.evidence_card,
    incident_pages.postmortem_tables,
)
"""Changes to a document's own page after its placeholders are filled; redaction comes last."""


# The plugin options checked and turned into `Settings` (raises SettingsError), with the
# detector rules that `publish: rules:` and `publish: allow:` may name and the rules a
# waiver may name.
settings = functools.partial(
    build_settings,
    detector_rules=registry.DETECTOR_RULE_IDS,
    waivable_rules=registry.WAIVABLE_RULE_IDS,
)


def load_schemas(settings: Settings) -> SchemaSet:
    """The shipped schemas plus the project's own; raises SchemaError for a broken one."""
    # Imported here: jsonschema and the compiled schemas take megabytes that a build, whose
    # pipeline runs in a child process (`release`), should not keep for its length.
    from .core.schemas import SchemaSet, builtin_dir

    folders = [builtin_dir()]
    if settings.schemas_dir:
        folders.append(settings.schemas_dir)
    return SchemaSet(folders, settings.incidents.severities)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    # The tree is kept whole and holds no cycles, so the cyclic collector would only scan
    # it again and again as it grows: ~15% more per document at 10,000 than at 1,000.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def assess(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """Load and check the whole evidence tree: every rule's findings, no pages (what
    `evidence-kit check` needs); never raises for bad input."""
    evidence = prepare(settings, schemas)
    run_checks(evidence)
    return evidence


def prepare(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """Load and validate the whole tree, assess its reviews and decide what it publishes:
    `assess` but the checks (the findings are the schema's so far)."""
    with _cyclic_gc_paused():
        schemas = schemas or load_schemas(settings)
        tree = load_tree(settings)
        evidence = Evidence(settings, schemas, tree, fill.resolve(settings, tree.data))
        evidence.findings, evidence.invalid = schema.validate(evidence)
        evidence.reviews = review.assess(evidence)
        evidence.decided = withhold.decide(evidence)
    return evidence


def run_checks(evidence: Evidence) -> None:
    """Every rule's findings over a `prepare`d tree, added to the schema's."""
    with _cyclic_gc_paused():
        found = list(evidence.findings)
        for check in CHECKS:
            found.extend(check(evidence))
        found = review.waive(evidence.settings, found)
        evidence.findings = sorted(set(found), key=Finding.sort_key)


def run(settings: Settings, schemas: SchemaSet | None = None) -> Evidence:
    """`assess`, then the pages made from the tree and the reports (what a build
    publishes), redacted last."""
    evidence = assess(settings, schemas)
    generators = (*GENERATORS, *(named.pages for named in (*LATER, *REPORTS)))
    evidence.generated = redact.generated_pages(evidence, generate(evidence, generators))
    return evidence


def generate(evidence: Evidence, generators: Iterable[Generator]) -> dict[str, str]:
    """The pages `generators` make, each added to `evidence.generated` as it is made (a
    generator may list those made before it); not yet redacted."""
    made: dict[str, str] = {}
    with _cyclic_gc_paused():
        for generator in generators:
            pages = generator(evidence)
            evidence.generated.update(pages)
            made.update(pages)
    return made


@dataclass(frozen=True)
class Release:
    """What a builder needs of a run before it reads any page: what is published, and the
    pages made from the tree."""

    withheld: frozenset[str]
    """Withheld documents: excluded from the build, so that a link to one is our finding."""
    unpublished: frozenset[str]
    data: frozenset[str]
    """The tree's data files: never published as files."""
    documents: frozenset[str]
    """The published documents: each has a `page` (`Publishing.page`)."""
    generated: dict[str, str]
    """The pages made before the documents' (`GENERATORS`)."""
    later: frozenset[str]
    """The pages made after them (`LATER`, `REPORTS`): each comes with the findings
    (`Publishing.later`)."""


@dataclass(frozen=True)
class Checked:
    """What a run sends once its pages are made: every finding, and the pages made later."""

    findings: list[Finding]
    later: dict[str, str]


@dataclass(frozen=True)
class Account:
    """What the build says of the evidence once it is built."""

    described: dict[str, Any]
    """The manifest but its files (`manifest.describe`)."""
    summary: str
    """The build log's line on what the edition left out."""


class Publishing:
    """A run as a builder reads it (`release`): the `Release` first, then each document's
    page, then what it `Checked`, then the `Account`."""

    def __init__(self, items: isolated.Stream[object]) -> None:
        self._items = items
        self._release: Release | None = None
        self._pages: dict[str, Page | None] = {}
        self._handed: set[str] = set()
        self._checked: Checked | None = None
        self._account: Account | None = None

    @property
    def release(self) -> Release:
        """What the run sends first; waits for it, and raises what the run raised
        (SchemaError for a broken schema)."""
        if self._release is None:
            first = self._items.next()
            if not isinstance(first, Release):  # pragma: no cover - the step sends it first
                raise TypeError(f"a release starts with its Release, not {type(first).__name__}")
            self._release = first
        return self._release

    def page(self, src_uri: str) -> Page | None:
        """The page of a published document (`page`); None for any other path. Each is
        handed once, and not kept: the builder holds it from then on."""
        if src_uri not in self.release.documents:
            return None
        if src_uri in self._handed:
            raise RuntimeError(f"{src_uri} was read twice in one build")
        for item in self._items.ready():  # take what arrived, so the child never waits
            self._take(item)
        while src_uri not in self._pages:
            self._take(self._items.next())
        self._handed.add(src_uri)
        return self._pages.pop(src_uri)

    @property
    def checked(self) -> bool:
        """Whether the findings have arrived (without waiting for them)."""
        for item in self._items.ready():
            self._take(item)
        return self._checked is not None

    def findings(self) -> list[Finding]:
        """Every finding of the run, once it has made the pages."""
        return self._wait_checked().findings

    def later(self, src_uri: str) -> str | None:
        """A page made after the documents' (`Release.later`); None for any other path."""
        if src_uri not in self.release.later:
            return None
        return self._wait_checked().later[src_uri]

    def _wait_checked(self) -> Checked:
        while self._checked is None:
            self._take(self._items.next())
        return self._checked

    def account(self) -> Account:
        """The `Account`, once the run has sent everything; the run is over then."""
        while self._account is None:
            self._take(self._items.next())
        self.close()
        return self._account

    def close(self) -> None:
        """Stop the run where it is (an unfinished build); idempotent."""
        self._items.close()
        self._pages.clear()

    def _take(self, item: object) -> None:
        if isinstance(item, Account):
            self._account = item
        elif isinstance(item, Checked):
            self._checked = item
        elif isinstance(item, tuple):
            src_uri, result = item
            self._pages[src_uri] = result
        else:  # pragma: no cover - the step below sends nothing else
            raise TypeError(f"a release sends no {type(item).__name__}")


def release(
    settings: Settings,
    origin: manifest.Provenance,
    read_order: Callable[[str], Any] | None = None,
) -> Publishing:
    """`run`, and every page made from it, in a child process where one can be forked
    (`core.isolated`): a build then never holds the tree (nor the schemas, compiled there),
    only what it publishes. The child makes the pages in `read_order` (a key sorting
    src_uris in the order the builder reads them; by src_uri without one) while the builder
    renders the first of them, on the other core. The slow generated pages (`LATER`) and
    the checks come after the documents' pages: the builder reads the generated pages last,
    and no document's page needs the findings. Returns at once: the builder may do other
    work while the run starts (`Publishing.release` waits)."""

    def step() -> Iterator[object]:
        evidence = prepare(settings)
        # Redacted copies: as in `run`, the pages made later list the ones before as made.
        first = redact.generated_pages(evidence, generate(evidence, GENERATORS))
        documents = [uri for uri, doc in evidence.tree.documents.items() if doc.publishable]
        documents.sort(key=read_order)
        later = [name for named in (*LATER, *REPORTS) for name in named.names(evidence)]
        yield Release(
            withheld=frozenset(evidence.publication.withheld),
            unpublished=frozenset(evidence.publication.unpublished),
            data=frozenset(evidence.tree.data),
            documents=frozenset(documents),
            generated=first,
            later=frozenset(later),
        )
        with _cyclic_gc_paused():
            for src_uri in documents:
                yield src_uri, page(evidence, src_uri)
        made = generate(evidence, (named.pages for named in LATER))
        run_checks(evidence)
        made.update(generate(evidence, (report.pages for report in REPORTS)))
        if made.keys() != set(later):
            # A page made but not named would be left out of the build without a word.
            raise RuntimeError(f"pages named {sorted(later)} but made {sorted(made)}")
        made = redact.generated_pages(evidence, made)
        # As `run` leaves it: every generated page as published.
        evidence.generated = {**first, **made}
        yield Checked(evidence.findings, made)
        yield Account(manifest.describe(evidence, origin), publication.summary(evidence))

    return Publishing(isolated.stream(step))


def page(evidence: Evidence, src_uri: str) -> Page | None:
    """The page of a publishable document: placeholders filled, transforms applied, then
    redacted and escaped for the audience."""
    doc = evidence.tree.documents.get(src_uri)
    if doc is None or not doc.publishable:
        return None
    result = Page(
        fill.fill_meta(doc.meta.value, evidence.values), fill.fill_body(doc.body, evidence.values)
    )
    for transform in PAGE_TRANSFORMS:
        result = transform(evidence, doc, result)
    return redact.transform(evidence, doc, result)


def source_of(result: Page) -> str:
    """A page as markdown with its front matter, as a builder reads a file."""
    if not result.meta:
        return body_source(result.body)
    # The meta is already escaped for HTML (redact.transform): themes print titles and
    # descriptions as they are.
    header = yaml.dump(
        result.meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000
    )
    return f"---\n{header}---\n\n{result.body}"


def body_source(body: str) -> str:
    """`body` as the builder should read it for a page without front matter: behind an
    empty header when its first line would otherwise be read as metadata."""
    return f"---\n{{}}\n---\n\n{body}" if reads_as_metadata(body) else body
