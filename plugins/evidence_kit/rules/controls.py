"""Controls: the catalogues documents cite, checked, and the auditor's matrix and index pages."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import yaml

from ..core import markup, yamlio
from ..core.model import Document, Finding, Severity
from ..pages.printing import PRINT_PAGE
from ..rules import incidents, review

if TYPE_CHECKING:
    from ..pipeline import Evidence

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"
MATRIX_PAGE = "controls.md"
INDEX_PAGE = "evidence-index.md"

REVIEW_STATUSES = frozenset({"current", "due-soon", "overdue", "review-required"})
"""Statuses of documents that are reviewed on a cadence; records (postmortems) have none."""
STALE_STATUSES = frozenset({"overdue"})

# CATALOGUE:ID; the schema's `control` pattern checks the finer form.
_REF = re.compile(r"^([A-Z0-9]+):(\S+)$")


@dataclass(frozen=True)
class Control:
    """One control of a catalogue: `SOC2` + `CC7.3` + what it asks."""

    catalogue: str
    id: str
    title: str

    @property
    def ref(self) -> str:
        """How documents cite it: `SOC2:CC7.3`."""
        return f"{self.catalogue}:{self.id}"


@dataclass(frozen=True)
class Catalogue:
    """A control framework shipped as data (`catalogues/*.yml`)."""

    id: str
    name: str
    controls: tuple[Control, ...]

    def get(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)


@lru_cache(maxsize=1)
def catalogues() -> dict[str, Catalogue]:
    """The shipped catalogues by id, in file-name order."""
    found = {}
    for path in sorted(CATALOGUE_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cat_id = str(data["id"])
        controls = tuple(Control(cat_id, str(c["id"]), str(c["title"])) for c in data["controls"])
        found[cat_id] = Catalogue(cat_id, str(data["name"]), controls)
    return found


def _all_catalogues() -> tuple[str, ...]:
    return tuple(catalogues())


@dataclass(frozen=True)
class ControlScope:
    """The `controls` plugin option: which catalogues the matrix covers, in order."""

    catalogues: tuple[str, ...] = field(default_factory=_all_catalogues)


def parse_scope(options: Any, errors: list[str]) -> ControlScope:
    """`controls: {catalogues: [SOC2, ISO27001]}`; problems are appended to `errors`."""
    if options is None or options == {}:
        return ControlScope()
    if not isinstance(options, Mapping):
        errors.append("controls: expected a mapping, e.g. {catalogues: [SOC2, ISO27001]}")
        return ControlScope()
    for key in sorted(set(options) - {"catalogues"}, key=str):
        errors.append(f"controls: unknown option {key!r}; the only option is catalogues")
    chosen = options.get("catalogues")
    if chosen is None:
        return ControlScope()
    known = catalogues()
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        errors.append("controls: catalogues: expected a list of catalogue ids, e.g. [SOC2]")
        return ControlScope()
    for name in chosen:
        if name not in known:
            errors.append(
                f"controls: catalogues: {name!r} is not a shipped catalogue; "
                f"use {' or '.join(sorted(known))}"
            )
    return ControlScope(tuple(dict.fromkeys(c for c in chosen if c in known)))


def unknown_control(ref: str, known: Mapping[str, Catalogue]) -> str:
    """Why `ref` names no control, with a guess; empty when it does."""
    cat_id, _, control_id = ref.partition(":")
    catalogue = known.get(cat_id)
    if catalogue is not None and catalogue.get(control_id) is not None:
        return ""
    # The same id in another catalogue is the likeliest slip (`SOC2:A.5.26`).
    guesses = [c.ref for other in known.values() if (c := other.get(control_id)) is not None]
    if catalogue is None:
        names = difflib.get_close_matches(cat_id, sorted(known), n=1, cutoff=0.6)
        guesses += [f"{name}:{control_id}" for name in names]
        hint = f"did you mean {guesses[0]}?" if guesses else f"use {' or '.join(sorted(known))}"
        return f"unknown control catalogue {cat_id!r} in {ref}; {hint}"
    ids = [c.id for c in catalogue.controls]
    guesses += [f"{cat_id}:{i}" for i in difflib.get_close_matches(control_id, ids, n=1)]
    hint = (
        f"did you mean {guesses[0]}?"
        if guesses
        else f"`evidence-kit controls {cat_id}` lists its controls"
    )
    return f"unknown control {ref} in {catalogue.name}; {hint}"


def check(evidence: Evidence) -> list[Finding]:
    """Every cited control exists; a page named like a generated one is reported."""
    known = catalogues()
    findings = []
    for doc in evidence.tree.documents.values():
        refs = doc.field("controls")
        if not isinstance(refs, list):
            continue
        for index, ref in enumerate(refs):
            # Anything not CATALOGUE:ID is the schema's to report.
            if not isinstance(ref, str) or not _REF.match(ref):
                continue
            problem = unknown_control(ref, known)
            if problem:
                json_path = f"$.controls[{index}]"
                at = doc.meta.mark(json_path)
                findings.append(
                    Finding(
                        doc.path, at.line, at.column, "control-unknown", problem, field=json_path
                    )
                )
    for src_uri, what in ((MATRIX_PAGE, "controls matrix"), (INDEX_PAGE, "evidence index")):
        taken = evidence.tree.documents.get(src_uri)
        if taken is not None:
            message = (
                f"{src_uri} is where the generated {what} goes; this page replaces it, "
                "so rename the page to publish the generated one"
            )
            findings.append(
                Finding(taken.path, 1, 1, "page-name-taken", message, severity=Severity.WARNING)
            )
    return findings


def status_of(evidence: Evidence, doc: Document) -> str:
    """A document's review status (`current`, `due-soon`, `review-required`, `overdue`), or
    empty for a document that is not reviewed on a cadence (sections, postmortems)."""
    status = review.reviews(evidence).get(doc.src_uri)
    return status.status.value if status is not None else ""


def published(evidence: Evidence, doc: Document) -> bool:
    """Whether the auditor's pages may list `doc`: published, and a postmortem only once
    it is marked `sanitized: true` (as the postmortem index does)."""
    if not doc.publishable or doc.src_uri in evidence.tree.unpublishable:
        return False
    return doc.doc_type != incidents.TYPE or doc.field("sanitized") is True


@dataclass(frozen=True)
class Item:
    """A published page as the auditor's pages list it."""

    src_uri: str
    title: str
    doc_type: str
    owner: str = ""
    date: str = ""
    """`last_reviewed` for reviewed documents, `date` for records."""
    status: str = ""
    """The review status; empty for what is not reviewed on a cadence."""
    controls: tuple[str, ...] = ()


StatusOf = Callable[[Document], str]


def evidence_items(evidence: Evidence, status: StatusOf | None = None) -> list[Item]:
    """Every published document and generated data page; `status` defaults to `status_of`."""

    def review(doc: Document) -> str:
        return status_of(evidence, doc)

    status = status or review
    items = []
    for doc in evidence.tree.documents.values():
        if not published(evidence, doc):
            continue
        # Front matter only: rendering every page here would do the build's work twice.
        meta = evidence.filled_meta(doc)
        refs = meta.get("controls")
        items.append(
            Item(
                doc.src_uri,
                evidence.fill(_title(meta, doc.body, doc.src_uri)),
                doc.doc_type or "page",
                _text(meta.get("owner")),
                _text(meta.get("last_reviewed") or meta.get("date")),
                status(doc),
                tuple(r for r in refs if isinstance(r, str)) if isinstance(refs, list) else (),
            )
        )
    # Pages made from data (the on-call rotation) or from other pages (indexes, reports).
    data_types = {
        src_uri.rsplit(".", 1)[0] + ".md": data.doc_type
        for src_uri, data in evidence.tree.data.items()
    }
    for page_uri, generated in sorted(evidence.generated.items()):
        if page_uri in (MATRIX_PAGE, INDEX_PAGE) or page_uri in evidence.tree.documents:
            continue
        split = yamlio.split_front_matter(generated)
        meta = yaml.safe_load(split.yaml_text or "") or {}
        title = html.unescape(_title(meta, split.body, page_uri))
        items.append(Item(page_uri, title, data_types.get(page_uri, "generated")))
    return items


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def _title(meta: Mapping[str, Any], body: str, src_uri: str) -> str:
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return str(meta["title"])
    for line in body.split("\n"):
        if line.startswith("# "):
            return line[2:].strip()
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(src_uri)) or "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class Row:
    """One control of the matrix and the published pages that cite it."""

    control: Control
    items: tuple[Item, ...]

    @property
    def state(self) -> str:
        return control_state([item.status for item in self.items])


def control_state(statuses: Sequence[str]) -> str:
    """`gap` without evidence; `stale` when every reviewed document is overdue; else `evidenced`.

    Records such as postmortems have no review status: they show the control works but do
    not keep its procedure current.
    """
    if not statuses:
        return "gap"
    reviewed = [s for s in statuses if s in REVIEW_STATUSES]
    if reviewed and all(s in STALE_STATUSES for s in reviewed):
        return "stale"
    return "evidenced"


def matrix(scope: Iterable[str], items: Iterable[Item]) -> list[tuple[Catalogue, list[Row]]]:
    """Per catalogue in scope, every control with the items citing it."""
    citing: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for ref in item.controls:
            citing[ref].append(item)
    known = catalogues()
    return [
        (known[cat], [Row(c, tuple(citing.get(c.ref, ()))) for c in known[cat].controls])
        for cat in scope
        if cat in known
    ]


def _link(item: Item, from_uri: str) -> str:
    target = posixpath.relpath(item.src_uri, posixpath.dirname(from_uri) or ".")
    return f"[{markup.text(item.title)}]({quote(target)})"


def _shown_status(status: str) -> str:
    return status or "—"


def render_matrix(sections: Sequence[tuple[Catalogue, Sequence[Row]]]) -> str:
    """The controls matrix page."""
    lines = [
        "---",
        "title: Controls matrix",
        "---",
        "",
        "# Controls matrix",
        "",
        "Each control in scope, the published documents that evidence it and their review",
        "status. A control is **stale** when every reviewed document evidencing it is overdue;",
        "records such as postmortems show that a control works but do not keep it current. A",
        "**gap** is a control that no document evidences yet.",
        "",
        "| Catalogue | Controls | Evidenced | Stale | Gaps |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for catalogue, rows in sections:
        states = [row.state for row in rows]
        lines.append(
            f"| {markup.text(catalogue.name)} | {len(rows)} | {states.count('evidenced')} "
            f"| {states.count('stale')} | {states.count('gap')} |"
        )
    for catalogue, rows in sections:
        lines += [
            "",
            f"## {markup.text(catalogue.name)}",
            "",
            "| Control | What it asks | Evidence | State |",
            "| --- | --- | --- | --- |",
        ]
        for row in rows:
            evidence = "<br>".join(
                f"{_link(item, MATRIX_PAGE)} ({markup.text(_shown_status(item.status))})"
                for item in row.items
            )
            state = f"**{row.state}**" if row.state != "evidenced" else row.state
            ref, title = markup.text(row.control.ref), markup.text(row.control.title)
            lines.append(f"| {ref} | {title} | {evidence or '—'} | {state} |")
        gaps = [row.control for row in rows if row.state == "gap"]
        if gaps:
            lines += ["", "No evidence yet:", ""]
            lines += [f"- {markup.text(c.ref)}: {markup.text(c.title)}" for c in gaps]
    lines.append("")
    return "\n".join(lines)


def _is_index(item: Item) -> bool:
    return posixpath.basename(item.src_uri) in ("index.md", "README.md")


def _folder_order(items: Iterable[Item]) -> list[Item]:
    """The folder's index first, then newest first (the "last two postmortems"), then by title."""
    ordered = sorted(items, key=lambda item: item.title.casefold())
    ordered.sort(key=lambda item: item.date, reverse=True)
    ordered.sort(key=lambda item: not _is_index(item))
    return ordered


def render_index(items: Sequence[Item]) -> str:
    """The evidence index page: every published document, folder by folder."""
    folders: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        folders[posixpath.dirname(item.src_uri)].append(item)
    lines = [
        "---",
        "title: Evidence index",
        "---",
        "",
        "# Evidence index",
        "",
        "Every published section and document with its type, owner, review or record date and",
        f"review status. The [controls matrix]({quote(MATRIX_PAGE)}) maps them to controls; the",
        f"[print version]({quote(PRINT_PAGE)}) puts the whole site into one printable document.",
    ]
    for folder in sorted(folders):
        entries = _folder_order(folders[folder])
        heading = entries[0].title if _is_index(entries[0]) else folder or "Home"
        lines += [
            "",
            f"## {markup.text(heading)}",
            "",
            "| Document | Type | Owner | Date | Status |",
            "| --- | --- | --- | --- | --- |",
        ]
        for item in entries:
            cells = [
                _link(item, INDEX_PAGE),
                markup.text(item.doc_type),
                markup.text(item.owner) or "—",
                markup.text(item.date) or "—",
                markup.text(_shown_status(item.status)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def pages(evidence: Evidence) -> dict[str, str]:
    """The controls matrix and the evidence index, unless the project has pages of those names."""
    items = evidence_items(evidence)
    result = {}
    if MATRIX_PAGE not in evidence.tree.documents:
        result[MATRIX_PAGE] = render_matrix(matrix(evidence.settings.controls.catalogues, items))
    if INDEX_PAGE not in evidence.tree.documents:
        result[INDEX_PAGE] = render_index(items)
    return result
